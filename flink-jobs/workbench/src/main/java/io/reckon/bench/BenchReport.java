package io.reckon.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The benchmark report as one JSON object, or as a table a person reads. */
public final class BenchReport {

    private static final int SHOWN_DIFFERENCES = 20;

    /**
     * Said under a report of single runs with heap state, whose first runs the JIT compilers take a
     * quarter of (docs/benchmarks.md, twenty-second round).
     */
    static final String SINGLE_HEAP_RUN = "One run of each engine: with heap state a first run is a job's first"
            + " minute, a quarter of it the JIT compilers'; --repeat 8 runs long enough to amortize them.\n";

    private BenchReport() {}

    public static String json(Bench.Report r) throws Exception {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(tree(r));
    }

    static Map<String, Object> tree(Bench.Report r) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("valid", r.valid());
        root.put("profile", r.profile());
        BenchWorkload.Options o = r.workload();
        Map<String, Object> workload = new LinkedHashMap<>();
        workload.put("events", r.events());
        workload.put("accounts", o.accounts());
        workload.put("meters", o.meters());
        workload.put("keys", r.keys());
        workload.put("busy_keys", o.busyKeyCount());
        workload.put("days", o.days());
        workload.put("duplicate_rate", o.duplicateRate());
        workload.put("out_of_order_rate", o.outOfOrderRate());
        workload.put("under_reported_share", o.underReportedShare());
        workload.put("late_rate", o.lateRate());
        workload.put("seed", o.seed());
        workload.put("parallelism", o.lanes());
        root.put("workload", workload);
        root.put("runs_per_engine", runsPerEngine(r));
        root.put("machine", r.machine());
        root.put("flink_managed_memory_bytes", r.managedMemoryBytes());
        Map<String, Object> state = new LinkedHashMap<>(r.stateFootprint());
        state.put(
                "method",
                "Flink serializers of the reconcile state types, one key at the close of a 31-day period with"
                        + " usage and reports in every hour (the workload's quantities at scale 9, an under-reporting"
                        + " key), without dedup ids; total: RocksDB's layout (an entry per UTC calendar month of a key's"
                        + " settled hours; hourly_buckets_entry_per_day: as entries per UTC day, as a day is kept until"
                        + " it settles),"
                        + " total_heap_layout: the hours in one table per key, as heap state checkpoints them");
        root.put("state_bytes_per_key_31_day_period", state);
        List<Object> runs = new ArrayList<>();
        for (Bench.Comparison c : r.comparisons()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mode", c.mode());
            m.put("state_backend", c.stateBackend());
            m.put("reckon", run(c.reckon(), r.stateFootprint().get("total")));
            m.put("baseline", c.baseline() == null ? null : run(c.baseline(), null));
            m.put("floor", c.floor() == null ? null : run(c.floor(), null));
            m.put("floor_with_ids", c.floorWithIds() == null ? null : run(c.floorWithIds(), null));
            m.put("ratio_events_per_cpu_second", c.ratio());
            m.put("ratio_events_per_cpu_second_without_jit", c.ratioWithoutJit());
            m.put(
                    "ratio_events_per_second",
                    c.baseline() == null
                            ? null
                            : c.reckon().eventsPerSecond() / c.baseline().eventsPerSecond());
            m.put("findings_equal", c.findingsEqual());
            m.put("findings", c.reckon().findings().size());
            m.put(
                    "differences",
                    c.differences()
                            .subList(
                                    0,
                                    Math.min(SHOWN_DIFFERENCES, c.differences().size())));
            m.put("differences_total", c.differences().size());
            m.put("reckon_runs_events_per_cpu_second", Repeats.eventsPerCpuSecond(c.reckonRuns()));
            m.put("baseline_runs_events_per_cpu_second", Repeats.eventsPerCpuSecond(c.baselineRuns()));
            m.put(
                    "reckon_runs_events_per_cpu_second_without_jit",
                    Repeats.eventsPerCpuSecondWithoutJit(c.reckonRuns()));
            m.put(
                    "baseline_runs_events_per_cpu_second_without_jit",
                    Repeats.eventsPerCpuSecondWithoutJit(c.baselineRuns()));
            runs.add(m);
        }
        root.put("comparisons", runs);
        root.put(
                "targets",
                BenchTargets.of(r).stream().map(BenchTargets.Target::tree).toList());
        return root;
    }

    /** Runs of each engine per comparison (each engine's figures are its median run's); 1 without any. */
    private static int runsPerEngine(Bench.Report r) {
        return r.comparisons().stream()
                .mapToInt(c -> c.reckonRuns().size())
                .max()
                .orElse(1);
    }

    private static Map<String, Object> run(BenchRun b, Long stateBytesPerKey) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("engine", b.engine());
        m.put("events", b.events());
        m.put("seconds", round(b.seconds(), 3));
        m.put("cpu_seconds", round(b.cpuSeconds(), 3));
        m.put("events_per_second", Math.round(b.eventsPerSecond()));
        m.put("events_per_cpu_second", Math.round(b.eventsPerCpuSecond()));
        m.put("jit_seconds", round(b.jitSeconds(), 3));
        m.put("events_per_cpu_second_without_jit", Math.round(b.eventsPerCpuSecondWithoutJit()));
        m.put("latency_p50_ms", b.latencyP50Ms());
        m.put("latency_p99_ms", b.latencyP99Ms());
        m.put("latency_samples", b.latencySamples());
        m.put("state_bytes_per_key", stateBytesPerKey);
        m.put("heap_peak_bytes", b.heapPeakBytes());
        m.put("rss_peak_bytes", b.rssPeakBytes());
        m.put("findings", b.findings().size());
        m.put("notes", b.notes());
        return m;
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    public static String text(Bench.Report r) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(
                "%s profile: %,d events, %d keys, %d days, parallelism %d, seed %d, managed memory %d MB%n",
                r.profile(),
                r.events(),
                r.keys(),
                r.workload().days(),
                r.workload().lanes(),
                r.workload().seed(),
                r.managedMemoryBytes() >> 20));
        int repeat = runsPerEngine(r);
        if (repeat > 1) {
            s.append(String.format(
                    "Each engine ran %d times per mode and state backend, alternated; its row is its median run.%n",
                    repeat));
        } else if (r.comparisons().stream().anyMatch(c -> Bench.Backend.HEAP.flinkName.equals(c.stateBackend()))) {
            s.append(SINGLE_HEAP_RUN);
        }
        s.append(String.format(
                "%-11s %-8s %-9s %12s %14s %14s %8s %8s %10s %10s %9s%n",
                "mode",
                "state",
                "engine",
                "events/s",
                "events/CPU-s",
                "w/o JIT",
                "p50 ms",
                "p99 ms",
                "heap MB",
                "rss MB",
                "findings"));
        for (Bench.Comparison c : r.comparisons()) {
            row(s, c, c.reckon());
            runs(s, c.reckonRuns());
            if (c.baseline() != null) {
                row(s, c, c.baseline());
                runs(s, c.baselineRuns());
                s.append(String.format(
                        "%-11s %-8s ratio     %12.2f %14.2f %14.2f   findings %s%n",
                        "",
                        "",
                        c.reckon().eventsPerSecond() / c.baseline().eventsPerSecond(),
                        c.ratio(),
                        c.ratioWithoutJit(),
                        c.findingsEqual()
                                ? "equal"
                                : "DIFFER (" + c.differences().size() + ")"));
            }
            c.differences().stream()
                    .limit(5)
                    .forEach(d -> s.append("    ").append(d).append('\n'));
            if (c.floor() != null) {
                row(s, c, c.floor());
            }
            if (c.floorWithIds() != null) {
                row(s, c, c.floorWithIds());
            }
        }
        s.append(String.format(
                "State per (account, meter) key, 31-day period, no dedup ids: %,d bytes (RocksDB), %,d (heap, checkpointed)%n",
                r.stateFootprint().get("total"), r.stateFootprint().get("total_heap_layout")));
        s.append("Targets (docs/benchmarks.md; ceiling: the floor that keeps ids):\n");
        for (BenchTargets.Target t : BenchTargets.of(r)) {
            s.append(String.format(
                    "  %-62s %14s %14s %14s  %s%n",
                    t.name(),
                    t.goal(),
                    t.measuredText(),
                    t.ceilingText(),
                    (t.met() ? "met" : "NOT MET")
                            + (Boolean.FALSE.equals(t.withinCeiling()) ? ", above the ceiling" : "")));
        }
        s.append(verdict(r));
        return s.toString();
    }

    /** The last line: whether the comparison holds, or, without a baseline, whether Reckon's runs agree. */
    public static String verdict(Bench.Report r) {
        boolean compared = r.comparisons().stream().anyMatch(c -> c.baseline() != null);
        if (!compared) {
            return r.valid()
                    ? "No baseline run, nothing compared; Reckon's runs agree with each other.\n"
                    : "VOID: Reckon's runs disagree with each other.\n";
        }
        return r.valid()
                ? "Comparison valid.\n"
                : "VOID: the baseline's findings differ from Reckon's or are empty, or runs of one engine"
                        + " disagree.\n";
    }

    /** The events per CPU-second of every run, when there was more than one. */
    private static void runs(StringBuilder s, List<BenchRun> runs) {
        if (runs.size() > 1) {
            s.append(String.format("%-30s runs: %s%n", "", Repeats.eventsPerCpuSecond(runs)));
        }
    }

    private static void row(StringBuilder s, Bench.Comparison c, BenchRun b) {
        s.append(String.format(
                "%-11s %-8s %-9s %,12.0f %,14.0f %,14.0f %8s %8s %10d %10d %9d%n",
                c.mode(),
                c.stateBackend(),
                b.engine(),
                b.eventsPerSecond(),
                b.eventsPerCpuSecond(),
                b.eventsPerCpuSecondWithoutJit(),
                b.latencyP50Ms() == null ? "-" : String.format("%.1f", b.latencyP50Ms()),
                b.latencyP99Ms() == null ? "-" : String.format("%.1f", b.latencyP99Ms()),
                b.heapPeakBytes() / (1024 * 1024),
                b.rssPeakBytes() / (1024 * 1024),
                b.findings().size()));
    }
}
