package io.reckon.bench;

import io.reckon.bench.Bench.Backend;
import io.reckon.bench.Bench.Mode;
import io.reckon.jobs.ReconciliationJob;
import io.reckon.jobs.reconcile.LatencyHistogram;
import io.reckon.jobs.reconcile.ReconSettings;
import io.reckon.jobs.reconcile.ReconcileFunction;
import io.reckon.jobs.reconcile.checks.AnomalyType;
import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.DeadLetterRecord;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * One measured run of one engine on a local cluster of its own: Reckon's job, the Flink SQL baseline,
 * or a floor (Reckon's graph without the reconciling), with the process's CPU, the JIT's and the
 * collector's share, peak memory, and what the run found.
 */
final class EngineRuns {

    private static final ReconciliationJob.Watermarks WATERMARKS =
            new ReconciliationJob.Watermarks(Duration.ofMinutes(5), Duration.ZERO);

    private EngineRuns() {}

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

    /**
     * The local cluster each run starts: its managed memory, and the directory of Flink's temporary
     * files (each cluster's working directory, the RPC system's jar), which the run's working directory
     * holds and so removes with it: left in {@code java.io.tmpdir}, some 21 MB stayed there per run.
     */
    record LocalCluster(MemorySize managed, Path tmp) {
        Configuration configuration(Backend backend) {
            Configuration conf = EngineRuns.configuration(backend, managed);
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

    static void printRate(PrintStream progress, BenchRun run) {
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

    /** The q-quantile of the latency histogram, in milliseconds; null without samples. */
    static Double percentileMs(long[] micros, double q) {
        if (micros == null || LatencyHistogram.count(micros) == 0) {
            return null;
        }
        return LatencyHistogram.percentileMicros(micros, q) / 1000.0;
    }
}
