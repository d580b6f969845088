package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.ReconSettings.HOUR_MS;

import io.reckon.jobs.reconcile.checks.HourBits;
import io.reckon.jobs.reconcile.checks.SeasonalBaseline;

/**
 * Marks what a change to a key's hours makes stale, so that the next tick evaluates it again: the
 * hour's own period (its figures, gaps and verdict), the verdicts of the hours that use it as a
 * baseline (one to four weeks later, perhaps in the next period), and the previous period, whose gaps
 * may end in it. A final period so marked is evaluated again once, at the next tick: late records
 * are coalesced into at most one revision per anomaly per evaluation.
 */
final class Dirt {

    private static final long WEEK_MS = 7 * 24 * HOUR_MS;

    private final Periods periods;

    Dirt(Periods periods) {
        this.periods = periods;
    }

    /**
     * The records of {@code hour} in {@code p} (which the caller writes back) changed after a tick had
     * passed it (or {@code p} is final).
     */
    void hourChanged(PeriodState p, long hour) throws Exception {
        p.changed(hour);
        if (p.finalized) {
            p.reevaluate = true;
        }
        rejudge(p, hour);
        for (int w = 1; w <= SeasonalBaseline.WEEKS; w++) {
            long later = hour + w * WEEK_MS;
            if (p.contains(later)) {
                rejudge(p, later);
            } else {
                PeriodState q = periods.containing(later, p.anchorDay);
                if (q != null && rejudge(q, later)) {
                    periods.put(q);
                }
            }
        }
        PeriodState previous = periods.containing(p.start - 1, p.anchorDay);
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
        p.changed(p.start);
        rejudgeFrom(p, p.start);
        if (p.finalized) {
            p.reevaluate = true;
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
