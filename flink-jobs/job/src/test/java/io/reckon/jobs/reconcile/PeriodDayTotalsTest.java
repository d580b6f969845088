package io.reckon.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.reconcile.checks.UsageDetector;
import org.junit.jupiter.api.Test;

/** Which of a period's kept day totals a changed hour makes stale, and which the next period may read. */
class PeriodDayTotalsTest {

    private static final long DAY = UsageDetector.DAY_MS;

    private final PeriodState p = PeriodState.of(0L, 31 * DAY);

    @Test
    void aChangedHourMakesOnlyItsOwnDayStale() {
        p.daysKnown = 10;

        p.changed(3 * DAY + 5 * ReconSettings.HOUR_MS);
        p.changed(7 * DAY);

        assertThat(p.daysKnown).isEqualTo(10);
        assertThat(p.staleDays).isEqualTo((1L << 3) | (1L << 7));
        assertThat(p.daysUpToDate()).isEqualTo(3);
    }

    @Test
    void aDayNotReadYetIsNotMarked() {
        p.daysKnown = 4;

        p.changed(4 * DAY);

        assertThat(p.staleDays).isZero();
        assertThat(p.daysUpToDate()).isEqualTo(4);
    }

    @Test
    void aContractChangeForgetsEveryDay() {
        p.daysKnown = 10;
        p.changed(2 * DAY);

        p.changedAll();

        assertThat(p.daysKnown).isZero();
        assertThat(p.staleDays).isZero();
        assertThat(p.changedFrom).isZero();
    }
}
