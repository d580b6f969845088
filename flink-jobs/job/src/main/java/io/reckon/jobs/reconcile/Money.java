package io.reckon.jobs.reconcile;

import java.math.BigDecimal;
import java.text.NumberFormat;
import java.util.Currency;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Formats amounts in minor units for people: {@code 5200, "usd"} is {@code $52.00}. */
public final class Money {

    /**
     * Formats per thread (NumberFormat is not thread-safe), built once: creating one looks up locale
     * data and costs far more than formatting, and every anomaly revision formats several figures.
     */
    private static final ThreadLocal<Map<String, NumberFormat>> CURRENCY_FORMATS =
            ThreadLocal.withInitial(HashMap::new);

    private static final ThreadLocal<NumberFormat> QUANTITY_FORMAT = ThreadLocal.withInitial(() -> {
        NumberFormat format = NumberFormat.getNumberInstance(Locale.US);
        format.setMaximumFractionDigits(9);
        return format;
    });

    private Money() {}

    public static String format(long amountMinor, String currency) {
        NumberFormat format = CURRENCY_FORMATS.get().computeIfAbsent(currency, Money::currencyFormat);
        return format.format(BigDecimal.valueOf(amountMinor).movePointLeft(format.getMaximumFractionDigits()));
    }

    private static NumberFormat currencyFormat(String currency) {
        Currency c = currencyOf(currency);
        NumberFormat format = NumberFormat.getCurrencyInstance(Locale.US);
        format.setCurrency(c);
        int digits = fractionDigits(c);
        format.setMinimumFractionDigits(digits);
        format.setMaximumFractionDigits(digits);
        return format;
    }

    /** The amount in major units (dollars, euros) for thresholds; exact. */
    public static BigDecimal major(long amountMinor, String currency) {
        return BigDecimal.valueOf(amountMinor).movePointLeft(fractionDigits(currencyOf(currency)));
    }

    private static Currency currencyOf(String currency) {
        return Currency.getInstance(currency.toUpperCase(Locale.ROOT));
    }

    /** Minor-unit digits of a currency; 0 for those without minor units (-1 in the JDK). */
    private static int fractionDigits(Currency c) {
        return Math.max(0, c.getDefaultFractionDigits());
    }

    /** A quantity for people: grouping, no trailing zeros ({@code 1204000.000000000} is {@code 1,204,000}). */
    public static String quantity(BigDecimal q) {
        return QUANTITY_FORMAT.get().format(q.stripTrailingZeros());
    }
}
