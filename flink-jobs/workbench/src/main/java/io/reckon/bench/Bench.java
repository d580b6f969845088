package io.reckon.bench;

import io.reckon.connectors.embedded.EmbeddedStack;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;

/**
 * The benchmark: Reckon's reconciliation job and a Flink SQL baseline on the same generated input,
 * with the same parallelism, on the same local cluster, one after the other, per input mode and state
 * backend. A comparison whose findings differ is void.
 *
 * <pre>{@code
 * Bench.Report r = Bench.run(new Bench.Config("sparse", BenchWorkload.Options.defaults(),
 *         List.of(Bench.Mode.IN_MEMORY), List.of(Bench.Backend.HEAP), true, false, 0.1, 1,
 *         Bench.DEFAULT_MANAGED_MEMORY, workDir), System.err);
 * System.out.println(r.valid());
 * }</pre>
 */
public final class Bench {

    /** Where records come from. */
    public enum Mode {
        /** Records already decoded, from a generator source: the job's own cost. */
        IN_MEMORY("in-memory"),
        /** Confluent Avro from the embedded Kafka, decoded and validated by the production sources. */
        KAFKA_AVRO("kafka-avro");

        public final String label;

        Mode(String label) {
            this.label = label;
        }
    }

    /** Keyed state backend. */
    public enum Backend {
        HEAP("hashmap"),
        ROCKSDB("rocksdb");

        public final String flinkName;

        Backend(String flinkName) {
            this.flinkName = flinkName;
        }
    }

    /**
     * @param baseline whether to run the SQL baseline (without it there is no comparison)
     * @param floor whether to run the two floors too ({@link FloorFunction}): the job's graph without
     *     the reconciling, with and without keeping each id as a state entry
     * @param warmup the share of the workload each engine first runs once, in memory with heap state,
     *     so the measured run pays less for class loading and JIT compilation; 0 for none
     * @param repeat runs of each engine per mode and backend, alternated (Reckon, the baseline, Reckon,
     *     ...); the report stands on each engine's median run ({@link Repeats})
     * @param managedMemory Flink's managed memory for the local cluster, which RocksDB takes its block
     *     cache and write buffers from ({@link #DEFAULT_MANAGED_MEMORY})
     */
    public record Config(
            String profile,
            BenchWorkload.Options workload,
            List<Mode> modes,
            List<Backend> backends,
            boolean baseline,
            boolean floor,
            double warmup,
            int repeat,
            MemorySize managedMemory,
            Path workDir) {

        public Config {
            if (repeat < 1) {
                throw new IllegalArgumentException("repeat must be at least 1, not " + repeat);
            }
        }
    }

    /**
     * The managed memory both engines run with. A local environment has 128 MB unless told otherwise,
     * shared by its slots: RocksDB's block cache and write buffers then hold a small part of the ids of a
     * large workload, and every lookup of a new id reads and decompresses blocks from files (10,000,000
     * dense events took 695 CPU-seconds with it, 74 with 1 GB). A TaskManager of the production chart
     * (8 GB, 2 slots) has about 2.8 GB of managed memory (Flink's default share, 0.4); 1 GB for this
     * process's 2 slots stays below that.
     */
    public static final String DEFAULT_MANAGED_MEMORY_SIZE = "1g";

    public static final MemorySize DEFAULT_MANAGED_MEMORY = MemorySize.parse(DEFAULT_MANAGED_MEMORY_SIZE);

    /**
     * Reckon and the baseline on one input, mode and backend; the two floors ({@link FloorFunction})
     * where they were run, else null. With {@code --repeat}, {@code reckon} and {@code baseline} are
     * the median runs of {@code reckonRuns} and {@code baselineRuns} (all of them, in the order they
     * ran), and {@code differences} also holds where runs of one engine disagree.
     */
    public record Comparison(
            String mode,
            String stateBackend,
            BenchRun reckon,
            BenchRun baseline,
            List<String> differences,
            BenchRun floor,
            BenchRun floorWithIds,
            List<BenchRun> reckonRuns,
            List<BenchRun> baselineRuns) {

        /** The floor that bounds Reckon's layout of state (the one keeping ids), else the plain one. */
        public BenchRun ceiling() {
            return floorWithIds != null ? floorWithIds : floor;
        }

        public boolean findingsEqual() {
            return baseline != null && differences.isEmpty();
        }

        /** Reckon's events per CPU-second over the baseline's. */
        public Double ratio() {
            return baseline == null ? null : reckon.eventsPerCpuSecond() / baseline.eventsPerCpuSecond();
        }

        /** The same ratio with JIT compilation taken out of both. */
        public Double ratioWithoutJit() {
            return baseline == null
                    ? null
                    : reckon.eventsPerCpuSecondWithoutJit() / baseline.eventsPerCpuSecondWithoutJit();
        }
    }

    public record Report(
            String profile,
            BenchWorkload.Options workload,
            long events,
            int keys,
            Map<String, Object> machine,
            long managedMemoryBytes,
            Map<String, Long> stateFootprint,
            List<Comparison> comparisons) {

        /**
         * False when any comparison is void: the baseline's findings differ from Reckon's or are empty,
         * or runs of one engine found different things.
         */
        public boolean valid() {
            return comparisons.stream()
                    .allMatch(c -> c.baseline() == null
                            ? c.differences().isEmpty()
                            : c.findingsEqual() && !c.reckon().findings().isEmpty());
        }
    }

