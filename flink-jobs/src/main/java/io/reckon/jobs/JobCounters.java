package io.reckon.jobs;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;

/**
 * Named counts, each both a Flink metric (for dashboards and the Prometheus reporter) and an
 * accumulator (so a bounded run such as replay can print exact totals when the job ends).
 */
public final class JobCounters {

    private final RuntimeContext context;

    public JobCounters(RuntimeContext context) {
        this.context = context;
    }

    public Counter counter(String name) {
        LongCounter accumulator = context.getLongCounter(name);
        org.apache.flink.metrics.Counter metric = context.getMetricGroup().counter(name);
        return new Counter(accumulator, metric);
    }

    /** One count, in both places. */
    public static final class Counter {
        private final LongCounter accumulator;
        private final org.apache.flink.metrics.Counter metric;

        Counter(LongCounter accumulator, org.apache.flink.metrics.Counter metric) {
            this.accumulator = accumulator;
            this.metric = metric;
        }

        public void inc() {
            add(1);
        }

        public void add(long n) {
            accumulator.add(n);
            metric.inc(n);
        }
    }
}
