package io.reckon.pricing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** The tier rules shared by graduated and volume pricing. */
final class Tiers {

    private Tiers() {}

    /**
     * Checks the tiers and returns an unmodifiable copy. Rules: at least one tier; every up_to
     * above 0 and above the previous one; nothing after an open-ended tier; and, as Stripe
     * requires ({@code up_to: inf}), the last tier open-ended, so every quantity has a price.
     */
    static List<Tier> checked(List<Tier> tiers) {
        Checks.required(tiers, "pricing.tiers");
        if (tiers.isEmpty()) {
            throw new PricingValidationException("pricing.tiers", "must list at least one tier");
        }
        List<Tier> copy = new ArrayList<>(tiers.size());
        BigDecimal previousUpTo = null;
        for (int i = 0; i < tiers.size(); i++) {
            String field = "pricing.tiers[" + i + "]";
            Tier tier = Checks.required(tiers.get(i), field);
            if (i > 0 && tiers.get(i - 1).openEnded()) {
                throw new PricingValidationException(
                        field, "follows the open-ended tier pricing.tiers[" + (i - 1) + "] (up_to null)");
            }
            Checks.price(tier.unitAmountDecimal(), field + ".unit_amount_decimal");
            Checks.nonNegative(tier.flatAmountMinor(), field + ".flat_amount_minor");
            if (!tier.openEnded()) {
                BigDecimal upTo = tier.upTo();
                Checks.atMostDigits(upTo, Checks.QUANTITY_DIGITS, field + ".up_to");
                if (previousUpTo == null && upTo.signum() <= 0) {
                    throw new PricingValidationException(field + ".up_to", Checks.plain(upTo) + " must be above 0");
                }
                if (previousUpTo != null && upTo.compareTo(previousUpTo) <= 0) {
                    throw new PricingValidationException(
                            field + ".up_to",
                            Checks.plain(upTo) + " is not above the previous up_to " + Checks.plain(previousUpTo));
                }
                previousUpTo = upTo;
            }
            copy.add(tier);
        }
        int last = tiers.size() - 1;
        if (!tiers.get(last).openEnded()) {
            throw new PricingValidationException(
                    "pricing.tiers[" + last + "].up_to",
                    Checks.plain(tiers.get(last).upTo())
                            + " must be null: the last tier is open-ended (as Stripe's up_to inf),"
                            + " so that every quantity has a price");
        }
        return List.copyOf(copy);
    }
}
