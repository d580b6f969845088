package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.ReconSettings.HOUR_MS;

import io.reckon.jobs.reconcile.checks.HourBits;
import java.util.List;
import org.apache.flink.streaming.api.TimerService;

/**
 * What a key's timer does at event time T (an hourly tick, or a period's finality or release time):
 * for each period in state,
 *
 * <ul>
 *   <li>open: usage older than the reporting delay matures into the comparison, metering and signals
 *       are evaluated; at end + allowed lateness the metering side becomes final and billing is
 *       compared with the final reported quantity;
 *   <li>final with changed inputs (late records, invoice lines, a contract): evaluated again, once;
 *   <li>at end + invoice grace the billing side becomes final; the retention after that, released.
 * </ul>
 *
 * Then the hour that just closed is rolled up, and the next tick registered while a period is open: the
 * first hour at which an evaluation can change without a new record ({@link NextTick}).
 */
final class TickEvaluation {

    private final ReconSettings settings;
    private final ReconState state;
    private final Periods periods;
    private final Ledger ledger;
    private final PeriodChecks checks;
    private final Signals signals;
    private final Retention retention;
    private final Ticks ticks;
    private final Rollups rollups;
    private final NextTick nextTick;

    TickEvaluation(
            ReconSettings settings,
            ReconState state,
            Periods periods,
            Ledger ledger,
            PeriodChecks checks,
            Signals signals,
            Retention retention,
            Ticks ticks,
            Rollups rollups,
            NextTick nextTick) {
        this.settings = settings;
        this.state = state;
        this.periods = periods;
        this.ledger = ledger;
        this.checks = checks;
        this.signals = signals;
        this.retention = retention;
        this.ticks = ticks;
        this.rollups = rollups;
        this.nextTick = nextTick;
    }

    void onTimer(MeterKey key, List<PeriodState> live, long tick, TimerService timers) throws Exception {
        HourView view = new HourView(ledger, live);
        Long firstSeen = state.firstSeen.value();
        boolean anyOpen = false;
        for (PeriodState p : live) {
            if (!p.finalized) {
                long maturedBefore = p.maturedBefore;
                mature(p, view, Math.min(tick - settings.reportingDelayMs(), p.end), Math.min(tick, p.end));
                ledger.settleDays(maturedBefore, p.maturedBefore);
                boolean finalNow = tick >= periods.meteringFinalAt(p);
                p.finalized = finalNow;
                checks.metering(key, p, finalNow, tick);
                signals.evaluate(key, p, view, firstSeen, tick, finalNow);
                if (finalNow) {
                    p.reevaluate = false;
                    settleBilling(key, p, tick, timers);
                } else {
                    anyOpen = true;
                }
                periods.put(p);
            } else if (Dirt.pending(p)) {
                p.reevaluate = false;
                checks.metering(key, p, true, tick);
                signals.evaluate(key, p, view, firstSeen, tick, true);
                settleBilling(key, p, tick, timers);
                periods.put(p);
            } else if (!p.billingFinal && tick >= periods.billingFinalAt(p)) {
                settleBilling(key, p, tick, timers);
                periods.put(p);
            }
            if (p.billingFinal && tick >= periods.releaseAt(p)) {
                retention.release(p, timers);
            }
        }
        if (tick % HOUR_MS == 0) {
            long closed = tick - HOUR_MS;
            PeriodState p = Periods.holding(live, closed);
            if (p != null && (p.hasUsage(closed) || p.hasReports(closed)) && periods.contains(p.start)) {
                rollups.emit(key, p, closed, view.bucket(closed));
            }
        }
        if (anyOpen) {
            long next = nextTick.after(live, tick, firstSeen);
            if (next > 0) {
                ticks.at(timers, key.streamKey(), next);
            }
        }
    }

    /** Evaluates the billing side; at the end of the invoice grace it becomes final. */
    private void settleBilling(MeterKey key, PeriodState p, long tick, TimerService timers) throws Exception {
        if (tick >= periods.billingFinalAt(p) && !p.billingFinal) {
            p.billingFinal = true;
            timers.registerEventTimeTimer(periods.releaseAt(p));
        }
        checks.billing(key, p, p.billingFinal, tick);
    }

    /**
     * Folds the usage of the hours before {@code usageBefore} into the matured usage, and the reports
     * of the hours before {@code reportsBefore} into the reports so far.
     */
    private static void mature(PeriodState p, HourView view, long usageBefore, long reportsBefore) throws Exception {
        for (int i = next(p.usageHours, p, p.maturedBefore, usageBefore);
                i >= 0;
                i = next(p.usageHours, p, p.hourAt(i + 1), usageBefore)) {
            HourBucket b = view.bucket(p.hourAt(i));
            if (b != null) {
                p.maturedUsage.merge(b.usage);
            }
        }
        p.maturedBefore = Math.max(p.maturedBefore, usageBefore);
        for (int i = next(p.reportHours, p, p.reportedBefore, reportsBefore);
                i >= 0;
                i = next(p.reportHours, p, p.hourAt(i + 1), reportsBefore)) {
            HourBucket b = view.bucket(p.hourAt(i));
            if (b != null) {
                p.reportedSoFar.merge(b.reported);
            }
        }
        p.reportedBefore = Math.max(p.reportedBefore, reportsBefore);
    }

    private static int next(long[] bits, PeriodState p, long from, long to) {
        if (to <= from) {
            return -1;
        }
        return HourBits.nextSet(bits, p.index(Math.max(from, p.start)), p.index(Math.min(to, p.end)));
    }
}
