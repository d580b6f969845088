package io.reckon.jobs;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;

/**
 * Named counts, each both a Flink metric (for dashboards and the Prometheus reporter) and an
 * accumulator (so a bounded run such as replay can print exact totals when the job ends).
 *
 * <p>Counts that must survive restarts are built from {@link CounterTotals} restored from operator
 * state: each counter then starts at the total of the last checkpoint, and a restarted job reports
 * the totals of an undisturbed run (read = valid + dead-lettered keeps holding).
 */
public final class JobCounters {

    private final RuntimeContext context;
    private final Map<String, Long> restored;
    private final Map<String, Counter> created = new LinkedHashMap<>();

    public JobCounters(RuntimeContext context) {
        this(context, Map.of());
    }

    /** Counters that start at the totals {@code restored} from a checkpoint (by name; missing ones at 0). */
    public JobCounters(RuntimeContext context, Map<String, Long> restored) {
        this.context = context;
        this.restored = restored;
    }

    public Counter counter(String name) {
        Counter existing = created.get(name);
        if (existing != null) {
            return existing;
        }
        LongCounter accumulator = context.getLongCounter(name);
        org.apache.flink.metrics.Counter metric = context.getMetricGroup().counter(name);
        Counter c = new Counter(accumulator, metric);
        long start = restored.getOrDefault(name, 0L);
        if (start != 0) {
            c.add(start);
        }
        created.put(name, c);
        return c;
    }

    /** The totals of every counter built here, restored ones included, for a checkpoint. */
    public Map<String, Long> totals() {
        Map<String, Long> out = new LinkedHashMap<>(restored);
        created.forEach((name, c) -> out.put(name, c.total()));
        return out;
    }

    /** One count, in both places. */
    public static final class Counter {
        private final LongCounter accumulator;
        private final org.apache.flink.metrics.Counter metric;
        private long total;

        Counter(LongCounter accumulator, org.apache.flink.metrics.Counter metric) {
            this.accumulator = accumulator;
            this.metric = metric;
        }

        public void inc() {
            add(1);
        }

        public void add(long n) {
            total += n;
            accumulator.add(n);
            metric.inc(n);
        }

        /** What this counter has counted, including the total it was restored with. */
        public long total() {
            return total;
        }
    }
}
