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
}
