package io.reckon.jobs.reconcile;

/**
 * Running aggregates of one key in one billing period. Kept incrementally so that an evaluation costs
 * O(1) state reads; the hourly buckets it is built from are kept beside it for re-bucketing and for the
 * hourly rollup.
 */
public class PeriodState {
    public long start;
    public long end;
    /** The billing anchor day the period was cut with; re-bucketed when the contract's differs. */
    public int anchorDay;

    /** All deduplicated usage of the period. */
    public Agg usage = new Agg();
    /** Usage of the hours before {@link #maturedBefore}: old enough to be expected as reported. */
    public Agg maturedUsage = new Agg();
    /** All deduplicated reports of the period. */
    public Agg reported = new Agg();
    /** Hours before this instant are folded into {@link #maturedUsage}. */
    public long maturedBefore;
    /**
     * Reports of the hours before {@link #reportedBefore}: what had been reported by the event time
     * of the last evaluation. Reports with later event times may already be in state when one input
     * is read ahead of another (a replay, a lagging partition); they must not mask a leak.
     */
    public Agg reportedSoFar = new Agg();
    /** Hours before this instant are folded into {@link #reportedSoFar}. */
    public long reportedBefore;

    /** True once the watermark passed end + allowed lateness: the metering side is settled. */
    public boolean finalized;
    /** True once the watermark passed end + invoice grace: the billing side is settled too. */
    public boolean billingFinal;
    /** Records that arrived after the period was final. */
    public long lateRecords;
    /** True once pricing this period overflowed (reported once as a dead letter). */
    public boolean pricingFailed;
    /** Records already counted as unmapped (so a late record is counted once). */
    public long unmappedCounted;

    public PeriodState() {}

    public static PeriodState of(long start, long end, int anchorDay) {
        PeriodState p = new PeriodState();
        p.start = start;
        p.end = end;
        p.anchorDay = anchorDay;
        p.maturedBefore = start;
        p.reportedBefore = start;
        return p;
    }
}
