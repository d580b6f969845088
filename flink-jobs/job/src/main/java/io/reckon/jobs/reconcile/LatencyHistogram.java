package io.reckon.jobs.reconcile;

import org.apache.flink.api.common.accumulators.Accumulator;

/**
 * Counts of latencies in microseconds, in log-linear buckets: 16 per power of two, so a bucket's
 * upper bound is at most 1/16 above any value in it. A fixed array rather than Flink's {@code
 * Histogram} (a TreeMap): the task manager snapshots accumulators from its heartbeat thread while the
 * task thread adds to them, and a TreeMap modified during that snapshot fails it, while an array of
 * counters is read as it stands.
 *
 * <pre>{@code
 * LatencyHistogram h = new LatencyHistogram();
 * h.add(1_250L);
 * long p99 = LatencyHistogram.percentileMicros(h.getLocalValue(), 0.99);
 * }</pre>
 */
public final class LatencyHistogram implements Accumulator<Long, long[]> {

    private static final long serialVersionUID = 1L;
    private static final int SUB_BUCKETS = 16;
    private static final int BUCKETS = 64 * SUB_BUCKETS;

    private long[] counts = new long[BUCKETS];

    @Override
    public void add(Long micros) {
        counts[bucket(Math.max(0, micros))]++;
    }

    static int bucket(long v) {
        if (v < SUB_BUCKETS) {
            return (int) v;
        }
        int power = 63 - Long.numberOfLeadingZeros(v);
        int sub = (int) ((v >>> (power - 4)) & (SUB_BUCKETS - 1));
        return (power - 3) * SUB_BUCKETS + sub;
    }

    /** The largest value a bucket holds. */
    static long upperBound(int bucket) {
        if (bucket < SUB_BUCKETS) {
            return bucket;
        }
        int power = bucket / SUB_BUCKETS + 3;
        long sub = bucket % SUB_BUCKETS;
        return ((SUB_BUCKETS + sub + 1) << (power - 4)) - 1;
    }

    /** The q-quantile of the counts, as the upper bound of its bucket; -1 without samples. */
    public static long percentileMicros(long[] counts, double q) {
        long total = count(counts);
        if (total == 0) {
            return -1;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int b = 0; b < counts.length; b++) {
            seen += counts[b];
            if (seen >= rank) {
                return upperBound(b);
            }
        }
        return upperBound(counts.length - 1);
    }

    public static long count(long[] counts) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        return total;
    }

    @Override
    public long[] getLocalValue() {
        return counts;
    }

    @Override
    public void resetLocal() {
        counts = new long[BUCKETS];
    }

    @Override
    public void merge(Accumulator<Long, long[]> other) {
        long[] o = other.getLocalValue();
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += o[i];
        }
    }

    @Override
    public LatencyHistogram clone() {
        LatencyHistogram h = new LatencyHistogram();
        h.counts = counts.clone();
        return h;
    }
}
