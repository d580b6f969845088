package io.reckon.bench;

import io.reckon.connectors.embedded.EmbeddedStack;
import io.reckon.jobs.ReconciliationJob;
import io.reckon.jobs.reconcile.LatencyHistogram;
import io.reckon.jobs.reconcile.ReconSettings;
import io.reckon.jobs.reconcile.ReconcileFunction;
import io.reckon.jobs.reconcile.checks.AnomalyType;
import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.DeadLetterRecord;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.types.Row;

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

    private static final ReconciliationJob.Watermarks WATERMARKS =
            new ReconciliationJob.Watermarks(Duration.ofMinutes(5), Duration.ZERO);

    private Bench() {}

    /**
     * The baseline's watermarks: Reckon's, unless records arrive days late. A tumbling window drops what
     * arrives after the watermark passed it, so a SQL user who must count late records holds the
     * watermark back by the longest delay (and keeps every window open that long).
     */
    static ReconciliationJob.Watermarks sqlWatermarks(BenchWorkload w) {
        return w.options().lateRate() > 0
                ? new ReconciliationJob.Watermarks(
                        Duration.ofDays(BenchWorkload.MAX_LATE_DAYS + 1), WATERMARKS.idleTimeout())
                : WATERMARKS;
    }

    public static Report run(Config config, PrintStream progress) throws Exception {
        BenchWorkload w = new BenchWorkload(config.workload());
        Map<String, Object> machine = Machine.describe();
        List<Comparison> comparisons = new ArrayList<>();
        LocalCluster local =
                new LocalCluster(config.managedMemory(), config.workDir().resolve("flink-tmp"));
        if (config.warmup() > 0) {
            BenchWorkload small = new BenchWorkload(config.workload()
                    .withEvents(Math.max(2 * config.workload().lanes(), (long) (w.totalRecords() * config.warmup()))));
            progress.println("Warm-up: " + small.totalRecords() + " events per engine, in memory, heap state ...");
            runReckon(small, Mode.IN_MEMORY, Backend.HEAP, local, null);
            if (config.baseline()) {
                runSql(small, Mode.IN_MEMORY, Backend.HEAP, local, null);
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
                        reckonRuns.add(runReckon(w, mode, backend, local, kafka));
                        printRate(progress, reckonRuns.get(i - 1));
                        if (config.baseline()) {
                            progress.printf(
                                    "Flink SQL baseline, %s, %s state%s ...%n", mode.label, backend.flinkName, of);
                            sqlRuns.add(runSql(w, mode, backend, local, kafka));
                            printRate(progress, sqlRuns.get(i - 1));
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
                        floor = runFloor(w, mode, backend, local, kafka, false, progress);
                        printRate(progress, floor);
                        floorWithIds = runFloor(w, mode, backend, local, kafka, true, progress);
                        printRate(progress, floorWithIds);
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

    /**
     * The local cluster each run starts: its managed memory, and the directory of Flink's temporary
     * files (each cluster's working directory, the RPC system's jar), which the run's working directory
     * holds and so removes with it: left in {@code java.io.tmpdir}, some 21 MB stayed there per run.
     */
    record LocalCluster(MemorySize managed, Path tmp) {
        Configuration configuration(Backend backend) {
            Configuration conf = Bench.configuration(backend, managed);
            conf.set(CoreOptions.TMP_DIRS, tmp.toString());
            return conf;
        }
    }

    static Configuration configuration(Backend backend, MemorySize managed) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(StateBackendOptions.STATE_BACKEND, backend.flinkName);
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, managed);
        return conf;
    }

    static BenchRun runReckon(BenchWorkload w, Mode mode, Backend backend, LocalCluster local, Configuration kafka)
            throws Exception {
        Ran ran = runGraph(
                w,
                mode,
                backend,
                local,
                kafka,
                new ReconcileFunction(ReconSettings.defaults()).measuringEmissionLatency(),
                "reckon-bench");
        Measured m = ran.measured();
        long[] latency = m.result().getAccumulatorResult(ReconcileFunction.EMISSION_LATENCY_ACCUMULATOR);
        List<AnomalyRecord> revisions = ran.anomalies().drain();
        Map<String, Object> notes = new LinkedHashMap<>();
        notes.put("anomaly_revisions", revisions.size());
        Long ticks = m.result().getAccumulatorResult(ReconcileFunction.TICKS_COUNTER);
        notes.put("ticks", ticks == null ? 0L : ticks);
        // The unused inputs (invoices, CloudEvents) of the in-memory mode yield one empty record each.
        notes.put("dead_letters", ran.deadLetters().drain().size());
        return m.run("reckon", w, mode, backend, latency, reckonFindings(revisions), notes);
    }

    private static void printRate(PrintStream progress, BenchRun run) {
        progress.printf(
                "  %.0f events/s, %.0f events per CPU-second%n", run.eventsPerSecond(), run.eventsPerCpuSecond());
    }

    /** A floor: Reckon's job graph whose reconcile function only counts (and keeps the ids, if asked). */
    static BenchRun runFloor(
            BenchWorkload w,
            Mode mode,
            Backend backend,
            LocalCluster local,
            Configuration kafka,
            boolean keepIds,
            PrintStream progress)
            throws Exception {
        FloorFunction function = keepIds ? FloorFunction.keepingIds() : FloorFunction.countingOnly();
        String engine = keepIds ? "floor+ids" : "floor";
        progress.printf(
                "Floor (the job's graph, no reconciling%s), %s, %s state ...%n",
                keepIds ? ", ids kept" : "", mode.label, backend.flinkName);
        Ran ran = runGraph(w, mode, backend, local, kafka, function, "floor-bench");
        Measured m = ran.measured();
        Long delivered = m.result().getAccumulatorResult(FloorFunction.DELIVERED);
        Map<String, Object> notes = new LinkedHashMap<>();
        notes.put("records_delivered", delivered == null ? 0L : delivered);
        return m.run(engine, w, mode, backend, null, List.of(), notes);
    }

    /** A run of the reconciliation job's graph, with the outputs it collected. */
    private record Ran(
            Measured measured, CollectingSink<AnomalyRecord> anomalies, CollectingSink<DeadLetterRecord> deadLetters) {}

    private static Ran runGraph(
            BenchWorkload w,
            Mode mode,
            Backend backend,
            LocalCluster local,
            Configuration kafka,
            ReconcileFunction reconcile,
            String name)
            throws Exception {
        int parallelism = w.options().lanes();
        // Object reuse as in production (ReconciliationMain), so the benchmark measures what runs.
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(
                parallelism, ReconciliationJob.withObjectReuse(local.configuration(backend)));
        CollectingSink<AnomalyRecord> anomalies = new CollectingSink<>();
        CollectingSink<DeadLetterRecord> deadLetters = new CollectingSink<>();
        ReconciliationJob.Outputs outputs = new ReconciliationJob.Outputs(
                a -> a.sinkTo(anomalies).name("bench-anomalies"),
                d -> d.sinkTo(deadLetters).name("bench-dead-letters"),
                r -> r.sinkTo(new DiscardingSink<>()).name("bench-rollups"),
                u -> u.sinkTo(new DiscardingSink<>()).name("bench-unmapped"));
        ReconciliationJob.Inputs inputs = mode == Mode.IN_MEMORY ? BenchInputs.inMemory(w) : BenchInputs.kafka(kafka);
        ReconciliationJob.defineWorkflow(env, WATERMARKS, inputs, outputs, reconcile);
        return new Ran(execute(env, name), anomalies, deadLetters);
    }

    static BenchRun runSql(BenchWorkload w, Mode mode, Backend backend, LocalCluster local, Configuration kafka)
            throws Exception {
        int parallelism = w.options().lanes();
        // Flink's default (no object reuse) for the baseline: the table planner does not document a
        // streaming SQL program as safe with reuse (it turns reuse on by itself only for batch), and
        // the baseline's own DataStream part (ingest, the Row mapping, the collecting sink) is not
        // what docs/guarantees.md audits. It measures Flink SQL as a user would run it.
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(parallelism, local.configuration(backend));
        ReconciliationJob.Inputs inputs = mode == Mode.IN_MEMORY ? BenchInputs.inMemory(w) : BenchInputs.kafka(kafka);
        CollectingSink<Row> sink = SqlBaseline.define(env, sqlWatermarks(w), inputs);
        Measured m = execute(env, "sql-baseline-bench");
        List<Row> changelog = sink.drain();
        Map<String, Object> notes = new LinkedHashMap<>();
        notes.put("changelog_rows", changelog.size());
        return m.run("flink-sql", w, mode, backend, null, SqlBaseline.findings(changelog), notes);
    }

    /**
     * {@code jitSeconds}: time the JIT compilers spent in the run, part of {@code cpuSeconds};
     * {@code gcSeconds}: CPU time of the garbage collector's threads in the run, part of it too (null
     * where /proc is not available).
     */
    private record Measured(
            JobExecutionResult result,
            double seconds,
            double cpuSeconds,
            double jitSeconds,
            Double gcSeconds,
            long heapPeak,
            long rssPeak) {

        /**
         * The run's figures: its latency histogram (null where not measured), findings and notes, to which
         * the job's net runtime and the collector's CPU are added.
         */
        BenchRun run(
                String engine,
                BenchWorkload w,
                Mode mode,
                Backend backend,
                long[] latency,
                List<BenchFinding> findings,
                Map<String, Object> notes) {
            notes.put("flink_net_runtime_ms", result.getNetRuntime());
            notes.put("gc_cpu_seconds", gcSeconds);
            return new BenchRun(
                    engine,
                    mode.label,
                    backend.flinkName,
                    w.options().lanes(),
                    w.totalRecords(),
                    seconds,
                    cpuSeconds,
                    jitSeconds,
                    percentileMs(latency, 0.50),
                    percentileMs(latency, 0.99),
                    latency == null ? 0 : LatencyHistogram.count(latency),
                    null,
                    heapPeak,
                    rssPeak,
                    findings,
                    notes);
        }
    }

    /**
     * Runs the job and measures from submission (the local cluster is up by then) to the result. CPU
     * time is the whole process's: the local cluster runs in this JVM, and nothing else here works
     * meanwhile (the Kafka broker is a separate process and is not counted).
     */
    private static Measured execute(StreamExecutionEnvironment env, String name) throws Exception {
        ProcessProbe.resetPeaks();
        JobClient client = env.executeAsync(name);
        long cpu0 = ProcessProbe.cpuNanos();
        long jit0 = ProcessProbe.jitMillis();
        long gc0 = ProcessProbe.gcMillis();
        long t0 = System.nanoTime();
        JobExecutionResult result = client.getJobExecutionResult().get();
        long t1 = System.nanoTime();
        long cpu1 = ProcessProbe.cpuNanos();
        long jit1 = ProcessProbe.jitMillis();
        long gc1 = ProcessProbe.gcMillis();
        return new Measured(
                result,
                (t1 - t0) / 1e9,
                (cpu1 - cpu0) / 1e9,
                (jit1 - jit0) / 1e3,
                gc0 < 0 || gc1 < 0 ? null : (gc1 - gc0) / 1e3,
                ProcessProbe.heapPeakBytes(),
                ProcessProbe.peakRssBytes());
    }

    /**
     * Reckon's UNDER_REPORTED_USAGE findings at the end of the input: the last revision of each
     * anomaly, final (the bounded input closed every period) and not resolved.
     */
    static List<BenchFinding> reckonFindings(List<AnomalyRecord> revisions) {
        Map<String, AnomalyRecord> last = new HashMap<>();
        for (AnomalyRecord r : revisions) {
            if (AnomalyType.UNDER_REPORTED_USAGE.name().equals(r.type)) {
                last.merge(r.anomalyId, r, (a, b) -> a.revision >= b.revision ? a : b);
            }
        }
        List<BenchFinding> out = new ArrayList<>();
        for (AnomalyRecord r : last.values()) {
            if (r.finalRevision && !"resolved".equals(r.status)) {
                out.add(new BenchFinding(
                        r.accountId, r.meter, r.periodStart, r.actualQuantity, r.reportedQuantity, r.amountMinor));
            }
        }
        out.sort(Comparator.naturalOrder());
        return out;
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

    /** The q-quantile of the latency histogram, in milliseconds; null without samples. */
    static Double percentileMs(long[] micros, double q) {
        if (micros == null || LatencyHistogram.count(micros) == 0) {
            return null;
        }
        return LatencyHistogram.percentileMicros(micros, q) / 1000.0;
    }
}
