package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.ReconSettings.HOUR_MS;
import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.reconcile.checks.HourBits;
import io.reckon.jobs.reconcile.checks.UsageDetector;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The drop look-ahead finds the first empty hour that can be a drop by scanning the usage bits for
 * empty hours only, from the first hour with four known weeks before it; it must find the same hour as
 * a walk over every hour of the week ahead, whatever the key's usage, wherever the tick falls (at a
 * period's edges, in a period whose previous one is not in state) and whenever the key's usage began.
 */
class NextTickTest {

    /** 1 February 2026 and 1 March 2026, 00:00 UTC. */
    private static final long FEB = 1_769_904_000_000L;

    private static final long MAR = 1_772_323_200_000L;
    private static final long APR = 1_775_001_600_000L;

    @Property(tries = 400)
    void theNextPossibleDropIsTheOneAWalkOverEveryHourFinds(
            @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed,
            @ForAll @DoubleRange(min = 0, max = 1) double density,
            @ForAll @IntRange(min = 0, max = 31 * 24 + 1) int tickHour,
            @ForAll boolean previousInState,
            @ForAll @IntRange(min = -1, max = 12 * 7 * 24) int firstSeenHour) {
        PeriodState feb = PeriodState.of(FEB, MAR);
        PeriodState mar = PeriodState.of(MAR, APR);
        SplittableRandom r = new SplittableRandom(seed);
        for (PeriodState p : List.of(feb, mar)) {
            for (int i = 0; i < p.hours(); i++) {
                if (r.nextDouble() < density) {
                    HourBits.set(p.usageHours, i);
                }
            }
        }
        List<PeriodState> live = previousInState ? List.of(feb, mar) : List.of(mar);
        long tick = MAR + tickHour * HOUR_MS;
        // From eight weeks before March (no hour of it known) to four weeks into it (none known either).
        Long firstSeen = firstSeenHour < 0 ? null : MAR - 8 * UsageDetector.WEEK_MS + firstSeenHour * HOUR_MS + 17;

        assertThat(NextTick.possibleDrop(mar, live, tick, firstSeen)).isEqualTo(walk(mar, live, tick, firstSeen));
    }

    /**
     * Every hour of the week ahead in turn, as the look-ahead was first written, leaving out the hours
     * whose four weeks before are not all after the key's first usage, as the detector does.
     */
    private static long walk(PeriodState p, List<PeriodState> live, long tick, Long firstSeen) {
        long limit = Math.min(p.end, tick + 7 * 24 * HOUR_MS);
        for (long h = Math.max(p.start, tick - HOUR_MS); h < limit; h += HOUR_MS) {
            if (p.hasUsage(h)
                    || firstSeen == null
                    || h - 4 * UsageDetector.WEEK_MS - HOUR_MS < firstSeen / HOUR_MS * HOUR_MS) {
                continue;
            }
            if (UsageDetector.emptyHourCanDrop(hour -> heldUsage(live, hour), h)) {
                return h + HOUR_MS;
            }
        }
        return Long.MAX_VALUE;
    }

    private static boolean heldUsage(List<PeriodState> live, long hour) {
        PeriodState q = Periods.holding(live, hour);
        return q == null || q.hasUsage(hour);
    }
}
