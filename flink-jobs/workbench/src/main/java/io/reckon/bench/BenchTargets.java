package io.reckon.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The speed and size targets of docs/benchmarks.md, each beside the value a report measured. A target
 * that does not apply to the report's workload or modes is left out: the throughput targets are stated
 * for the dense workload, the others for every workload.
 *
 * <p>Where the report ran the floors ({@link FloorFunction}), a throughput target also carries its
 * ceiling: the events per CPU-second of the floor that keeps the ids ({@link
 * Bench.Comparison#ceiling}), or for the ratio that over the baseline's. No reconciliation that keeps
 * every id in the layout Reckon's deduplication has for the state backend can pass it in the job's
 * graph, so a target above its ceiling needs another layout, not faster code.
 */
final class BenchTargets {

    /** In memory, heap state, dense workload: events per CPU-second of the whole process. */
    static final long IN_MEMORY_HEAP_DENSE = 1_000_000;
    /** Kafka + Avro, RocksDB state, dense workload: events per CPU-second. */
    static final long KAFKA_ROCKSDB_DENSE = 250_000;
    /** Reckon's events per CPU-second over the SQL baseline's, in every mode. */
    static final double RATIO = 3.0;
    /** State per key and 31-day period without dedup ids. */
    static final long STATE_BYTES = 4_096;
    /** p99 emission latency after the watermark. */
    static final double P99_MS = 1_000;

    /**
     * @param ceiling the most the job's graph allows with the ids kept as deduplication keeps them, null
     *     where the floors were not run or the target is not a throughput
     * @param withinCeiling whether the goal is at most the ceiling; null without a ceiling
     */
    record Target(String name, String goal, Number measured, boolean met, Number ceiling, Boolean withinCeiling) {

        Target(String name, String goal, Number measured, boolean met) {
            this(name, goal, measured, met, null, null);
        }

        /** A throughput target with its ceiling, if any: met at or above {@code goal}. */
        static Target atLeast(String name, String goal, double wanted, Number measured, Number ceiling) {
            return new Target(
                    name,
                    goal,
                    measured,
                    measured.doubleValue() >= wanted,
                    ceiling,
                    ceiling == null ? null : ceiling.doubleValue() >= wanted);
        }

        String ceilingText() {
            return text(ceiling);
        }

        String measuredText() {
            return text(measured);
        }

        private static String text(Number n) {
            if (n == null) {
                return "-";
            }
            return n instanceof Double d ? String.format("%,.2f", d) : String.format("%,d", n);
        }

        Map<String, Object> tree() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("target", name);
            m.put("goal", goal);
            m.put("measured", measured);
            m.put("met", met);
            m.put("ceiling", ceiling);
            m.put("within_ceiling", withinCeiling);
            return m;
        }
    }

    private BenchTargets() {}

    static List<Target> of(Bench.Report r) {
        List<Target> out = new ArrayList<>();
        boolean dense = "dense".equals(r.profile());
        for (Bench.Comparison c : r.comparisons()) {
            String where = c.mode() + ", " + c.stateBackend();
            long perCpu = Math.round(c.reckon().eventsPerCpuSecond());
            Long ceilingPerCpu =
                    c.ceiling() == null ? null : Math.round(c.ceiling().eventsPerCpuSecond());
            if (dense
                    && c.mode().equals(Bench.Mode.IN_MEMORY.label)
                    && c.stateBackend().equals("hashmap")) {
                out.add(Target.atLeast(
                        "events per CPU-second, " + where,
                        ">= " + String.format("%,d", IN_MEMORY_HEAP_DENSE),
                        IN_MEMORY_HEAP_DENSE,
                        perCpu,
                        ceilingPerCpu));
            }
            if (dense
                    && c.mode().equals(Bench.Mode.KAFKA_AVRO.label)
                    && c.stateBackend().equals("rocksdb")) {
                out.add(Target.atLeast(
                        "events per CPU-second, " + where,
                        ">= " + String.format("%,d", KAFKA_ROCKSDB_DENSE),
                        KAFKA_ROCKSDB_DENSE,
                        perCpu,
                        ceilingPerCpu));
            }
            if (c.ratio() != null) {
                Double ceiling = c.ceiling() == null
                        ? null
                        : twoDigits(
                                c.ceiling().eventsPerCpuSecond() / c.baseline().eventsPerCpuSecond());
                out.add(new Target(
                        "ratio to the SQL baseline, " + where,
                        ">= " + RATIO + "x",
                        twoDigits(c.ratio()),
                        c.ratio() >= RATIO,
                        ceiling,
                        ceiling == null ? null : ceiling >= RATIO));
            }
            Double p99 = c.reckon().latencyP99Ms();
            if (p99 != null) {
                out.add(new Target("p99 emission latency (ms), " + where, "< " + (long) P99_MS, p99, p99 < P99_MS));
            }
        }
        Long state = r.stateFootprint().get("total");
        if (state != null) {
            out.add(new Target(
                    "state bytes per key and 31-day period, no dedup ids",
                    "<= " + String.format("%,d", STATE_BYTES),
                    state,
                    state <= STATE_BYTES));
        }
        return out;
    }

    private static double twoDigits(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
