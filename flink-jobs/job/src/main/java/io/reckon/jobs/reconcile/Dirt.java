package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.ReconSettings.HOUR_MS;

import io.reckon.jobs.reconcile.checks.EmptyHours;
import io.reckon.jobs.reconcile.checks.HourBits;
import io.reckon.jobs.reconcile.checks.UsageDetector;
import io.reckon.pricing.PeriodCut;

/**
 * Marks what a change to a key's hours makes stale, so that the next tick evaluates it again: the
 * hour's own period (its figures, gaps and verdict), the verdicts of the hours that read it (the runs
 * that hold it, and the hours whose baselines read it one to four weeks later, perhaps in the next
 * period: see {@link UsageDetector#READS_AFTER}), the next period's upsell opportunity when that
 * period is final (it reads this period's quantity), and the previous period, whose gaps
 * may end in it. A final period so marked is evaluated again once, at the next tick: late records
 * are coalesced into at most one revision per anomaly per evaluation.
 */
final class Dirt {

    private final Periods periods;

    Dirt(Periods periods) {
        this.periods = periods;
    }

    /**
     * The records of {@code hour} in {@code p} (which the caller writes back) changed after a tick had
     * passed it (or {@code p} is final); {@code emptiness} when the hour became empty or stopped being so.
     * The key's periods are cut with {@code cut}.
     */
    void hourChanged(PeriodState p, long hour, boolean emptiness, PeriodCut cut) throws Exception {
        p.changed(hour);
        if (p.finalized) {
            p.reevaluate = true;
        }
        // The verdicts that read this hour (UsageDetector): the runs that hold it, and the hours whose
        // baselines (a week or more later, with their neighbours and runs) read it.
        rejudgeRange(p, hour, hour + (UsageDetector.MAX_RUN - 1) * HOUR_MS, cut);
        for (int w = 1; w <= UsageDetector.WEEKS; w++) {
            long later = hour + w * UsageDetector.WEEK_MS;
            rejudgeRange(p, later - HOUR_MS, later + UsageDetector.MAX_RUN * HOUR_MS, cut);
        }
        if (emptiness) {
            // Drop runs weigh the empty hours of the same hour of day on each of the previous days
            // (EmptyHours); the days a whole number of weeks back were marked above.
            for (int d = 1; d <= EmptyHours.DAYS; d++) {
                if (d % 7 != 0) {
                    long later = hour + d * UsageDetector.DAY_MS;
                    rejudgeRange(p, later - HOUR_MS, later + UsageDetector.MAX_RUN * HOUR_MS, cut);
                }
            }
        }
        // Only a final period can have a final successor (finality follows the periods' order).
        PeriodState next = p.finalized ? periods.get(p.end) : null;
        if (next != null && next.finalized) {
            // Its upsell opportunity reads this period's final quantity.
            next.reevaluate = true;
            periods.put(next);
        }
        PeriodState previous = periods.containing(p.start - 1, cut);
        if (previous != null && previous.finalized && hour < periods.meteringFinalAt(previous)) {
            previous.reevaluate = true;
            periods.put(previous);
        }
    }

    /** Every judged hour of {@code p} from {@code from} on is judged again (the first-seen time moved). */
    void rejudgeFrom(PeriodState p, long from) {
        for (long h = Math.max(from, p.start); h < p.judgedBefore; h += HOUR_MS) {
            rejudge(p, h);
        }
    }

    /** The whole period is evaluated again: a contract changed. */
    void all(PeriodState p) {
        p.changedAll();
        rejudgeFrom(p, p.start);
        if (p.finalized) {
            p.reevaluate = true;
        }
    }

    /** Marks the judged hours in [from, to] of {@code p} and of the period after it, if in state. */
    private void rejudgeRange(PeriodState p, long from, long to, PeriodCut cut) throws Exception {
        PeriodState other = null;
        long otherStart = Long.MIN_VALUE;
        boolean marked = false;
        for (long h = from; h <= to; h += HOUR_MS) {
            if (p.contains(h)) {
                rejudge(p, h);
            } else if (h >= p.end) {
                long start = periods.startOf(h, cut);
                if (start != otherStart) {
                    if (marked) {
                        periods.put(other);
                    }
                    otherStart = start;
                    other = periods.get(start);
                    marked = false;
                }
                if (other != null) {
                    marked |= rejudge(other, h);
                }
            }
        }
        if (marked) {
            periods.put(other);
        }
    }

    private static boolean rejudge(PeriodState p, long hour) {
        if (hour >= p.judgedBefore) {
            return false;
        }
        HourBits.set(p.rejudgeHours, p.index(hour));
        if (p.finalized) {
            p.reevaluate = true;
        }
        return true;
    }

    /** Whether {@code p} has anything marked for its next evaluation. */
    static boolean pending(PeriodState p) {
        return p.reevaluate || p.changedFrom != Long.MAX_VALUE || HourBits.any(p.rejudgeHours);
    }
}
