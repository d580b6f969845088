package io.reckon.pricing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;

/**
 * price(q) of spec §3: the amount in minor units for one meter's quantity in one period.
 *
 * <ol>
 *   <li>billable = max(0, q - included quantity)
 *   <li>the model's amount for billable units, with every price multiplied by (1 + escalator_pct /
 *       100) when the period starts on or after the renewal's term end
 *   <li>at least the minimum amount (the minimum itself is not escalated)
 *   <li>rounded half up to a whole minor unit, once, at the end
 * </ol>
 *
 * <pre>{@code
 * long expected = Pricer.priceMinor(contract, terms, period.start(), actualQuantity);
 * long withoutEscalation = Pricer.priceMinorWithoutEscalation(terms, reportedQuantity);
 * }</pre>
 */
public final class Pricer {

    private Pricer() {}

    /**
     * The price of {@code quantity} for one meter in the period starting at {@code periodStart}, in
     * minor units, escalated when {@code contract.escalatedFor(periodStart)}.
     *
     * @throws PricingValidationException when {@code quantity} is missing or negative
     * @throws ArithmeticException when the price does not fit in a long
     */
    public static long priceMinor(
            ContractVersion contract, MeterTerms terms, Instant periodStart, BigDecimal quantity) {
        BigDecimal escalator =
                contract.escalatedFor(periodStart) ? contract.renewal().escalatorPct() : null;
        return toMinor(exactPrice(terms, quantity, escalator));
    }

    /** The price of {@code quantity} at the contract's unescalated prices (for RENEWAL_DRIFT). */
    public static long priceMinorWithoutEscalation(MeterTerms terms, BigDecimal quantity) {
        return toMinor(exactPrice(terms, quantity, null));
    }

    /**
     * The exact, unrounded price in minor units.
     *
     * @param escalatorPctOrNull the escalator in percent, or null for none
     */
    public static BigDecimal exactPrice(MeterTerms terms, BigDecimal quantity, BigDecimal escalatorPctOrNull) {
        Checks.nonNegative(quantity, "quantity");
        BigDecimal amount = terms.pricing().exactAmount(terms.billable(quantity));
        if (escalatorPctOrNull != null) {
            // Every model's amount is a sum of (units x unit amount) and flat amounts, so scaling
            // the sum equals scaling each unit, flat and package amount first, as the spec words it;
            // both are exact in BigDecimal.
            amount = amount.multiply(multiplier(Checks.escalator(escalatorPctOrNull, "escalator_pct")));
        }
        return amount.max(BigDecimal.valueOf(terms.minimumAmountMinor()));
    }

    /** Rounds an exact amount half up to a whole minor unit (2.5 becomes 3). */
    public static long toMinor(BigDecimal exactAmount) {
        BigDecimal rounded = exactAmount.setScale(0, RoundingMode.HALF_UP);
        try {
            return rounded.longValueExact();
        } catch (ArithmeticException e) {
            throw new ArithmeticException("price " + rounded.toPlainString() + " minor units does not fit in a long");
        }
    }

    /** The exact price multiplier for an escalator in percent: 1 + pct / 100. */
    static BigDecimal multiplier(BigDecimal escalatorPct) {
        return BigDecimal.ONE.add(escalatorPct.movePointLeft(2));
    }
}
