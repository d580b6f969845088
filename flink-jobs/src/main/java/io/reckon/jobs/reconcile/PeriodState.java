package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.ReconSettings.HOUR_MS;

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

    /**
     * Which recent hours of the period hold usage ({@link #recentUsage}) and reports ({@link
     * #recentReports}): bit i stands for the hour {@link #recentBase} + i hours. The real-time gap check
     * asks "was anything reported in these hours?" at every tick of every key; the bits answer it
     * without reading a dozen hourly buckets (each a seek on RocksDB). A record in an hour past the 64
     * covered shifts the window forward, so no hour after {@link #recentBase} holds records without its
     * bit. Hours before {@link #recentBase} or {@link #trackedFrom} are not known here: the check reads
     * their buckets.
     */
    public long recentUsage;

    public long recentReports;
    /** The hour of bit 0. */
    public long recentBase = Long.MIN_VALUE;
    /**
     * Hours from here on are tracked in the bits. {@link Long#MAX_VALUE} (nothing tracked) for a period
     * restored from a savepoint taken before the bits existed.
     */
    public long trackedFrom = Long.MAX_VALUE;

    /**
     * Period anomaly types (metering and billing, by ordinal) that have anomaly state for this period,
     * so that a finding that does not hold skips the lookup of an anomaly that cannot exist. -1 (all
     * set, always look up) for a period restored from a savepoint taken before the mask existed.
     */
    public int periodAnomalies = -1;

    public PeriodState() {}

    /** Records that {@code hour} (an hour of this period) now holds usage, or reports. */
    public void markHour(long hour, boolean usage) {
        if (hour < trackedFrom || hour < recentBase) {
            return;
        }
        long slot = (hour - recentBase) / HOUR_MS;
        if (slot >= Long.SIZE) {
            long shift = slot - (Long.SIZE - 1);
            recentUsage = shift >= Long.SIZE ? 0 : recentUsage >>> shift;
            recentReports = shift >= Long.SIZE ? 0 : recentReports >>> shift;
            recentBase += shift * HOUR_MS;
            slot = Long.SIZE - 1;
        }
        if (usage) {
            recentUsage |= 1L << slot;
        } else {
            recentReports |= 1L << slot;
        }
    }

    /**
     * The hours of [from, to) (hour starts, from inclusive, to exclusive) that hold usage or reports, as
     * bits relative to {@code from}: bit i is the hour from + i hours. Null when the bits cannot answer:
     * the range leaves the period, starts before the tracked hours, or spans more than 64 hours.
     */
    public Long hoursWith(boolean usage, long from, long to) {
        if (to <= from) {
            return 0L;
        }
        if (from < start || to > end || from < trackedFrom || from < recentBase) {
            return null;
        }
        long count = (to - from) / HOUR_MS;
        if (count > Long.SIZE) {
            return null;
        }
        long offset = (from - recentBase) / HOUR_MS;
        long bits = usage ? recentUsage : recentReports;
        long shifted = offset >= Long.SIZE ? 0 : bits >>> offset;
        return count == Long.SIZE ? shifted : shifted & ((1L << count) - 1);
    }

    /** Notes that an anomaly of a period type now has state for this period. */
    public void markAnomaly(AnomalyType type) {
        periodAnomalies |= 1 << type.ordinal();
    }

    /** False only when no anomaly of {@code type} can have state for this period. */
    public boolean mayHaveAnomaly(AnomalyType type) {
        return (periodAnomalies & (1 << type.ordinal())) != 0;
    }

    public static PeriodState of(long start, long end, int anchorDay) {
        PeriodState p = new PeriodState();
        p.start = start;
        p.end = end;
        p.anchorDay = anchorDay;
        p.maturedBefore = start;
        p.reportedBefore = start;
        p.recentBase = start;
        p.trackedFrom = start;
        p.periodAnomalies = 0;
        return p;
    }
}
