package io.reckon.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BillingPeriodTest {

    private static Instant t(String iso) {
        return Instant.parse(iso);
    }

    private static BillingPeriod period(String start, String end) {
        return new BillingPeriod(t(start), t(end));
    }

    @Test
    void anchorOneGivesCalendarMonths() {
        assertThat(BillingPeriod.containing(t("2026-03-15T10:00:00Z"), 1))
                .isEqualTo(period("2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z"));
    }

    @Test
    void anchorFifteenSplitsAtMidMonth() {
        assertThat(BillingPeriod.containing(t("2026-03-14T23:59:59.999Z"), 15))
                .isEqualTo(period("2026-02-15T00:00:00Z", "2026-03-15T00:00:00Z"));
        assertThat(BillingPeriod.containing(t("2026-03-15T00:00:00Z"), 15))
                .isEqualTo(period("2026-03-15T00:00:00Z", "2026-04-15T00:00:00Z"));
    }

    @Test
    void anchorTwentyEightInALeapYear() {
        assertThat(BillingPeriod.containing(t("2024-02-29T12:00:00Z"), 28))
                .isEqualTo(period("2024-02-28T00:00:00Z", "2024-03-28T00:00:00Z"));
        assertThat(BillingPeriod.containing(t("2024-02-27T23:59:59Z"), 28))
                .isEqualTo(period("2024-01-28T00:00:00Z", "2024-02-28T00:00:00Z"));
        assertThat(BillingPeriod.containing(t("2026-01-31T00:00:00Z"), 28).next())
                .isEqualTo(period("2026-02-28T00:00:00Z", "2026-03-28T00:00:00Z"));
    }

    @Test
    void februaryHasTwentyNineDaysInALeapYearOnly() {
        BillingPeriod leap = BillingPeriod.containing(t("2024-02-10T00:00:00Z"), 1);
        assertThat(leap).isEqualTo(period("2024-02-01T00:00:00Z", "2024-03-01T00:00:00Z"));
        assertThat(Duration.between(leap.start(), leap.end())).isEqualTo(Duration.ofDays(29));
        BillingPeriod common = BillingPeriod.containing(t("2025-02-10T00:00:00Z"), 1);
        assertThat(Duration.between(common.start(), common.end())).isEqualTo(Duration.ofDays(28));
        assertThat(BillingPeriod.containing(t("2024-02-29T23:59:59.999Z"), 1)).isEqualTo(leap);
    }

    @Test
    void instantOnTheBoundaryBelongsToTheNewPeriod() {
        Instant boundary = t("2026-04-01T00:00:00Z");
        BillingPeriod april = BillingPeriod.containing(boundary, 1);
        assertThat(april.start()).isEqualTo(boundary);
        assertThat(april.contains(boundary)).isTrue();
        BillingPeriod march = BillingPeriod.containing(boundary.minusMillis(1), 1);
        assertThat(march.end()).isEqualTo(boundary);
        assertThat(march.contains(boundary)).isFalse();
        assertThat(march.next()).isEqualTo(april);
    }

    @Test
    void decemberRollsIntoJanuary() {
        BillingPeriod december = BillingPeriod.containing(t("2026-12-31T23:59:59.999Z"), 1);
        assertThat(december).isEqualTo(period("2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z"));
        assertThat(december.next()).isEqualTo(period("2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z"));
        assertThat(december.next().previous()).isEqualTo(december);
        assertThat(BillingPeriod.containing(t("2027-01-10T08:00:00Z"), 15))
                .isEqualTo(period("2026-12-15T00:00:00Z", "2027-01-15T00:00:00Z"));
        assertThat(BillingPeriod.containing(t("2027-01-10T08:00:00Z"), 15).previous())
                .isEqualTo(period("2026-11-15T00:00:00Z", "2026-12-15T00:00:00Z"));
    }

    @Test
    void periodsTileTimeWithoutGapsOrOverlaps() {
        BillingPeriod p = BillingPeriod.containing(t("2023-11-20T00:00:00Z"), 28);
        for (int i = 0; i < 40; i++) {
            BillingPeriod next = p.next();
            assertThat(next.start()).isEqualTo(p.end());
            assertThat(BillingPeriod.containing(p.end().minusNanos(1), 28)).isEqualTo(p);
            assertThat(BillingPeriod.containing(next.start(), 28)).isEqualTo(next);
            p = next;
        }
    }

    @Test
    void endMustBeAfterStart() {
        assertThatThrownBy(() -> period("2026-03-01T00:00:00Z", "2026-03-01T00:00:00Z"))
                .isInstanceOf(PricingValidationException.class)
                .hasMessage("period_end 2026-03-01T00:00:00Z is not after period_start 2026-03-01T00:00:00Z");
    }
}
