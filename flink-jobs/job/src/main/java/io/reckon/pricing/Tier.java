package io.reckon.pricing;

import java.math.BigDecimal;

/**
 * One tier of a {@link Graduated} or {@link Volume} price.
 *
 * <p>A tier is checked by the model that holds it, because only the model knows its position and
 * its neighbours (and so can name {@code pricing.tiers[1].up_to} in a message).
 *
 * @param upTo inclusive upper bound in units; null means infinity (the last tier)
 * @param unitAmountDecimal price per unit in minor units (cents), up to 12 fractional digits
 * @param flatAmountMinor flat fee in minor units, added once when the tier is used
 */
public record Tier(BigDecimal upTo, BigDecimal unitAmountDecimal, long flatAmountMinor) {

    /** A tier from decoded input: a null {@code flatAmountMinor} takes the spec's default 0. */
    public static Tier of(BigDecimal upTo, BigDecimal unitAmountDecimal, Long flatAmountMinor) {
        return new Tier(upTo, unitAmountDecimal, flatAmountMinor == null ? 0L : flatAmountMinor);
    }

    /** True for the open-ended last tier ({@code up_to} null). */
    public boolean openEnded() {
        return upTo == null;
    }
}
