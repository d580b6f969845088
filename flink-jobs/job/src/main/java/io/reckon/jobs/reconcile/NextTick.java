package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.ReconSettings.HOUR_MS;

import io.reckon.jobs.reconcile.checks.HourBits;
import io.reckon.jobs.reconcile.checks.UsageDetector;
import java.util.List;

/**
 * When a key's next tick is due: the first hour boundary after the current tick at which an open
 * period's evaluation can change without a new record. A key-hour without records then costs no tick
 * at all, while every tick that could emit something still happens at the same time as if the key
 * ticked every hour:
 *
 * <ul>
 *   <li>an hour holding records is closed (its rollup, its verdict): the hour after it;
 *   <li>usage becomes older than the reporting delay (the matured usage grows, a gap grows): its hour +
 *       1 h + the delay;
 *   <li>a run of hours without reports can open a reporting gap: the first tick at which the window
 *       of the gap check holds the run's first usage hour, if any;
 *   <li>an empty hour can be a drop only when the detector says it can ({@link
 *       UsageDetector#emptyHourCanDrop}: two of its four baseline hours held usage) and its four weeks
 *       before are known history (from {@link UsageDetector#firstKnownHour} after the key's first usage;
 *       a key without usage has none): the hour after each such hour, looked for a week ahead. Every
 *       other spike or drop is of an hour holding records. A key in its first four weeks thus ticks when
 *       its records' hours close and mature, not every hour; later, an empty hour has a tick only
 *       where usage was usual at that hour of the week.
 * </ul>
 *
 * Records ask for their own tick, and a period's finality has its own timer; neither is found here.
 * The period-end forecast is made at the ticks that happen (see {@link Forecasts}): a key-hour
 * without a tick adds no usage, so the forecast made at the next tick stands for its own time.
 */
final class NextTick {

    /** How far ahead an empty hour that could be a drop is looked for: the rhythm repeats weekly. */
    private static final long DROP_LOOKAHEAD_MS = UsageDetector.WEEK_MS;

    private final ReconSettings settings;
    private final boolean everyHour;

    NextTick(ReconSettings settings) {
        this(settings, false);
    }

    /**
     * @param everyHour every hour boundary while a period is open, due or not: the reference that
     *     skipping hours must give the same revisions as (TickSkippingTest)
     */
    NextTick(ReconSettings settings, boolean everyHour) {
        this.settings = settings;
        this.everyHour = everyHour;
    }

    /**
     * The next tick after {@code tick} for the open periods of {@code live}, or -1 when none is due.
     *
     * @param firstSeen the event time of the key's first usage, null when it has none
     */
    long after(List<PeriodState> live, long tick, Long firstSeen) {
        long next = Long.MAX_VALUE;
        for (PeriodState p : live) {
            if (!p.finalized) {
                next = everyHour ? tick + HOUR_MS : Math.min(next, forPeriod(p, live, tick, firstSeen));
            }
        }
        if (next == Long.MAX_VALUE) {
            return -1;
        }
        return Math.max(next, tick + HOUR_MS);
    }

    private long forPeriod(PeriodState p, List<PeriodState> live, long tick, Long firstSeen) {
        long next = Long.MAX_VALUE;
        int from = p.index(Math.max(p.start, tick - HOUR_MS));
        int to = p.hours();
        // An hour holding records closes.
        int data = Math.min(nextSet(p.usageHours, from, to), nextSet(p.reportHours, from, to));
        if (data < Integer.MAX_VALUE) {
            next = Math.min(next, p.hourAt(data) + HOUR_MS);
        }
        // Usage matures past the reporting delay.
        int usage = nextSet(p.usageHours, p.index(Math.max(p.start, p.maturedBefore)), to);
        if (usage < Integer.MAX_VALUE) {
            next = Math.min(next, p.hourAt(usage) + HOUR_MS + settings.reportingDelayMs());
        }
        next = Math.min(next, gapOpening(p, live, tick));
        next = Math.min(next, gapSettling(p, tick));
        next = Math.min(next, possibleDrop(p, live, tick, firstSeen));
        return next;
    }

