package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.ReconSettings.HOUR_MS;

import io.reckon.jobs.reconcile.checks.AnomalyType;
import io.reckon.jobs.reconcile.checks.HourBits;
import io.reckon.jobs.reconcile.checks.UsageDetector;
import io.reckon.jobs.reconcile.checks.WeeklyRhythm;
import java.util.Arrays;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One key's state of one billing period: running aggregates (so that an evaluation costs O(1) state
 * reads), finality, and one bit per hour of the period for usage, reports, spike and drop verdicts and
 * hours to judge again. The hourly buckets it is built from are kept beside it (state {@code hours}).
 *
 * <p>Written by {@link PeriodStateSerializer}, whose every value starts with its layout, so that fields
 * can be added in a later layout and the earlier ones still read. State written with Flink's POJO
 * serializer (before the compact one) migrates on restore. Fields that are null in state restored from
 * the first layout (the hour bits, the signal list) are rebuilt from the hourly buckets and the anomaly
 * state the first time the period is read.
 */
@TypeInfo(PeriodStateTypeInfoFactory.class)
public class PeriodState {
    public long start;
    public long end;

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
    /**
     * Usage records of this period counted in {@code usage.unmapped} at its last final evaluation
     * without a contract pricing it (so that a later evaluation counts only the difference, and a
     * contract that arrives later takes them back).
     */
    public long unmappedUsage;
    /** Reported records counted in {@code reported.unmapped}, as {@link #unmappedUsage}. */
    public long unmappedReported;
    /**
     * Invoice lines of this period (standing, not void) counted in {@code invoices.unmapped} at its last
     * billing evaluation after the invoice grace without a contract pricing it, as {@link #unmappedUsage}.
     */
    public long unmappedLines;
    /** Whether the period's last final evaluation wrote it to {@code unmapped_usage} as not priced. */
    public boolean unmappedRow;

    /**
     * Period anomaly types (metering and billing, by ordinal) that have anomaly state for this period,
     * so that a finding that does not hold skips the lookup of an anomaly that cannot exist. -1 (all
     * set, always look up) for a period restored from a savepoint taken before the mask existed.
     */
    public int periodAnomalies = -1;

    /** Hours of the period holding usage (bit i: the hour start + i hours). */
    public long[] usageHours;
    /** Hours of the period holding reports. */
    public long[] reportHours;
    /** Judged hours whose verdict is a spike. */
    public long[] spikeHours;
    /** Judged hours whose verdict is a drop. */
    public long[] dropHours;
    /** Judged hours whose inputs changed since: their verdicts are judged again at the next evaluation. */
    public long[] rejudgeHours;
    /** Hours before this instant have a verdict (or could not be judged). */
    public long judgedBefore;

    /**
     * The earliest hour whose records changed after a tick had passed it, since the last evaluation;
     * {@link Long#MAX_VALUE} when none did. Signals whose figures read that hour are computed anew.
     */
    public long changedFrom = Long.MAX_VALUE;

    /** A final period whose inputs changed (a late record, an invoice line, a contract): evaluate again. */
    public boolean reevaluate;

    /**
     * The usage of each whole day of the period, in the meter's aggregation ({@link
     * #dayTotalsAggregation}, the ordinal of sum or count), for the forecast's weekly rhythm: a cache of
     * the hourly buckets, read for the first {@link #daysKnown} days, of which those in {@link
     * #staleDays} are to be read again: an hour of theirs changed after a tick passed it ({@link
     * #changed}). A sum is the exact sum of the day's quantities as the nearest double (a period written
     * before kept sums of doubles; either reads back as it was). Null until the first forecast.
     */
    public double[] dayTotals;

    public int dayTotalsAggregation = -1;
    public int daysKnown;

    /**
     * Bit {@code d}: day {@code d}'s total is out of date. A late record changes one day, and only that
     * day is read again (with RocksDB its day entry instead of every later day's).
     */
    public long staleDays;

    /**
     * The signal anomalies (gaps, spikes, drops) with state whose first hour lies in this period, each
     * as its first hour plus the type's ordinal, ascending; null when not known yet (previous layout).
     */
    public long[] signalAnomalies;

    /**
     * The forecast's weekly rhythm as of the last tick, with the days it was computed from ({@link
     * Forecasts}): not state ({@link PeriodStateSerializer} does not write it), so with RocksDB, or
     * after a restore, it is computed again from the days.
     */
    transient WeeklyRhythm rhythm;

