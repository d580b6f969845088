package io.reckon.pricing;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * A billing period [start, end): a calendar month in UTC that starts on the contract's billing
 * anchor day at 00:00.
 *
 * <pre>{@code
 * BillingPeriod p = BillingPeriod.containing(Instant.parse("2026-03-14T09:00:00Z"), 15);
 * // [2026-02-15T00:00:00Z, 2026-03-15T00:00:00Z)
 * }</pre>
 *
 * @param start first instant of the period (inclusive)
 * @param end first instant of the next period (exclusive)
 */
public record BillingPeriod(Instant start, Instant end) {

    public BillingPeriod {
        Checks.required(start, "period_start");
        Checks.required(end, "period_end");
        if (!start.isBefore(end)) {
            throw new PricingValidationException("period_end", end + " is not after period_start " + start);
        }
    }

    /**
     * The period that contains {@code t}. The anchor day is at most 28, so every month has it and a
     * period never needs to be clamped to a shorter month.
     *
     * @throws PricingValidationException when {@code anchorDay} is outside 1..28
     */
    public static BillingPeriod containing(Instant t, int anchorDay) {
        checkAnchorDay(anchorDay);
        LocalDate date = LocalDate.ofInstant(t, ZoneOffset.UTC);
        LocalDate start = date.withDayOfMonth(anchorDay);
        if (date.getDayOfMonth() < anchorDay) {
            start = start.minusMonths(1);
        }
        Instant startInstant = start.atStartOfDay(ZoneOffset.UTC).toInstant();
        return new BillingPeriod(startInstant, plusOneMonth(startInstant));
    }

    /** The period right after this one. */
    public BillingPeriod next() {
        return new BillingPeriod(end, plusOneMonth(end));
    }

    /** The period right before this one. */
    public BillingPeriod previous() {
        return new BillingPeriod(
                ZonedDateTime.ofInstant(start, ZoneOffset.UTC).minusMonths(1).toInstant(), start);
    }

    /** True when {@code t} falls in [start, end). */
    public boolean contains(Instant t) {
        return !t.isBefore(start) && t.isBefore(end);
    }

    private static Instant plusOneMonth(Instant t) {
        return ZonedDateTime.ofInstant(t, ZoneOffset.UTC).plusMonths(1).toInstant();
    }

    static void checkAnchorDay(int anchorDay) {
        if (anchorDay < 1 || anchorDay > 28) {
            throw new PricingValidationException("billing_anchor_day", anchorDay + " is outside 1..28");
        }
    }
}
