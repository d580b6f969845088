package io.reckon.pricing;

import java.math.BigDecimal;

/** Shared validation rules; each failure names the field and the problem. */
final class Checks {

    /** Spec §1: quantities carry at most 9 fractional digits, decimal prices at most 12. */
    static final int QUANTITY_DIGITS = 9;

    static final int PRICE_DIGITS = 12;

    private Checks() {}

    static <T> T required(T value, String field) {
        if (value == null) {
            throw new PricingValidationException(field, "is missing");
        }
        return value;
    }

    static BigDecimal nonNegative(BigDecimal value, String field) {
        required(value, field);
        if (value.signum() < 0) {
            throw new PricingValidationException(field, plain(value) + " is negative");
        }
        return value;
    }

    static long nonNegative(long value, String field) {
        if (value < 0) {
            throw new PricingValidationException(field, value + " is negative");
        }
        return value;
    }

    static BigDecimal positive(BigDecimal value, String field) {
        required(value, field);
        if (value.signum() <= 0) {
            throw new PricingValidationException(field, plain(value) + " must be above 0");
        }
        return value;
    }

    /**
     * An escalator in percent: a rise, or a fall of up to the whole price (-100). The spec multiplies by
     * (1 + pct / 100) and names no sign, and a renewal at a discount is a contract finance meets; below
     * -100 every price would turn negative.
     */
    static BigDecimal escalator(BigDecimal value, String field) {
        required(value, field);
        if (value.compareTo(LARGEST_FALL) < 0) {
            throw new PricingValidationException(
                    field, plain(value) + " is below -100: the escalated prices would be negative");
        }
        return value;
    }

    private static final BigDecimal LARGEST_FALL = BigDecimal.valueOf(-100);

    static BigDecimal quantity(BigDecimal value, String field) {
        return atMostDigits(nonNegative(value, field), QUANTITY_DIGITS, field);
    }

    static BigDecimal price(BigDecimal value, String field) {
        return atMostDigits(nonNegative(value, field), PRICE_DIGITS, field);
    }

    static BigDecimal atMostDigits(BigDecimal value, int digits, String field) {
        if (value.stripTrailingZeros().scale() > digits) {
            throw new PricingValidationException(
                    field, plain(value) + " has more than " + digits + " fractional digits");
        }
        return value;
    }

    /** A decimal as a person writes it: no exponent, no trailing zeros ({@code 1E+3} reads 1000). */
    static String plain(BigDecimal value) {
        return value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
    }
}
