package io.reckon.pricing;

import java.math.BigDecimal;
import java.util.List;

/**
 * {@code graduated}: the units that fall in (previous up_to, up_to] are priced at that tier's unit
 * amount, and every tier that holds at least part of a unit adds its flat amount once.
 *
 * <p>With tiers [up to 10000 at 0.5, then 0.25], 11000 billable units cost 10000 x 0.5 + 1000 x
 * 0.25 = 5250 minor units.
 *
 * @param tiers ascending by up_to; the last one open-ended
 */
public record Graduated(List<Tier> tiers) implements PriceModel {

    public Graduated {
        tiers = Tiers.checked(tiers);
    }

    @Override
    public String model() {
        return "graduated";
    }

    @Override
    public BigDecimal exactAmount(BigDecimal billable) {
        BigDecimal amount = BigDecimal.ZERO;
        BigDecimal previousUpTo = BigDecimal.ZERO;
        for (Tier tier : tiers) {
            // A tier holds part of a unit exactly when billable passes its lower bound; billable 0
            // reaches no tier, so it adds no flat amount.
            if (billable.compareTo(previousUpTo) <= 0) {
                break;
            }
            BigDecimal top = tier.openEnded() ? billable : billable.min(tier.upTo());
            amount = amount.add(top.subtract(previousUpTo).multiply(tier.unitAmountDecimal()))
                    .add(BigDecimal.valueOf(tier.flatAmountMinor()));
            if (tier.openEnded()) {
                break;
            }
            previousUpTo = tier.upTo();
        }
        return amount;
    }
}
