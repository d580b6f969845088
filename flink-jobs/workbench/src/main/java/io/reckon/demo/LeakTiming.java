package io.reckon.demo;

import io.reckon.pricing.Aggregation;
import io.reckon.pricing.BillingPeriod;
import io.reckon.pricing.MeterTerms;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * When a leak becomes visible to the job, in event time, and whether figures are a leak at all.
 *
 * <p>The job compares, at every event-time hour H that its watermark passes, the usage older than
 * the reporting delay (event_time &lt; H - 2 h: the metering pipeline may still be reporting the
 * last two hours) with the reports it has. So:
 *
 * <ul>
 *   <li>UNDER_REPORTED_USAGE is detectable at the first H where usage with event_time &lt; H - 2 h
 *       against all reports with event_time &lt; H is a leak (beyond tolerance, amount &gt;= 1);
 *   <li>OVER_REPORTED_USAGE is judged only when the period closes (the spec evaluates only
 *       under-reporting and reporting gaps in real time), so it is detectable at period end + the
 *       allowed lateness;
 *   <li>a leak that never shows before the period closes is detectable at period end + the allowed
 *       lateness (6 h), when the period becomes final.
 * </ul>
 *
 * H runs over the whole hours from period start + 1 h to period end + 6 h. The records given must
 * be deduplicated and inside the period.
 *
 * <p>The billing side compares the settled reported quantity with the invoice lines, so it starts
 * when the metering side is final (period end + 6 h). Invoice lines carry their period end as event
 * time, so every line of the invoices file is in place by then: RENEWAL_DRIFT, MISSED_OVERAGE and
 * OVERBILLED are detectable at period end + 6 h. A missing line can only be judged once the invoice
 * grace (72 h after period end) has passed: UNBILLED_USAGE is detectable at period end + 72 h.
 */
final class LeakTiming {

    static final String UNDER = "UNDER_REPORTED_USAGE";
    static final String OVER = "OVER_REPORTED_USAGE";
    static final String UNBILLED = "UNBILLED_USAGE";
    static final String RENEWAL_DRIFT = "RENEWAL_DRIFT";
    static final String MISSED_OVERAGE = "MISSED_OVERAGE";
    static final String OVERBILLED = "OVERBILLED";
    static final Duration REPORTING_DELAY = Duration.ofHours(2);
    static final Duration ALLOWED_LATENESS = Duration.ofHours(6);
    static final Duration INVOICE_GRACE = Duration.ofHours(72);

    /** A deduplicated usage event or report of one key: its event time and quantity. */
    record Timed(Instant time, BigDecimal quantity) {}

    private LeakTiming() {}

    /**
     * The leak amount in minor units when (actual, reported) is a leak of {@code type} (spec §4:
     * difference beyond tolerance and amount &gt;= 1), else empty.
     */
    static OptionalLong leakAmount(
            String type, BigDecimal actual, BigDecimal reported, MeterTerms terms, Function<BigDecimal, Long> price) {
        boolean under = UNDER.equals(type);
        BigDecimal difference = under ? actual.subtract(reported) : reported.subtract(actual);
        if (difference.compareTo(terms.toleranceFor(actual, reported)) <= 0) {
            return OptionalLong.empty();
        }
        long expected = price.apply(actual);
        long pricedReported = price.apply(reported);
        long amount = under ? expected - pricedReported : pricedReported - expected;
        return amount >= 1 ? OptionalLong.of(amount) : OptionalLong.empty();
    }

    /**
     * The type spec §4 raises for the billing side of a period, or null: UNBILLED_USAGE without a
     * non-void line, else RENEWAL_DRIFT, MISSED_OVERAGE or OVERBILLED by the difference between the
     * priced reported quantity and what was billed.
     *
     * @param anyLine whether the period has a non-void invoice line
     * @param billed the sum of the non-void lines' amounts
     * @param pricedWithoutEscalation price(reported) at the contract's unescalated prices
     * @param escalated whether the period starts on or after the renewal's term end
     */
    static String billingType(
            boolean anyLine, long billed, long pricedReported, long pricedWithoutEscalation, boolean escalated) {
        if (!anyLine) {
            return pricedReported >= 1 ? UNBILLED : null;
        }
        long shortfall = pricedReported - billed;
        if (shortfall >= 1) {
            return escalated && Math.abs(billed - pricedWithoutEscalation) <= 1 ? RENEWAL_DRIFT : MISSED_OVERAGE;
        }
        return shortfall <= -1 ? OVERBILLED : null;
    }

    /** The billing amount of {@link #billingType}: priced_reported - billed, or its opposite. */
    static long billingAmount(String type, long billed, long pricedReported) {
        return switch (type) {
            case UNBILLED -> pricedReported;
            case OVERBILLED -> billed - pricedReported;
            default -> pricedReported - billed;
        };
    }

    /** When a billing type of {@code period} becomes visible to the job, in event time. */
    static Instant billingDetectableAt(String type, BillingPeriod period) {
        return period.end().plus(UNBILLED.equals(type) ? INVOICE_GRACE : ALLOWED_LATENESS);
    }

    static Instant detectableAt(
            String type,
            BillingPeriod period,
            List<Timed> usage,
            List<Timed> reports,
            MeterTerms terms,
            Function<BigDecimal, Long> price) {
        List<Timed> u = usage.stream().sorted(Comparator.comparing(Timed::time)).toList();
        List<Timed> r =
                reports.stream().sorted(Comparator.comparing(Timed::time)).toList();
        Aggregation aggregation = terms.aggregation();
        BigDecimal actual = BigDecimal.ZERO;
        BigDecimal reported = BigDecimal.ZERO;
        int ui = 0;
        int ri = 0;
        Instant close = period.end().plus(ALLOWED_LATENESS);
        if (OVER.equals(type)) {
            return close;
        }
        // The aggregations (sum, count, max) only grow with more records, so each side is folded
        // forward once instead of re-aggregated at every hour.
        for (Instant h = period.start().plus(Duration.ofHours(1)); !h.isAfter(close); h = h.plus(Duration.ofHours(1))) {
            Instant usageCut = h.minus(REPORTING_DELAY);
            Instant reportCut = h;
            while (ui < u.size() && u.get(ui).time().isBefore(usageCut)) {
                actual = aggregation.fold(actual, u.get(ui++).quantity());
            }
            while (ri < r.size() && r.get(ri).time().isBefore(reportCut)) {
                reported = aggregation.fold(reported, r.get(ri++).quantity());
            }
            if (leakAmount(type, actual, reported, terms, price).isPresent()) {
                return h;
            }
        }
        return close;
    }
}
