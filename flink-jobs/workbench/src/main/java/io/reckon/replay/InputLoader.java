package io.reckon.replay;

import io.reckon.avro.DeadLetter;
import io.reckon.connectors.kafka.Topics;
import io.reckon.connectors.registry.ConfluentAvroCodec;
import io.reckon.connectors.registry.SchemaRegistryException;
import io.reckon.jobs.records.DeadLetterRecord;
import io.reckon.jobs.sinks.OutputRecords;
import io.reckon.jobs.sources.InputKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Loads one JSON Lines file: reads it line by line in bounded memory ({@link JsonLineReader}),
 * converts each line to its Avro record or a dead letter ({@link LineConversion}), and hands the
 * records to a sink in the order asked for: file order, or event-time order through an external
 * sort ({@link EventTimeSorter}) whose memory is bounded by a budget. Dead letters go to the sink at
 * once; a line that cannot be read as a record has no event time to be ordered by.
 *
 * <p>Every line, a blank one included, ends as exactly one record or one dead letter, so lines =
 * valid + dead-lettered holds for what the loader hands on.
 */
final class InputLoader {

    /** Where loaded records go, e.g. batches produced to Kafka. */
    interface Sink {
        void send(ProducerRecord<byte[], byte[]> record) throws IOException;
    }

    /**
     * What loading one file did.
     *
     * @param lines lines read
     * @param deadLettered lines dead-lettered by the loader
     * @param ordered records that went through the event-time sort (0 in file order)
     * @param runs sorted runs written to temporary files (0 when the input fitted the sort memory)
     * @param time how long the loading took, sorting and handing on included
     * @param sortTime the part of it spent ordering: buffering, writing the runs and merging them
     * @param end where the valid records reach in event time ({@link InputEnd}), or {@link
     *     io.reckon.jobs.sources.CorroboratedTime#NONE}
     */
    record Result(long lines, long deadLettered, long ordered, int runs, Duration time, Duration sortTime, long end) {}

    private final ConfluentAvroCodec codec;
    private final LoadOptions options;
    private final Sink sink;
    private final InputEnd end;

    /** Measures the input's end with the job's default corroboration and future skew. */
    InputLoader(ConfluentAvroCodec codec, LoadOptions options, Sink sink) {
        this(
                codec,
                options,
                sink,
                InputEnd.of(new org.apache.flink.configuration.Configuration(), System.currentTimeMillis()));
    }

    InputLoader(ConfluentAvroCodec codec, LoadOptions options, Sink sink, InputEnd end) {
        this.codec = codec;
        this.options = options;
        this.sink = sink;
        this.end = end;
    }

    /**
     * Whether an input goes through the event-time sort. Contracts are versions per account, in file
     * order; the job orders them by version itself.
     */
    static boolean ordersByEventTime(LoadOptions options, InputKind kind) {
        return options.order() == InputOrder.EVENT_TIME && kind != InputKind.CONTRACTS;
    }

    Result load(InputKind kind, Path file) throws IOException {
        long started = System.nanoTime();
        String source = file.getFileName().toString();
        String subject = ConfluentAvroCodec.valueSubject(kind.topic());
        boolean ordered = ordersByEventTime(options, kind);
        long lines = 0;
        long dead = 0;
        long sortNanos = 0;
        try (JsonLineReader reader = new JsonLineReader(ReplayFileText.utf8(file));
                EventTimeSorter sorter = new EventTimeSorter(options.tempDirectory(), options.sortMemoryBytes())) {
            for (JsonLineReader.Line line = reader.next(); line != null; line = reader.next()) {
                LineConversion.Outcome outcome = LineConversion.convert(kind, line);
                lines++;
                if (outcome instanceof LineConversion.Valid valid) {
                    JsonInputs.Converted c = valid.converted();
                    byte[] value;
                    try {
                        value = codec.encode(subject, c.value());
                    } catch (SchemaRegistryException e) {
                        throw e; // the registry failed, not the line: stop with the cause
                    } catch (IllegalArgumentException e) {
                        // A value its schema cannot hold; the conversion's bounds should leave none.
                        deadLetter(source, line, e.getMessage());
                        dead++;
                        continue;
                    }
                    if (c.eventTime() != null) {
                        end.add(c.id(), c.eventTime().toEpochMilli());
                    }
                    byte[] key = c.key().getBytes(StandardCharsets.UTF_8);
                    if (ordered) {
                        long t = System.nanoTime();
                        sorter.add(c.eventTime().toEpochMilli(), line.number(), key, value);
                        sortNanos += System.nanoTime() - t;
                    } else {
                        sink.send(SourceLines.record(kind.topic(), key, value, line.number()));
                    }
                    continue;
                }
                deadLetter(source, line, ((LineConversion.Invalid) outcome).reason());
                dead++;
            }
            if (ordered) {
                long t = System.nanoTime();
                try (EventTimeSorter.Sorted sorted = sorter.sorted()) {
                    while (sorted.hasNext()) {
                        EventTimeSorter.Entry e = sorted.next();
                        long handing = System.nanoTime();
                        sink.send(SourceLines.record(kind.topic(), e.key(), e.value(), e.sequence()));
                        t += System.nanoTime() - handing;
                    }
                }
                sortNanos += System.nanoTime() - t;
            }
            return new Result(
                    lines,
                    dead,
                    ordered ? sorter.size() : 0,
                    sorter.runsWritten(),
                    Duration.ofNanos(System.nanoTime() - started),
                    Duration.ofNanos(sortNanos),
                    end.end());
        }
    }

    private void deadLetter(String source, JsonLineReader.Line line, String reason) throws IOException {
        long now = System.currentTimeMillis();
        DeadLetterRecord d = line.tooLong()
                ? DeadLetterRecord.ofCut(
                        source, null, line.number(), line.bytes(), line.length(), line.sha256(), reason, now)
                : DeadLetterRecord.of(source, null, line.number(), line.bytes(), reason, now);
        DeadLetter avro = OutputRecords.toAvro(d);
        byte[] value = codec.encode(ConfluentAvroCodec.valueSubject(Topics.DLQ), avro);
        sink.send(new ProducerRecord<>(Topics.DLQ, source.getBytes(StandardCharsets.UTF_8), value));
    }
}
