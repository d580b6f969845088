package io.reckon.replay;

import io.reckon.avro.DeadLetter;
import io.reckon.connectors.kafka.TopicAdmin;
import io.reckon.jobs.records.DeadLetterRecord;
import io.reckon.jobs.sinks.OutputRecords;
import io.reckon.jobs.sources.InputKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * Where each record of a replay came from: its line in its file, carried in a header of the Kafka
 * record the loader produces. A record the job dead-letters (a negative quantity, a currency other
 * than its contract's, a record older than the retention) is then reported as that line of that file,
 * with the line's text, like the lines the loader refuses itself; otherwise its dead letter would name
 * a topic, a partition and an offset of the replay's own broker, and hold Avro bytes.
 */
final class SourceLines {

    /** The header with the record's 1-based line number, 8 bytes big-endian. */
    static final String HEADER = "reckon.line";

    private SourceLines() {}

    /** The record to produce for line {@code line} of a file. */
    static ProducerRecord<byte[], byte[]> record(String topic, byte[] key, byte[] value, long line) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, key, value);
        r.headers().add(HEADER, ByteBuffer.allocate(Long.BYTES).putLong(line).array());
        return r;
    }

    /**
     * {@code deadLetters} with each one the job wrote for a record of a replayed file turned into that
     * line of the file: its name as the source, its line number as the offset, its text as the raw
     * record, the job's reason and time. The others are left as they are.
     */
    static List<DeadLetter> asFileLines(List<DeadLetter> deadLetters, Replay.InputFiles files, TopicAdmin admin)
            throws IOException {
        Map<String, InputKind> byTopic = new HashMap<>();
        for (InputKind kind : InputKind.values()) {
            if (files.of(kind) != null) {
                byTopic.put(kind.topic(), kind);
            }
        }
        Map<String, Map<Integer, SortedSet<Long>>> wanted = new HashMap<>();
        for (DeadLetter d : deadLetters) {
            if (byTopic.containsKey(d.getSource()) && d.getPartition() != null && d.getOffset() != null) {
                wanted.computeIfAbsent(d.getSource(), t -> new TreeMap<>())
                        .computeIfAbsent(d.getPartition(), p -> new TreeSet<>())
                        .add(d.getOffset());
            }
        }
        if (wanted.isEmpty()) {
            return deadLetters;
        }
        Map<String, Map<TopicPartition, Map<Long, ConsumerRecord<byte[], byte[]>>>> records = new HashMap<>();
        Map<InputKind, Set<Long>> linesWanted = new HashMap<>();
        for (Map.Entry<String, Map<Integer, SortedSet<Long>>> t : wanted.entrySet()) {
            var found = admin.readAt(t.getKey(), t.getValue());
            records.put(t.getKey(), found);
            for (Map<Long, ConsumerRecord<byte[], byte[]>> byOffset : found.values()) {
                for (ConsumerRecord<byte[], byte[]> r : byOffset.values()) {
                    Long line = lineOf(r);
                    if (line != null) {
                        linesWanted
                                .computeIfAbsent(byTopic.get(t.getKey()), k -> new TreeSet<>())
                                .add(line);
                    }
                }
            }
        }
        Map<InputKind, Map<Long, JsonLineReader.Line>> lines = new HashMap<>();
        for (Map.Entry<InputKind, Set<Long>> k : linesWanted.entrySet()) {
            lines.put(k.getKey(), read(files.of(k.getKey()), k.getValue()));
        }
        List<DeadLetter> out = new ArrayList<>(deadLetters.size());
        for (DeadLetter d : deadLetters) {
            out.add(asFileLine(d, byTopic, records, lines, files));
        }
        return out;
    }

    private static DeadLetter asFileLine(
            DeadLetter d,
            Map<String, InputKind> byTopic,
            Map<String, Map<TopicPartition, Map<Long, ConsumerRecord<byte[], byte[]>>>> records,
            Map<InputKind, Map<Long, JsonLineReader.Line>> lines,
            Replay.InputFiles files) {
        InputKind kind = byTopic.get(d.getSource());
        if (kind == null || d.getPartition() == null || d.getOffset() == null) {
            return d;
        }
        ConsumerRecord<byte[], byte[]> r = records.get(d.getSource())
                .getOrDefault(new TopicPartition(d.getSource(), d.getPartition()), Map.of())
                .get(d.getOffset());
        Long number = r == null ? null : lineOf(r);
        JsonLineReader.Line line =
                number == null ? null : lines.getOrDefault(kind, Map.of()).get(number);
        if (line == null) {
            return d; // not produced by this replay's loader: the record stays as the job saw it
        }
        String source = files.of(kind).getFileName().toString();
        long at = d.getDetectedAt().toEpochMilli();
        DeadLetterRecord asLine = line.tooLong()
                ? DeadLetterRecord.ofCut(
                        source, null, line.number(), line.bytes(), line.length(), line.sha256(), d.getReason(), at)
                : DeadLetterRecord.of(source, null, line.number(), line.bytes(), d.getReason(), at);
        return OutputRecords.toAvro(asLine);
    }

    private static Long lineOf(ConsumerRecord<byte[], byte[]> r) {
        Header h = r.headers().lastHeader(HEADER);
        return h == null || h.value().length != Long.BYTES
                ? null
                : ByteBuffer.wrap(h.value()).getLong();
    }

    /** The lines numbered {@code numbers} of {@code file}, read as the loader read them. */
    private static Map<Long, JsonLineReader.Line> read(java.nio.file.Path file, Set<Long> numbers) throws IOException {
        Map<Long, JsonLineReader.Line> out = new HashMap<>();
        try (JsonLineReader reader = new JsonLineReader(ReplayFileText.utf8(file))) {
            for (JsonLineReader.Line l = reader.next(); l != null && out.size() < numbers.size(); l = reader.next()) {
                if (numbers.contains(l.number())) {
                    out.put(l.number(), l);
                }
            }
        }
        return out;
    }
}
