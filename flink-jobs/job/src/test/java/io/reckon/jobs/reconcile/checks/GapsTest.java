package io.reckon.jobs.reconcile.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The gap rule on hours, with the defaults (delay 2 h, window 6 h), against the tick-by-tick rule it
 * states: at tick T, usage in [T - 8 h, T - 2 h), no report in [T - 8 h, T), a report in
 * [T - 14 h, T - 8 h).
 */
class GapsTest {

    private static final long H = 3_600_000L;
    private static final long D = 2 * H;
    private static final long W = 6 * H;

    /** Hours (indexes from 0) with usage and with reports. */
    private static Gaps.Presence presence(Set<Integer> usage, Set<Integer> reports) {
        return new Gaps.Presence() {
            @Override
            public boolean usage(long hour) {
                return usage.contains((int) (hour / H));
            }

            @Override
            public boolean reports(long hour) {
                return reports.contains((int) (hour / H));
            }
        };
    }

    @Test
    void reportsStopWhileUsageGoesOnAGapOpensAfterTheWindowAndGrows() {
        Set<Integer> usage = range(0, 48);
        Set<Integer> reports = range(0, 10); // the last report in hour 9
        Gaps.Presence p = presence(usage, reports);
        // Opens at tick 18 (= 10 + 2 + 6): the gap starts at hour 10.
        assertThat(Gaps.find(p, 0, 744 * H, 17 * H, D, W)).isEmpty();
        assertThat(Gaps.find(p, 0, 744 * H, 18 * H, D, W)).containsExactly(new Gaps.Span(10 * H, 16 * H, false));
        assertThat(Gaps.find(p, 0, 744 * H, 30 * H, D, W)).containsExactly(new Gaps.Span(10 * H, 28 * H, false));
    }

    @Test
    void reportsThatResumeCloseTheGap() {
        Set<Integer> usage = range(0, 48);
        Set<Integer> reports = range(0, 10);
        reports.addAll(range(25, 48));
        assertThat(Gaps.find(presence(usage, reports), 0, 744 * H, 40 * H, D, W))
                .containsExactly(new Gaps.Span(10 * H, 25 * H, true));
    }

    @Test
    void noUsageInTheWindowNoGapAndNoReportsBeforeNoGap() {
        // Reports stop, but usage stops too: the nightly pause of a business-hours key.
        Set<Integer> usage = range(0, 10);
        assertThat(Gaps.find(presence(usage, range(0, 10)), 0, 744 * H, 60 * H, D, W))
                .isEmpty();
        // Usage without any report before: no gap (nothing was flowing).
        assertThat(Gaps.find(presence(range(0, 48), Set.of()), 0, 744 * H, 60 * H, D, W))
                .isEmpty();
    }

    @Test
    void aBackfillOfTheGapsHoursRemovesIt() {
        Set<Integer> usage = range(0, 48);
        Set<Integer> reports = range(0, 48);
        assertThat(Gaps.find(presence(usage, reports), 0, 744 * H, 47 * H, D, W))
                .isEmpty();
    }

    @Test
    void agreesWithTheTickByTickRuleOnRandomHours() {
        java.util.Random r = new java.util.Random(5);
        for (int round = 0; round < 3_000; round++) {
            Set<Integer> usage = new HashSet<>();
            Set<Integer> reports = new HashSet<>();
            for (int h = 0; h < 72; h++) {
                if (r.nextInt(4) > 0) {
                    usage.add(h);
                }
                if (r.nextInt(10) < (h % 24 < 12 ? 8 : 1)) {
                    reports.add(h);
                }
            }
            int asOf = 8 + r.nextInt(64);
            Gaps.Presence p = presence(usage, reports);
            Set<Long> found = new HashSet<>();
            Gaps.find(p, 0, 744 * H, asOf * H, D, W).forEach(s -> found.add(s.start()));
            assertThat(found).as("round %d as of %d", round, asOf).isEqualTo(tickByTick(usage, reports, asOf));
        }
    }

    /** The rule as the ticks apply it, one gap open at a time, a report in or after it closes it. */
    private static Set<Long> tickByTick(Set<Integer> usage, Set<Integer> reports, int asOf) {
        Set<Long> opened = new HashSet<>();
        Integer open = null;
        for (int t = 1; t <= asOf; t++) {
            if (open != null) {
                boolean resumed = false;
                for (int h = open; h < t; h++) {
                    resumed |= reports.contains(h);
                }
                if (resumed) {
                    open = null;
                }
            }
            if (open == null) {
                int c = t - 2;
                boolean none = true;
                boolean used = false;
                Integer last = null;
                for (int h = c - 6; h < t; h++) {
                    none &= !reports.contains(h);
                }
                for (int h = c - 6; h < c; h++) {
                    used |= usage.contains(h);
                }
                for (int h = c - 12; h < c - 6; h++) {
                    if (reports.contains(h)) {
                        last = h;
                    }
                }
                if (none && used && last != null && last + 1 >= 0) {
                    open = last + 1;
                    opened.add(open * H);
                }
            }
        }
        return opened;
    }

    private static Set<Integer> range(int from, int to) {
        Set<Integer> s = new HashSet<>();
        for (int i = from; i < to; i++) {
            s.add(i);
        }
        return s;
    }

    @Test
    void spansAreListedInOrder() {
        Set<Integer> usage = range(0, 100);
        Set<Integer> reports = range(0, 10);
        reports.addAll(range(30, 40));
        List<Gaps.Span> spans = Gaps.find(presence(usage, reports), 0, 744 * H, 100 * H, D, W);
        assertThat(spans).extracting(Gaps.Span::start).containsExactly(10 * H, 40 * H);
    }
}
