package io.reckon.cli;

import io.reckon.bench.Bench;
import io.reckon.bench.BenchProfile;
import io.reckon.bench.BenchReport;
import io.reckon.bench.BenchWorkload;
import io.reckon.bench.HeapBudget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.MemorySize;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code reckon bench}: Reckon against a Flink SQL baseline on a generated workload. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Benchmarks the reconciliation job against a Flink SQL baseline on the same generated workload.",
            "Runs in memory (records already decoded) and end to end from the embedded Kafka with Avro, with heap "
                    + "and RocksDB state; reports events/s, events per CPU-second, emission latency, state per key and peak "
                    + "memory. Exits 1 when the baseline's findings differ from Reckon's (the comparison is void)."
        })
public final class BenchCommand implements Callable<Integer> {

    @Option(
            names = "--profile",
            defaultValue = "sparse",
            description = "Workload: sparse (2,000,000 events, 250 accounts), dense (10,000,000 events, 100"
                    + " accounts), late (sparse with 5 %% of records 1 to 20 days late and late duplicates) or"
                    + " wide (sparse over 2,500 accounts) or quiet (sparse plus 4,500 keys with a record a"
                    + " week); the options below override it (default"
                    + " ${DEFAULT-VALUE}).")
    String profile;

    @Option(names = "--events", description = "Usage plus reported records (sparse: 2000000).")
    Long events;

    @Option(names = "--accounts", description = "Accounts (sparse: 250).")
    Integer accounts;

    @Option(names = "--meters", description = "Meters per account (default 2).")
    Integer meters;

    @Option(names = "--days", description = "Days of event time the workload spans (default 31).")
    Integer days;

    @Option(names = "--duplicate-rate", description = "Share of duplicate records (default 0.01).")
    Double duplicateRate;

    @Option(names = "--out-of-order-rate", description = "Share of records moved back up to 4 minutes (default 0.05).")
    Double outOfOrderRate;

    @Option(names = "--under-reported-share", description = "Share of keys that under-report (default 0.05).")
    Double underReportedShare;

    @Option(
            names = "--late-rate",
            description = "Share of records arriving 1 to 20 days late; above 0, duplicates are late copies"
                    + " (late: 0.05, otherwise 0).")
    Double lateRate;

