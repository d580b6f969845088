package io.reckon.pricing;

import java.math.BigDecimal;
import java.util.List;

/**
 * {@code volume}: the first tier with billable <= up_to prices all billable units (billable x unit
 * + flat); billable 0 prices 0.
 *
 * <p>Like Stripe's volume tiers, the price can drop when the quantity crosses into a cheaper tier
 * (100 units at 2 cost 200, 101 units at 1 cost 101): volume pricing is not monotone.
 *
 * @param tiers ascending by up_to; the last one open-ended
 */
public record Volume(List<Tier> tiers) implements PriceModel {

    public Volume {
        tiers = Tiers.checked(tiers);
    }

    @Override
    public String model() {
        return "volume";
    }

    @Override
    public BigDecimal exactAmount(BigDecimal billable) {
        if (billable.signum() == 0) {
            return BigDecimal.ZERO;
        }
        for (Tier tier : tiers) {
            if (tier.openEnded() || billable.compareTo(tier.upTo()) <= 0) {
                return billable.multiply(tier.unitAmountDecimal()).add(BigDecimal.valueOf(tier.flatAmountMinor()));
            }
        }
        // Unreachable: the last tier is open-ended (checked in the constructor).
        throw new IllegalStateException("no tier for " + billable);
    }
}