    private Bench() {}

    public static Report run(Config config, PrintStream progress) throws Exception {
        BenchWorkload w = new BenchWorkload(config.workload());
        Map<String, Object> machine = Machine.describe();
        List<Comparison> comparisons = new ArrayList<>();
        EngineRuns.LocalCluster local = new EngineRuns.LocalCluster(
                config.managedMemory(), config.workDir().resolve("flink-tmp"));
        if (config.warmup() > 0) {
            BenchWorkload small = new BenchWorkload(config.workload()
                    .withEvents(Math.max(2 * config.workload().lanes(), (long) (w.totalRecords() * config.warmup()))));
            progress.println("Warm-up: " + small.totalRecords() + " events per engine, in memory, heap state ...");
            EngineRuns.runReckon(small, Mode.IN_MEMORY, Backend.HEAP, local, null);
            if (config.baseline()) {
                EngineRuns.runSql(small, Mode.IN_MEMORY, Backend.HEAP, local, null);
            }
        }
        EmbeddedStack stack = null;
        try {
            for (Mode mode : config.modes()) {
                Configuration kafka = null;
                if (mode == Mode.KAFKA_AVRO) {
                    progress.println("Starting the embedded stack and loading " + w.totalRecords()
                            + " Avro records into Kafka ...");
                    Path dir = Files.createDirectories(config.workDir()).resolve("stack");
                    stack = EmbeddedStack.start(dir);
                    kafka = stack.connectorConfig();
                    BenchInputs.load(kafka, w);
                }
                for (Backend backend : config.backends()) {
                    List<BenchRun> reckonRuns = new ArrayList<>();
                    List<BenchRun> sqlRuns = new ArrayList<>();
                    for (int i = 1; i <= config.repeat(); i++) {
                        String of = config.repeat() > 1 ? " (run " + i + " of " + config.repeat() + ")" : "";
                        progress.printf(
                                "Reckon, %s, %s state, %d events%s ...%n",
                                mode.label, backend.flinkName, w.totalRecords(), of);
                        reckonRuns.add(EngineRuns.runReckon(w, mode, backend, local, kafka));
                        EngineRuns.printRate(progress, reckonRuns.get(i - 1));
                        if (config.baseline()) {
                            progress.printf(
                                    "Flink SQL baseline, %s, %s state%s ...%n", mode.label, backend.flinkName, of);
                            sqlRuns.add(EngineRuns.runSql(w, mode, backend, local, kafka));
                            EngineRuns.printRate(progress, sqlRuns.get(i - 1));
                        }
                    }
                    BenchRun reckon = Repeats.median(reckonRuns);
                    BenchRun sql = sqlRuns.isEmpty() ? null : Repeats.median(sqlRuns);
                    List<String> differences = new ArrayList<>();
                    if (sql != null) {
                        differences.addAll(differences(reckon.findings(), sql.findings()));
                    }
                    differences.addAll(Repeats.disagreements(reckonRuns));
                    differences.addAll(Repeats.disagreements(sqlRuns));
                    BenchRun floor = null;
                    BenchRun floorWithIds = null;
                    if (config.floor()) {
                        floor = EngineRuns.runFloor(w, mode, backend, local, kafka, false, progress);
                        EngineRuns.printRate(progress, floor);
                        floorWithIds = EngineRuns.runFloor(w, mode, backend, local, kafka, true, progress);
                        EngineRuns.printRate(progress, floorWithIds);
                    }
                    comparisons.add(new Comparison(
                            mode.label,
                            backend.flinkName,
                            reckon,
                            sql,
                            differences,
                            floor,
                            floorWithIds,
                            reckonRuns,
                            sqlRuns));
                }
            }
        } finally {
            if (stack != null) {
                stack.close();
            }
        }
        return new Report(
                config.profile(),
                config.workload(),
                w.totalRecords(),
                w.keys(),
                machine,
                config.managedMemory().getBytes(),
                StateFootprint.perKey(),
                comparisons);
    }

    /** What one side found that the other did not, or found with other figures; empty when equal. */
    static List<String> differences(List<BenchFinding> reckon, List<BenchFinding> sql) {
        return differences(reckon, "Reckon", sql, "SQL");
    }

    /** {@link #differences} of two sets of findings named {@code nameA} and {@code nameB}. */
    static List<String> differences(List<BenchFinding> a, String nameA, List<BenchFinding> b, String nameB) {
        TreeSet<String> inA = new TreeSet<>();
        a.forEach(f -> inA.add(f.toString()));
        TreeSet<String> inB = new TreeSet<>();
        b.forEach(f -> inB.add(f.toString()));
        List<String> out = new ArrayList<>();
        for (String s : inA) {
            if (!inB.contains(s)) {
                out.add("only " + nameA + ": " + s);
            }
        }
        for (String s : inB) {
            if (!inA.contains(s)) {
                out.add("only " + nameB + ": " + s);
            }
        }
        return out;
    }
}