    public PeriodState() {}

    public static PeriodState of(long start, long end) {
        PeriodState p = new PeriodState();
        p.start = start;
        p.end = end;
        p.maturedBefore = start;
        p.reportedBefore = start;
        p.judgedBefore = start;
        p.periodAnomalies = 0;
        p.initHourBits();
        p.signalAnomalies = new long[0];
        return p;
    }

    /** Empty hour bits (every hour clear). */
    void initHourBits() {
        int n = hours();
        usageHours = HourBits.create(n);
        reportHours = HourBits.create(n);
        spikeHours = HourBits.create(n);
        dropHours = HourBits.create(n);
        rejudgeHours = HourBits.create(n);
    }

    /** Whether the hour bits exist (they do not in state of the previous layout). */
    boolean hasHourBits() {
        return usageHours != null
                && reportHours != null
                && spikeHours != null
                && dropHours != null
                && rejudgeHours != null;
    }

    /** Number of hours in the period. */
    public int hours() {
        return (int) ((end - start) / HOUR_MS);
    }

    /** The index of {@code hour} (an hour start within the period). */
    public int index(long hour) {
        return (int) ((hour - start) / HOUR_MS);
    }

    public long hourAt(int index) {
        return start + index * HOUR_MS;
    }

    public boolean contains(long time) {
        return start <= time && time < end;
    }

    public boolean hasUsage(long hour) {
        return HourBits.get(usageHours, index(hour));
    }

    public boolean hasReports(long hour) {
        return HourBits.get(reportHours, index(hour));
    }

    /** Notes whether {@code hour} (an hour of this period) holds usage, or reports. */
    public void markHour(long hour, boolean usage, boolean present) {
        HourBits.put(usage ? usageHours : reportHours, index(hour), present);
    }

    /** Notes that the records of {@code hour} changed after a tick had passed it. */
    public void changed(long hour) {
        changedFrom = Math.min(changedFrom, hour);
        int day = (int) Math.max(0, (hour - start) / UsageDetector.DAY_MS);
        if (day >= daysKnown) {
            return;
        }
        if (day < Long.SIZE) {
            staleDays |= 1L << day;
        } else {
            daysKnown = day; // beyond any billing period's days; cut back as a whole
        }
    }

    /** Notes that every hour of the period is to be read again (a contract changed). */
    public void changedAll() {
        changed(start);
        daysKnown = 0;
        staleDays = 0;
    }

    /** The days from the first whose totals are up to date: the days the next period's rhythm may read. */
    public int daysUpToDate() {
        return staleDays == 0 ? daysKnown : Math.min(daysKnown, Long.numberOfTrailingZeros(staleDays));
    }

    /** Notes that an anomaly of a period type now has state for this period. */
    public void markAnomaly(AnomalyType type) {
        periodAnomalies |= 1 << type.ordinal();
    }

    /** False only when no anomaly of {@code type} can have state for this period. */
    public boolean mayHaveAnomaly(AnomalyType type) {
        return (periodAnomalies & (1 << type.ordinal())) != 0;
    }

    /** Notes a signal anomaly of this period (its first hour and type). */
    public void addSignal(AnomalyType type, long firstHour) {
        long code = firstHour + type.ordinal();
        int at = Arrays.binarySearch(signalAnomalies, code);
        if (at < 0) {
            int insert = -at - 1;
            long[] next = new long[signalAnomalies.length + 1];
            System.arraycopy(signalAnomalies, 0, next, 0, insert);
            next[insert] = code;
            System.arraycopy(signalAnomalies, insert, next, insert + 1, signalAnomalies.length - insert);
            signalAnomalies = next;
        }
    }

    /** Whether the signal anomaly of {@code type} starting at {@code firstHour} has state. */
    public boolean hasSignal(AnomalyType type, long firstHour) {
        return signalAnomalies != null && Arrays.binarySearch(signalAnomalies, firstHour + type.ordinal()) >= 0;
    }

    /** The type of a {@link #signalAnomalies} entry. */
    public static AnomalyType signalType(long code) {
        return AnomalyType.values()[(int) Math.floorMod(code, HOUR_MS)];
    }

    /** The first hour of a {@link #signalAnomalies} entry. */
    public static long signalStart(long code) {
        return code - Math.floorMod(code, HOUR_MS);
    }
}
