package io.reckon.jobs.reconcile.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The weekly rhythm the period-end forecast projects with. */
class WeeklyRhythmTest {

    /** Two weeks from a Monday: 100 on weekdays, 20 at weekends, the second Tuesday 130. */
    private static final double[] PRIOR = {100, 100, 100, 100, 100, 20, 20, 100, 130, 100, 100, 100, 20, 20};

    @Test
    void theUsualDayIsThePreviousPeriodsMeanOfItsWeekday() {
        WeeklyRhythm r = WeeklyRhythm.of(PRIOR, 0, new double[] {100, 100}, 0);
        assertThat(r.usualDay(0)).isEqualTo(100);
        assertThat(r.usualDay(1)).isEqualTo(115);
        assertThat(r.usualDay(6)).isEqualTo(20);
        assertThat(r.usualWeekDay()).isCloseTo((100 + 115 + 100 + 100 + 100 + 20 + 20) / 7.0, within(1e-12));
        // Hours 12 of a Sunday to 12 of the Tuesday after it (a period starting on a Sunday): half of 20,
        // 100, half of 115.
        assertThat(r.usualHours(6, 12, 60)).isCloseTo(10 + 100 + 57.5, within(1e-12));
    }

    @Test
    void daysStrayFromTheMeanOfTheirWeekdayOverBothPeriods() {
        // 16 days, 7 weekday means: 9 degrees of freedom. Tuesdays 100, 130 and 100 (the period's second
        // day): mean 110, squares 100 + 400 + 100; every other day is its weekday's mean.
        WeeklyRhythm r = WeeklyRhythm.of(PRIOR, 0, new double[] {100, 100}, 0);
        assertThat(r.degrees()).isEqualTo(9);
        assertThat(r.dayVariance()).isCloseTo(600 / 9.0, within(1e-9));
    }

    @Test
    void withoutAWeekOfThePreviousPeriodOrTwelveDaysInAllThereIsNoRhythm() {
        assertThat(WeeklyRhythm.of(new double[] {1, 2, 3, 4, 5, 6}, 0, new double[20], 6))
                .isNull();
        assertThat(WeeklyRhythm.of(null, 0, new double[20], 6)).isNull();
        assertThat(WeeklyRhythm.of(new double[] {1, 2, 3, 4, 5, 6, 7}, 0, new double[4], 0))
                .isNull();
        assertThat(WeeklyRhythm.of(new double[] {1, 2, 3, 4, 5, 6, 7}, 0, new double[5], 0))
                .isNotNull();
    }

    @Test
    void isTheRhythmOfTheSameDaysOnlyBitForBit() {
        double[] days = {100, 100, 0, 0};
        WeeklyRhythm r = WeeklyRhythm.of(PRIOR.clone(), 0, new double[] {100, 100}, 0);
        // The live arrays are longer than the days they hold so far: only the first days count.
        double[] prior = java.util.Arrays.copyOf(PRIOR, 20);
        assertThat(r.isOf(prior, PRIOR.length, 0, days, 2, 0)).isTrue();
        assertThat(r.isOf(prior, PRIOR.length, 0, days, 3, 0)).as("a day more").isFalse();
        assertThat(r.isOf(prior, PRIOR.length - 1, 0, days, 2, 0))
                .as("a prior day less")
                .isFalse();
        assertThat(r.isOf(prior, PRIOR.length, 1, days, 2, 0))
                .as("another weekday")
                .isFalse();
        assertThat(r.isOf(prior, PRIOR.length, 0, days, 2, 3))
                .as("another weekday")
                .isFalse();
        days[1] = Math.nextUp(100);
        assertThat(r.isOf(prior, PRIOR.length, 0, days, 2, 0))
                .as("a day changed")
                .isFalse();
        days[1] = 100;
        prior[8] = 131;
        assertThat(r.isOf(prior, PRIOR.length, 0, days, 2, 0))
                .as("a prior day changed")
                .isFalse();
    }
}
