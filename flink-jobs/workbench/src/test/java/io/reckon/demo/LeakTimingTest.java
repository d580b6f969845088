package io.reckon.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.demo.LeakTiming.Timed;
import io.reckon.pricing.BillingPeriod;
import io.reckon.pricing.ContractVersion;
import io.reckon.pricing.MeterTerms;
import io.reckon.pricing.PerUnit;
import io.reckon.pricing.Pricer;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class LeakTimingTest {

    private static final Instant JAN = Instant.parse("2026-01-01T00:00:00Z");
    private static final BillingPeriod PERIOD = BillingPeriod.containing(JAN, 1);
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
    /** Hours 216..227 of January: 2026-01-10 00:00 to 12:00. */
    private static final int GAP_FROM = 216;

    private static final MeterTerms TERMS =
            MeterTerms.builder("api_calls").pricing(new PerUnit(BigDecimal.ONE)).build();
    private static final ContractVersion CONTRACT = ContractVersion.builder()
            .accountId("acct_1")
            .version(1)
            .effectiveFrom(JAN)
            .currency("usd")
            .meter(TERMS)
            .build();
    private static final Function<BigDecimal, Long> PRICE = q -> Pricer.priceMinor(CONTRACT, TERMS, JAN, q);

    /** 100 units at half past every hour of January. */
    private static List<Timed> usage() {
        List<Timed> out = new ArrayList<>();
        for (Instant t = JAN.plus(Duration.ofMinutes(30)); PERIOD.contains(t); t = t.plus(Duration.ofHours(1))) {
            out.add(new Timed(t, HUNDRED));
        }
        return out;
    }

    /** The hourly reports at hh:59:59; hours 216..227 missing (outage) or sent twice (resend). */
    private static List<Timed> reports(int copiesInGap) {
        List<Timed> out = new ArrayList<>();
        for (int hour = 0; hour < 31 * 24; hour++) {
            int copies = hour >= GAP_FROM && hour < GAP_FROM + 12 ? copiesInGap : 1;
            for (int c = 0; c < copies; c++) {
                out.add(new Timed(JAN.plus(Duration.ofHours(hour)).plusSeconds(3599), HUNDRED));
            }
        }
        return out;
    }

    @Test
    void outageIsDetectableOnceTheMissingHoursExceedTheDelayedUsageAndTolerance() {
        // At H = Jan 1 + n h: actual = 100 (n - 2) (usage before H - 2 h), reported = 100 (n - dropped)
        // (every report before H). The deficit 100 (dropped - 2) first beats 0.5 % of 100 (n - 2)
        // at dropped = 4, n = 220: 2026-01-10T04:00Z.
        Instant at = LeakTiming.detectableAt(LeakTiming.UNDER, PERIOD, usage(), reports(0), TERMS, PRICE);
        assertThat(at).isEqualTo(Instant.parse("2026-01-10T04:00:00Z"));
    }

    @Test
    void overReportingIsDetectableWhenThePeriodCloses() {
        // Over-reporting is judged at period end + the allowed lateness, however early it began.
        Instant at = LeakTiming.detectableAt(LeakTiming.OVER, PERIOD, usage(), reports(2), TERMS, PRICE);
        assertThat(at).isEqualTo(PERIOD.end().plus(Duration.ofHours(6)));
    }

    @Test
    void figuresThatNeverLeakAreDatedAtPeriodClose() {
        Instant at = LeakTiming.detectableAt(LeakTiming.UNDER, PERIOD, usage(), reports(1), TERMS, PRICE);
        assertThat(at).isEqualTo(PERIOD.end().plus(Duration.ofHours(6)));
    }

    @Test
    void leakNeedsTheDifferenceBeyondToleranceAndAtLeastOneMinorUnit() {
        // 0.5 % of 1000 is 5: a difference of 5 is in tolerance, 6 is a leak of 6.
        assertThat(LeakTiming.leakAmount(LeakTiming.UNDER, new BigDecimal("1000"), new BigDecimal("995"), TERMS, PRICE))
                .isEmpty();
        assertThat(LeakTiming.leakAmount(LeakTiming.UNDER, new BigDecimal("1000"), new BigDecimal("994"), TERMS, PRICE))
                .hasValue(6);
        assertThat(LeakTiming.leakAmount(LeakTiming.OVER, new BigDecimal("1000"), new BigDecimal("994"), TERMS, PRICE))
                .isEmpty();

        MeterTerms included = MeterTerms.builder("api_calls")
                .includedQuantity(new BigDecimal("5000"))
                .pricing(new PerUnit(BigDecimal.ONE))
                .build();
        Function<BigDecimal, Long> price = q -> Pricer.priceMinor(CONTRACT, included, JAN, q);
        // Far beyond tolerance but all inside the included quantity: no money, no leak.
        assertThat(LeakTiming.leakAmount(
                        LeakTiming.UNDER, new BigDecimal("1000"), new BigDecimal("500"), included, price))
                .isEmpty();
    }

    @Test
    void billingTypeFollowsTheSpecsOrderOfConditions() {
        // No non-void line: unbilled when the reported usage is worth at least one minor unit.
        assertThat(LeakTiming.billingType(false, 0, 500, 480, false)).isEqualTo(LeakTiming.UNBILLED);
        assertThat(LeakTiming.billingType(false, 0, 0, 0, false)).isNull();
        // Billed the unescalated price within one minor unit, on an escalated period: drift.
        assertThat(LeakTiming.billingType(true, 481, 500, 480, true)).isEqualTo(LeakTiming.RENEWAL_DRIFT);
        // The same bill before the term end, or far from the old price: a missed overage.
        assertThat(LeakTiming.billingType(true, 481, 500, 480, false)).isEqualTo(LeakTiming.MISSED_OVERAGE);
        assertThat(LeakTiming.billingType(true, 470, 500, 480, true)).isEqualTo(LeakTiming.MISSED_OVERAGE);
        assertThat(LeakTiming.billingType(true, 501, 500, 480, true)).isEqualTo(LeakTiming.OVERBILLED);
        assertThat(LeakTiming.billingType(true, 500, 500, 480, true)).isNull();
        assertThat(LeakTiming.billingAmount(LeakTiming.OVERBILLED, 530, 500)).isEqualTo(30);
        assertThat(LeakTiming.billingAmount(LeakTiming.MISSED_OVERAGE, 470, 500))
                .isEqualTo(30);
        assertThat(LeakTiming.billingAmount(LeakTiming.UNBILLED, 0, 500)).isEqualTo(500);
    }

    @Test
    void billingIsDetectableWhenMeteringIsFinalAndUnbilledAfterTheInvoiceGrace() {
        assertThat(LeakTiming.billingDetectableAt(LeakTiming.OVERBILLED, PERIOD))
                .isEqualTo(Instant.parse("2026-02-01T06:00:00Z"));
        assertThat(LeakTiming.billingDetectableAt(LeakTiming.UNBILLED, PERIOD))
                .isEqualTo(Instant.parse("2026-02-04T00:00:00Z"));
    }
}
