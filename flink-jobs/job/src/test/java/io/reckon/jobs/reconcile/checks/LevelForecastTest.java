package io.reckon.jobs.reconcile.checks;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.pricing.Aggregation;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The forecast of a maximum meter (a level): steady, growing, and at the period's end. */
class LevelForecastTest {

    private static final long H = UsageDetector.HOUR_MS;
    private static final long START = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    private static final int PERIOD_HOURS = 744;

    @Test
    void aSteadyLevelIsProjectedToThePreviousPeriodsMaximumAndNeverBelowItsOwn() {
        PeriodForecast.Projection p = project(372, "95", "100", null);
        assertThat(p.quantity()).isEqualByComparingTo("100");
        assertThat(p.low()).isEqualByComparingTo("95");
        assertThat(p.high()).isEqualByComparingTo("100");

        PeriodForecast.Projection above = project(372, "104", "100", null);
        assertThat(above.quantity()).isEqualByComparingTo("104");
        assertThat(above.low()).isEqualByComparingTo("104");
    }

    @Test
    void aGrowingLevelIsCarriedOnAtTheRateItGrew() {
        // Its typical reading rose from 100 to 110 over two weeks (336 hours); 372 hours are left.
        PeriodForecast.Growth growth = new PeriodForecast.Growth(new BigDecimal("100"), new BigDecimal("110"), 336);
        PeriodForecast.Projection p = project(372, "112", "101", growth);
        // 112 + 10 x 372 / 336 = 123.071429; high 112 + 1.5 x 11.071429.
        assertThat(p.quantity()).isEqualByComparingTo("123.071429");
        assertThat(p.low()).isEqualByComparingTo("112");
        assertThat(p.high()).isEqualByComparingTo("128.607144");
    }

    @Test
    void theFinalForecastOfALevelIsItsOwnMaximumEvenBelowThePreviousPeriods() {
        // The level fell: its period ended at 80 where the previous one reached 100.
        PeriodForecast.Projection p = project(PERIOD_HOURS, "80", "100", null);
        assertThat(p.quantity()).isEqualByComparingTo("80");
        assertThat(p.high()).isEqualByComparingTo("80");
    }

    @Test
    void neitherADailyNorAWeeklyRhythmNorASpikeIsGrowth() throws Exception {
        SplittableRandom r = new SplittableRandom(3);
        Map<Long, BigDecimal> readings = new HashMap<>();
        for (long t = START; t < START + PERIOD_HOURS * H; t += H) {
            int hourOfDay = (int) ((t / H) % 24);
            int day = (int) (((t - START) / H / 24 + 3) % 7); // 2026-01-01 is a Thursday
            double weekend = day >= 5 ? 0.6 : 1;
            double swing = 1 + 0.3 * Math.sin(2 * Math.PI * hourOfDay / 24);
            readings.put(t, BigDecimal.valueOf(Math.round(1000 * weekend * swing * (1 + 0.05 * r.nextGaussian()))));
        }
        long midPeriod = START + 372 * H;
        readings.put(midPeriod - 3 * H, new BigDecimal("10000"));
        for (long cutoff = START + 216 * H; cutoff <= midPeriod; cutoff += H) {
            assertThat(LevelGrowth.of(readings::get, START, cutoff))
                    .as("as of hour %d", (cutoff - START) / H)
                    .isNull();
        }
    }

    @Test
    void storageThatGrowsTenPercentAMonthGrowsByAboutThatMuch() throws Exception {
        SplittableRandom r = new SplittableRandom(5);
        Map<Long, BigDecimal> readings = new HashMap<>();
        for (long t = START; t < START + PERIOD_HOURS * H; t += 8 * H) {
            double months = (t - START) / (730.0 * H);
            double gb = 500 * Math.pow(1.1, months) * (1 + 0.01 * r.nextGaussian());
            readings.put(t, BigDecimal.valueOf(gb).setScale(3, java.math.RoundingMode.HALF_UP));
        }
        PeriodForecast.Growth g = LevelGrowth.of(readings::get, START, START + 372 * H);
        assertThat(g).isNotNull();
        double perHour = g.now().subtract(g.then()).doubleValue() / g.hours();
        double truePerHour = 500 * Math.log(1.1) / 730 * Math.pow(1.1, 0.35);
        assertThat(perHour).isBetween(0.7 * truePerHour, 1.3 * truePerHour);

        // One reading every other day: a window of two days holds one, whose spread is unknown, and so is
        // the growth.
        Map<Long, BigDecimal> sparse = new HashMap<>();
        readings.forEach((t, v) -> {
            if ((t - START) % (48 * H) == 0) {
                sparse.put(t, v);
            }
        });
        assertThat(LevelGrowth.of(sparse::get, START, START + 372 * H)).isNull();
    }

    private static PeriodForecast.Projection project(
            int elapsed, String soFar, String previous, PeriodForecast.Growth growth) {
        return PeriodForecast.project(new PeriodForecast.Inputs(
                Aggregation.MAX,
                elapsed,
                PERIOD_HOURS,
                new BigDecimal(soFar),
                elapsed,
                new BigDecimal(soFar),
                new BigDecimal(previous),
                PERIOD_HOURS,
                growth,
                null,
                0));
    }
}
