package io.reckon.jobs.reconcile.checks;

import io.reckon.pricing.ContractVersion;
import io.reckon.pricing.Graduated;
import io.reckon.pricing.MeterTerms;
import io.reckon.pricing.Pricer;
import io.reckon.pricing.Tier;
import io.reckon.pricing.Volume;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * UPSELL_OPPORTUNITY (an extension of the spec's anomaly types; a signal, not a leak): a key whose
 * usage outgrew its plan. The key's <b>allowance</b> is its meter's included quantity when it has one,
 * else the upper bound of the first tier of graduated or volume pricing (the plan's entry tier); other
 * meters have none. The opportunity holds when the previous period's final quantity and the current
 * period's quantity (its projection, {@link PeriodForecast}, which the job passes once the period is
 * final: then the actual quantity) both exceed the allowance by at least the margin ({@code reconcile.upsell-margin}, percent). Its amount is the projected overage: the price of
 * the projected quantity less the price of the allowance, both exact with the contract (what the usage
 * beyond the plan is worth this period, a guide for the salesperson, not money owed); an opportunity
 * whose overage is zero is not raised, so a raised one never shows amount 0 (a resolved revision
 * carries the figures that ended it). Opt-in: {@code reconcile.upsell-enabled}.
 */
public final class Upsell {

    private Upsell() {}

    /** The allowance of a meter, if it has one. */
    public static Optional<BigDecimal> allowance(MeterTerms terms) {
        if (terms.includedQuantity().signum() > 0) {
            return Optional.of(terms.includedQuantity());
        }
        List<Tier> tiers = List.of();
        if (terms.pricing() instanceof Graduated g) {
            tiers = g.tiers();
        } else if (terms.pricing() instanceof Volume v) {
            tiers = v.tiers();
        }
        if (tiers.size() > 1 && !tiers.get(0).openEnded()) {
            return Optional.of(tiers.get(0).upTo());
        }
        return Optional.empty();
    }

    /** Whether {@code quantity} exceeds {@code allowance} by at least {@code marginPct} percent. */
    public static boolean beyond(BigDecimal quantity, BigDecimal allowance, int marginPct) {
        BigDecimal bar =
                allowance.multiply(BigDecimal.valueOf(100L + marginPct)).divide(BigDecimal.valueOf(100));
        return quantity.compareTo(bar) >= 0 && quantity.compareTo(allowance) > 0;
    }

    /** The finding for the period starting at {@code periodStart}. */
    public static Finding finding(
            ContractVersion contract,
            MeterTerms terms,
            Instant periodStart,
            BigDecimal previousQuantity,
            BigDecimal projected,
            int marginPct) {
        Optional<BigDecimal> allowance = allowance(terms);
        long overage = 0;
        if (allowance.isPresent() && projected.compareTo(allowance.get()) > 0) {
            overage = Math.max(
                    0,
                    Pricer.priceMinor(contract, terms, periodStart, projected)
                            - Pricer.priceMinor(contract, terms, periodStart, allowance.get()));
        }
        // Usage beyond the plan that costs nothing more (a volume tier cheaper per unit, a cap) is
        // nothing a salesperson can sell: an opportunity is raised only with an overage above zero.
        boolean holds = allowance.isPresent()
                && previousQuantity != null
                && beyond(previousQuantity, allowance.get(), marginPct)
                && beyond(projected, allowance.get(), marginPct)
                && overage > 0;
        return new Finding(
                AnomalyType.UPSELL_OPPORTUNITY,
                holds,
                contract.currency(),
                projected,
                previousQuantity == null ? BigDecimal.ZERO : previousQuantity,
                0,
                0,
                null,
                overage,
                allowance.orElse(null));
    }
}