    @Option(names = "--seed", defaultValue = "42", description = "Workload seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description = "Parallelism of both jobs (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
            names = "--mode",
            defaultValue = "all",
            description = "in-memory, kafka-avro or all (default ${DEFAULT-VALUE}).")
    String mode;

    @Option(
            names = "--state-backend",
            defaultValue = "all",
            description = "heap, rocksdb or all (default ${DEFAULT-VALUE}).")
    String stateBackend;

    @Option(names = "--no-baseline", description = "Run Reckon only (no comparison).")
    boolean noBaseline;

    @Option(
            names = "--floor",
            description = "Also run the two floors in each mode: the job's graph with a reconcile function that"
                    + " only counts its records, and one that also keeps each id as deduplication does; each"
                    + " throughput target is then shown with its ceiling, the second floor's figure.")
    boolean floor;

    @Option(names = "--no-warmup", description = "Skip the warm-up run of each engine.")
    boolean noWarmup;

    @Option(
            names = "--warmup",
            defaultValue = "0.1",
            description = "Share of the workload each engine runs first, in memory with heap state, before"
                    + " the measured runs (default ${DEFAULT-VALUE}; 1 runs it once in full).")
    double warmup;

    @Option(
            names = "--repeat",
            defaultValue = "1",
            description = "Runs of each engine per mode and state backend, alternated; each engine's figures"
                    + " are then its median run's, and every run must find the same (default ${DEFAULT-VALUE}).")
    int repeat;

    @Option(
            names = "--managed-memory",
            defaultValue = Bench.DEFAULT_MANAGED_MEMORY_SIZE,
            description = "Flink managed memory of the local cluster, where RocksDB keeps its block cache and"
                    + " write buffers (default ${DEFAULT-VALUE}; Flink's local default is 128m).")
    String managedMemory;

    @Option(
            names = "--dir",
            description =
                    "Working directory for the embedded stack and Flink's temporary files, kept (default: a new temp dir,"
                            + " removed at the end).")
    Path dir;

    @Option(names = "--json", description = "Print one JSON object with every figure instead of the table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<Bench.Mode> modes;
        List<Bench.Backend> backends;
        BenchWorkload.Options options;
        BenchProfile chosen;
        MemorySize managed;
        try {
            managed = managedMemory(managedMemory);
            modes = switch (mode) {
                case "in-memory" -> List.of(Bench.Mode.IN_MEMORY);
                case "kafka-avro" -> List.of(Bench.Mode.KAFKA_AVRO);
                case "all" -> List.of(Bench.Mode.IN_MEMORY, Bench.Mode.KAFKA_AVRO);
                default -> throw new IllegalArgumentException("--mode must be in-memory, kafka-avro or all");
            };
            backends = switch (stateBackend) {
                case "heap", "hashmap" -> List.of(Bench.Backend.HEAP);
                case "rocksdb" -> List.of(Bench.Backend.ROCKSDB);
                case "all" -> List.of(Bench.Backend.HEAP, Bench.Backend.ROCKSDB);
                default -> throw new IllegalArgumentException("--state-backend must be heap, rocksdb or all");
            };
            if (!(warmup >= 0 && warmup <= 1)) {
                throw new IllegalArgumentException(
                        "--warmup must be a share of the workload between 0 and 1, not " + warmup);
            }
            if (repeat < 1 || repeat > 99) {
                throw new IllegalArgumentException("--repeat must be between 1 and 99, not " + repeat);
            }
            BenchProfile named = BenchProfile.parse(profile);
            BenchWorkload.Options p = named.options;
            int accountsChosen = or(accounts, p.accounts());
            int metersChosen = or(meters, p.meters());
            options = new BenchWorkload.Options(
                    or(events, p.events()),
                    accountsChosen,
                    metersChosen,
                    or(days, p.days()),
                    or(duplicateRate, p.duplicateRate()),
                    or(outOfOrderRate, p.outOfOrderRate()),
                    or(underReportedShare, p.underReportedShare()),
                    or(lateRate, p.lateRate()),
                    Math.min(p.busyKeys(), accountsChosen * metersChosen),
                    seed,
                    parallelism);
            chosen = named;
        } catch (IllegalArgumentException e) {
            System.err.println("reckon bench: " + e.getMessage());
            return 2;
        }
        if (backends.contains(Bench.Backend.HEAP) || (warmup > 0 && !noWarmup)) {
            long heapEvents = backends.contains(Bench.Backend.HEAP)
                    ? options.events()
                    : (long) Math.ceil(options.events() * warmup);
            var shortfall =
                    HeapBudget.shortfall(heapEvents, Runtime.getRuntime().maxMemory());
            if (shortfall.isPresent()) {
                System.err.println("reckon bench: " + shortfall.get());
                return 2;
            }
        }
        TemporaryDirectory temporary = dir == null ? TemporaryDirectory.create("reckon-bench-") : null;
        Path work = temporary != null ? temporary.path() : Files.createDirectories(dir);
        Bench.Report report;
        try {
            report = Bench.run(
                    new Bench.Config(
                            chosen.label,
                            options,
                            modes,
                            backends,
                            !noBaseline,
                            floor,
                            noWarmup ? 0 : warmup,
                            repeat,
                            managed,
                            work),
                    System.err);
        } finally {
            if (temporary != null && !temporary.delete()) {
                System.err.println("reckon bench: could not remove the working directory " + work);
            }
        }
        System.out.print(json ? BenchReport.json(report) + "\n" : BenchReport.text(report));
        if (!report.valid()) {
            System.err.println("reckon bench: " + BenchReport.verdict(report).strip());
            return 1;
        }
        return 0;
    }

    private static MemorySize managedMemory(String text) {
        MemorySize size;
        try {
            size = MemorySizes.parse(text, "512m or 2g");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--managed-memory: " + e.getMessage(), e);
        }
        if (size.getBytes() < MemorySize.parse("16m").getBytes()) {
            throw new IllegalArgumentException("--managed-memory must be at least 16m, not " + text);
        }
        return size;
    }

    private static <T> T or(T given, T profile) {
        return given != null ? given : profile;
    }
}
