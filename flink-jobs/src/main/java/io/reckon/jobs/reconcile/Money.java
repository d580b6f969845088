package io.reckon.jobs.reconcile;

import java.math.BigDecimal;
import java.text.NumberFormat;
import java.util.Currency;
import java.util.Locale;

/** Formats amounts in minor units for people: {@code 5200, "usd"} is {@code $52.00}. */
public final class Money {

    private Money() {}

    public static String format(long amountMinor, String currency) {
        Currency c = Currency.getInstance(currency.toUpperCase(Locale.ROOT));
        NumberFormat format = NumberFormat.getCurrencyInstance(Locale.US);
        format.setCurrency(c);
        int digits = Math.max(0, c.getDefaultFractionDigits());
        format.setMinimumFractionDigits(digits);
        format.setMaximumFractionDigits(digits);
        return format.format(BigDecimal.valueOf(amountMinor).movePointLeft(digits));
    }

    /** The amount in major units (dollars, euros) for thresholds; exact. */
    public static BigDecimal major(long amountMinor, String currency) {
        int digits = Math.max(
                0, Currency.getInstance(currency.toUpperCase(Locale.ROOT)).getDefaultFractionDigits());
        return BigDecimal.valueOf(amountMinor).movePointLeft(digits);
    }

    /** A quantity for people: grouping, no trailing zeros ({@code 1204000.000000000} is {@code 1,204,000}). */
    public static String quantity(BigDecimal q) {
        NumberFormat format = NumberFormat.getNumberInstance(Locale.US);
        format.setMaximumFractionDigits(9);
        return format.format(q.stripTrailingZeros());
    }
}
