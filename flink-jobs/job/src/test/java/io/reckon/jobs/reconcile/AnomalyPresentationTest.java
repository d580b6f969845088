package io.reckon.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AnomalyPresentationTest {

    @Test
    void confidenceRoundsTiesHalfUpExactly() {
        // 0.55 (one usage record) x 0.9 (late records) = 0.495 exactly: half up is 0.50.
        assertThat(AnomalyPresentation.confidence(true, 1, 1)).isEqualTo(0.5);
        assertThat(AnomalyPresentation.confidence(false, 3, 0)).isEqualTo(0.52);
        assertThat(AnomalyPresentation.confidence(true, 12, 0)).isEqualTo(1.0);
    }

    @Test
    void severityFollowsTheAmountInMajorUnits() {
        assertThat(AnomalyPresentation.severity(9_999, "usd")).isEqualTo("low");
        assertThat(AnomalyPresentation.severity(10_000, "usd")).isEqualTo("medium");
        assertThat(AnomalyPresentation.severity(100_000, "eur")).isEqualTo("high");
        assertThat(AnomalyPresentation.severity(1_000_000, "usd")).isEqualTo("critical");
        // Zero-decimal currency: 10,000 yen is 10,000 major units.
        assertThat(AnomalyPresentation.severity(10_000, "jpy")).isEqualTo("critical");
    }

    @Test
    void aPeriodIsNamedByItsMonthOnlyWhenItIsThatWholeMonth() {
        assertThat(AnomalyPresentation.periodName(ms("2026-05-01T00:00:00Z"), ms("2026-06-01T00:00:00Z")))
                .isEqualTo("May 2026");
        // A short period from the 1st, made by a version that moves the anchor day to the 15th.
        assertThat(AnomalyPresentation.periodName(ms("2026-05-01T00:00:00Z"), ms("2026-05-15T00:00:00Z")))
                .isEqualTo("the period 2026-05-01 to 2026-05-14");
        assertThat(AnomalyPresentation.periodName(ms("2026-05-15T00:00:00Z"), ms("2026-06-15T00:00:00Z")))
                .isEqualTo("the period 2026-05-15 to 2026-06-14");
    }

    private static long ms(String iso) {
        return java.time.Instant.parse(iso).toEpochMilli();
    }
}
