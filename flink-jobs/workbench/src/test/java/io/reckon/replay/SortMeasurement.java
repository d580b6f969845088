package io.reckon.replay;

import io.reckon.avro.UsageEvent;
import io.reckon.connectors.kafka.Topics;
import io.reckon.connectors.registry.ConfluentAvroCodec;
import io.reckon.jobs.sources.InputKind;
import java.io.BufferedWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;
import org.apache.flink.configuration.MemorySize;

/**
 * Measures the replay loader on one large usage file, without Kafka: reading, conversion, Avro
 * encoding (Confluent's in-memory registry), the external sort and the merge, in the heap the JVM
 * is given. Every record handed on is decoded again to check that the output is in event-time order;
 * that check is timed apart and left out of the loading time.
 *
 * <pre>
 * ./mvnw -q -pl flink-jobs/workbench -am install -DskipTests
 * ./mvnw -q -pl flink-jobs/workbench dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-cp.txt
 * java -Xmx256m -cp flink-jobs/workbench/target/test-classes:flink-jobs/workbench/target/classes:$(cat flink-jobs/workbench/target/test-cp.txt) \
 *   io.reckon.replay.SortMeasurement /tmp/usage-2g.jsonl 13000000 64m
 * </pre>
 *
 * Arguments: the file (generated first when it does not exist: that many lines, grouped by account,
 * each account's records in time order, so the file as a whole is not), lines to generate, sort memory.
 */
public final class SortMeasurement {

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        long lines = args.length > 1 ? Long.parseLong(args[1]) : 13_000_000L;
        long sortMemory = args.length > 2 ? MemorySize.parse(args[2]).getBytes() : LoadOptions.DEFAULT_SORT_MEMORY;
        if (!Files.exists(file)) {
            long t = System.nanoTime();
            generate(file, lines);
            System.out.printf("generated %,d lines, %,d bytes in %.1f s%n", lines, Files.size(file), seconds(t));
        }
        ConfluentAvroCodec codec = ConfluentAvroCodec.forUrl("mock://sort-measurement");
        long[] handedOn = new long[3]; // records, dead letters, nanoseconds spent checking
        long[] last = {Long.MIN_VALUE};
        InputLoader loader = new InputLoader(
                codec,
                LoadOptions.defaults()
                        .withSortMemory(sortMemory)
                        .withTempDirectory(file.toAbsolutePath().getParent()),
                record -> {
                    long t = System.nanoTime();
                    if (record.topic().equals(Topics.DLQ)) {
                        handedOn[1]++;
                    } else {
                        handedOn[0]++;
                        long time = decodeTime(codec, record.value());
                        if (time < last[0]) {
                            throw new IllegalStateException("out of order at record " + handedOn[0]);
                        }
                        last[0] = time;
                    }
                    handedOn[2] += System.nanoTime() - t;
                });
        long started = System.nanoTime();
        InputLoader.Result r = loader.load(InputKind.USAGE, file);
        double total = seconds(started);
        double checking = handedOn[2] / 1e9;
        long peakHeap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peakHeap += pool.getPeakUsage().getUsed();
            }
        }
        System.out.printf(
                "file %,d bytes; %,d lines, %,d dead-lettered, %,d records in event-time order (%,d runs);"
                        + " loading %.1f s, of which ordering %.1f s (order check %.1f s apart); max heap %,d MiB, sum of the heap pools' peaks %,d MiB;"
                        + " sort memory %,d MiB%n",
                Files.size(file),
                r.lines(),
                r.deadLettered(),
                handedOn[0],
                r.runs(),
                total - checking,
                r.sortTime().toMillis() / 1000.0,
                checking,
                Runtime.getRuntime().maxMemory() >> 20,
                peakHeap >> 20,
                sortMemory >> 20);
        if (handedOn[0] + handedOn[1] != r.lines()) {
            throw new IllegalStateException("lines read != records + dead letters");
        }
    }

    private static long decodeTime(ConfluentAvroCodec codec, byte[] value) {
        try {
            return codec.decode(value, UsageEvent.class).getEventTime().toEpochMilli();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Usage grouped by account, 2,000 accounts, times spread over 90 days from 2026-01-01. */
    static void generate(Path file, long lines) throws Exception {
        Random random = new Random(42);
        int accounts = 2_000;
        long perAccount = Math.max(1, lines / accounts);
        long start = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
        long span = 90L * 86_400_000L;
        long id = 0;
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int a = 0; a < accounts && id < lines; a++) {
                long step = span / perAccount;
                for (long i = 0; i < perAccount && id < lines; i++) {
                    long t = start + i * step + random.nextInt((int) Math.min(Integer.MAX_VALUE, Math.max(1, step)));
                    w.write("{\"event_id\":\"e-" + id++ + "\",\"account_id\":\"acct_" + a
                            + "\",\"meter\":\"api_calls\",\"event_time\":\"" + Instant.ofEpochMilli(t / 1000 * 1000)
                            + "\",\"quantity\":\"" + (1 + random.nextInt(100_000)) / 1000.0
                            + "\",\"attributes\":{\"region\":\"eu-west-1\",\"sdk\":\"java-4.2.1\"}}\n");
                }
            }
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