    /**
     * The next tick at which a gap could open: after the last report hour r before the tick, the run
     * starting at s = r + 1 h opens one at the first tick T from s + D + W to s + D + 2W - 1 h at which
     * an hour in [s, T - D) holds usage, T = max(s + D + W, u + 1 h + D) for the run's first usage
     * hour u. A run without usage opens none. Once open, a gap moves only when its usage matures or a
     * record arrives, which have their own ticks.
     */
    private long gapOpening(PeriodState p, List<PeriodState> live, long tick) {
        long last = lastReportHour(live, p, tick);
        if (last == Long.MIN_VALUE) {
            return Long.MAX_VALUE;
        }
        long s = last + HOUR_MS;
        long lastTick = s + settings.reportingDelayMs() + 2 * settings.gapWindowMs() - HOUR_MS;
        for (long u = s; u < lastTick - settings.reportingDelayMs(); u += HOUR_MS) {
            if (hasUsage(live, u)) {
                long opens = Math.max(
                        s + settings.reportingDelayMs() + settings.gapWindowMs(),
                        u + HOUR_MS + settings.reportingDelayMs());
                return opens > tick && opens <= lastTick ? opens : Long.MAX_VALUE;
            }
        }
        return Long.MAX_VALUE;
    }

    /**
     * The next tick at which a gap whose reports resumed settles (GapSignals): the resumption hour e +
     * the allowed lateness, for the first e after {@code tick} - the allowed lateness that ends a run
     * without reports long enough to hold a gap (at least D + W hours after a report hour of the
     * period). A gap whose run began in the period before settles with that period's metering side at
     * the latest, which is no later: e is at or after that period's end.
     */
    private long gapSettling(PeriodState p, long tick) {
        long lateness = settings.allowedLatenessMs();
        long from = Math.max(p.start + HOUR_MS, tick - lateness + HOUR_MS);
        long until = Math.min(tick, p.end);
        if (from >= until) {
            return Long.MAX_VALUE;
        }
        long shortest = settings.reportingDelayMs() + settings.gapWindowMs();
        int to = p.index(until);
        for (int i = HourBits.nextSet(p.reportHours, p.index(from), to);
                i >= 0;
                i = HourBits.nextSet(p.reportHours, i + 1, to)) {
            int before = HourBits.previousSet(p.reportHours, 0, i);
            if (before >= 0 && p.hourAt(i) - p.hourAt(before + 1) >= shortest) {
                return p.hourAt(i) + lateness;
            }
        }
        return Long.MAX_VALUE;
    }

    /** The last hour before {@code tick} holding reports, in {@code p} or the period before it. */
    private static long lastReportHour(List<PeriodState> live, PeriodState p, long tick) {
        for (int i = live.indexOf(p); i >= 0; i--) {
            PeriodState q = live.get(i);
            int to = q.index(Math.min(tick, q.end));
            if (to <= 0) {
                continue;
            }
            int found = HourBits.previousSet(q.reportHours, 0, to);
            if (found >= 0) {
                return q.hourAt(found);
            }
            if (q != p) {
                break;
            }
        }
        return Long.MIN_VALUE;
    }

    /**
     * The hour after the next empty hour that can be a drop. Only the empty hours are looked at (an
     * hour with records has its tick anyway), found by the usage bits a word at a time: a key with
     * records in most hours has few to look at. Hours before the first known one are not looked at:
     * they get no verdict.
     */
    static long possibleDrop(PeriodState p, List<PeriodState> live, long tick, Long firstSeen) {
        if (firstSeen == null) {
            return Long.MAX_VALUE;
        }
        long known = UsageDetector.firstKnownHour(Ledger.floorHour(firstSeen));
        long from = Math.max(Math.max(p.start, tick - HOUR_MS), known);
        long limit = Math.min(p.end, tick + DROP_LOOKAHEAD_MS);
        if (from >= limit) {
            return Long.MAX_VALUE;
        }
        int to = p.index(limit);
        for (int i = HourBits.nextClear(p.usageHours, p.index(from), to);
                i >= 0;
                i = HourBits.nextClear(p.usageHours, i + 1, to)) {
            long h = p.hourAt(i);
            if (UsageDetector.emptyHourCanDrop(hour -> hasUsage(live, hour), h)) {
                return h + HOUR_MS;
            }
        }
        return Long.MAX_VALUE;
    }

    /**
     * Whether {@code hour} held usage, by the bits of the period in state holding it; an hour outside
     * every period in state counts as holding usage (an extra tick is harmless, a missing one is not).
     */
    private static boolean hasUsage(List<PeriodState> live, long hour) {
        PeriodState q = Periods.holding(live, hour);
        return q == null || q.hasUsage(hour);
    }

    private static int nextSet(long[] bits, int from, int to) {
        int i = HourBits.nextSet(bits, from, to);
        return i < 0 ? Integer.MAX_VALUE : i;
    }
}
