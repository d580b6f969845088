package io.reckon.pricing;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * How a meter's records in one billing period become one quantity (spec §2). The same aggregation
 * applies to usage (the actual quantity) and to reported records (the reported quantity).
 *
 * <pre>{@code
 * Aggregation agg = Aggregation.parse("max");                     // null means sum
 * BigDecimal q = agg.aggregate(List.of(new BigDecimal("3"), new BigDecimal("7"))); // 7
 * }</pre>
 */
public enum Aggregation {
    /** The sum of the quantities; 0 for no records. */
    SUM,
    /** The number of records, whatever their quantities. */
    COUNT,
    /** The largest quantity; 0 for no records (quantities are never negative). */
    MAX;

    /**
     * Parses the contract's {@code aggregation} field, case-insensitively.
     *
     * @param s {@code sum}, {@code count}, {@code max}, or null for the default {@code sum}
     * @throws PricingValidationException naming the field {@code aggregation} for any other value
     */
    public static Aggregation parse(String s) {
        if (s == null) {
            return SUM;
        }
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "sum" -> SUM;
            case "count" -> COUNT;
            case "max" -> MAX;
            default ->
                throw new PricingValidationException(
                        "aggregation", "'" + ShownValue.of(s) + "' is not one of sum, count, max");
        };
    }

    /** The name used in contracts: {@code sum}, {@code count} or {@code max}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The aggregate of all the quantities of one (account, meter, period); the order never matters. */
    public BigDecimal aggregate(Iterable<BigDecimal> quantities) {
        BigDecimal result = BigDecimal.ZERO;
        int index = 0;
        for (BigDecimal quantity : quantities) {
            result = fold(result, Checks.required(quantity, "quantities[" + index + "]"));
            index++;
        }
        return result;
    }

    /**
     * Adds one record to an aggregate, so that a stream operator can keep a single value in state
     * instead of every record. Start from {@link BigDecimal#ZERO} (the aggregate of no records).
     */
    public BigDecimal fold(BigDecimal aggregateSoFar, BigDecimal quantity) {
        return switch (this) {
            case SUM -> aggregateSoFar.add(quantity);
            case COUNT -> aggregateSoFar.add(BigDecimal.ONE);
            case MAX -> aggregateSoFar.max(quantity);
        };
    }
}
