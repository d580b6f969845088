package io.reckon.jobs.reconcile.checks;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.reconcile.checks.UsageDetector.Hour;
import io.reckon.pricing.Aggregation;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which baseline week the hour model leaves out, and what leaving it out changes. */
class OddWeekTest {

    private static final long H = UsageDetector.HOUR_MS;
    private static final long START = 1_767_571_200_000L; // Monday 2026-01-05

    @Test
    void ordinaryWeeksAreAllKept() {
        Hour[][] grid = grid(new long[][] {{5, 7, 6, 4}, {6, 9, 3, 6}, {4, 6, 8, 5}}, "10");
        assertThat(OddWeek.of(grid)).isEqualTo(OddWeek.NONE);
    }

    @Test
    void aWeekWithTenTimesTheRecordsIsLeftOut() {
        Hour[][] grid = grid(new long[][] {{6, 5, 6, 7}, {6, 60, 5, 7}, {6, 55, 7, 6}}, "10");
        assertThat(OddWeek.of(grid)).isEqualTo(1);
    }

    @Test
    void aWeekOfUsualRecordsTenTimesLargerIsLeftOutButNotAMerelyBusyOne() {
        Hour[][] grid = grid(new long[][] {{2, 2, 2, 2}, {2, 2, 2, 2}, {2, 2, 2, 2}}, "10");
        grid[1][2] = hour(2, "101");
        assertThat(OddWeek.of(grid)).isEqualTo(2);
        grid[1][2] = hour(2, "75"); // 7.5 times the others: within what a summed meter's noise allows
        assertThat(OddWeek.of(grid)).isEqualTo(OddWeek.NONE);
    }

    @Test
    void aWeekWithAlmostNoRecordsOfADenseKeyIsLeftOutButNotAnEmptyWeekOfASparseOne() {
        Hour[][] dense = grid(new long[][] {{6, 7, 0, 5}, {6, 5, 1, 7}, {7, 6, 0, 6}}, "10");
        assertThat(OddWeek.of(dense)).isEqualTo(2);
        Hour[][] sparse = grid(new long[][] {{1, 2, 0, 1}, {2, 1, 0, 2}, {1, 2, 0, 1}}, "10");
        assertThat(OddWeek.of(sparse)).isEqualTo(OddWeek.NONE);
        // A week that stands out upwards is left out before one that falls short.
        Hour[][] both = grid(new long[][] {{6, 7, 0, 60}, {6, 5, 1, 70}, {7, 6, 0, 6}}, "10");
        assertThat(OddWeek.of(both)).isEqualTo(3);
    }

    @Test
    void atMostOneWeekIsLeftOutTheOneThatStandsOutMost() {
        Hour[][] grid = grid(new long[][] {{6, 6, 6, 6}, {6, 60, 6, 200}, {6, 6, 6, 6}}, "10");
        assertThat(OddWeek.of(grid)).isEqualTo(3);
    }

    @Test
    void anEarlierSpikeAtTheSameHourNoLongerHidesTheNextOne() throws Exception {
        // About 6 records an hour; three weeks back the same two hours held a 10x spike.
        Map<Long, Hour> hours = new HashMap<>();
        for (long t = START; t < START + 35 * 24 * H; t += H) {
            hours.put(t, count(5 + (t / H) % 3));
        }
        long judged = START + 28 * 24 * H + 10 * H;
        long spikeBefore = judged - 3 * UsageDetector.WEEK_MS;
        hours.put(spikeBefore, count(60));
        hours.put(spikeBefore + H, count(60));
        hours.put(judged, count(40));
        HourModel.Baseline b = HourModel.of(hours::get, judged, Aggregation.COUNT);
        // The usual count and its spread are those of the ordinary weeks.
        assertThat(b.highRecords()).isLessThan(7);
        assertThat(b.recordSpreadSq()).isLessThan(3);
        assertThat(UsageDetector.judge(hours::get, judged, START, Aggregation.COUNT, defaults())
                        .outcome())
                .isEqualTo(UsageDetector.Outcome.SPIKE);
    }

    private static UsageDetector.Settings defaults() {
        return io.reckon.jobs.reconcile.ReconSettings.defaults().detector();
    }

    private static Hour[][] grid(long[][] records, String size) {
        Hour[][] grid = new Hour[records.length][];
        for (int d = 0; d < records.length; d++) {
            grid[d] = new Hour[records[d].length];
            for (int w = 0; w < records[d].length; w++) {
                grid[d][w] = hour(records[d][w], size);
            }
        }
        return grid;
    }

    /** An hour of a counted meter: its value is its number of records. */
    private static Hour count(long records) {
        BigDecimal n = BigDecimal.valueOf(records);
        return new Hour(n, records, n, records == 0 ? BigDecimal.ZERO : BigDecimal.ONE);
    }

    /** {@code records} records of {@code size} each, summed. */
    private static Hour hour(long records, String size) {
        BigDecimal each = new BigDecimal(size);
        BigDecimal sum = each.multiply(BigDecimal.valueOf(records));
        return new Hour(sum, records, sum, records == 0 ? BigDecimal.ZERO : each);
    }
}
