package io.reckon.demo;

import io.reckon.demo.DemoWorkload.TruthEntry;
import io.reckon.demo.LeakTiming.Timed;
import io.reckon.pricing.BillingPeriod;
import io.reckon.pricing.ContractVersion;
import io.reckon.pricing.Graduated;
import io.reckon.pricing.MeterTerms;
import io.reckon.pricing.Pricer;
import io.reckon.pricing.Tier;
import io.reckon.pricing.Volume;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * The UPSELL_OPPORTUNITY truth of a workload, read off what it generated against its contracts (the
 * rule of docs/reconciliation.md, written out here on its own so that the demo scores the job's
 * detector and does not merely repeat it): a (account, meter, period) whose usage and the previous
 * period's usage both reach the meter's allowance plus the margin, and whose usage beyond the
 * allowance is worth more than nothing.
 *
 * <p>The allowance is the meter's included quantity, else the upper bound of the first of two or more
 * tiers of graduated or volume pricing; a meter with neither has none. Both periods are measured with
 * the terms of the judged period (its allowance, its aggregation), as a salesperson compares two
 * months' usage with the plan the customer is on now. The first period with usage has no previous
 * period and is never judged. The amount is price(quantity) - price(allowance) with the period's
 * contract, in minor units.
 */
final class UpsellTruth {

    static final String TYPE = "UPSELL_OPPORTUNITY";
    /** {@code reconcile.upsell-margin}'s default: the demo runs with it. */
    static final int DEFAULT_MARGIN_PCT = 20;

    private UpsellTruth() {}

    /**
     * A judged period of one key.
     *
     * @param allowance the meter's allowance in the period, or null when it has none
     * @param overageMinor price(quantity) - price(allowance), 0 without an allowance or below it
     */
    record Judgement(
            BillingPeriod period,
            BigDecimal previousQuantity,
            BigDecimal quantity,
            BigDecimal allowance,
            long overageMinor,
            boolean opportunity) {}

    /** The allowance of a meter, if it has one. */
    static Optional<BigDecimal> allowance(MeterTerms terms) {
        if (terms.includedQuantity().signum() > 0) {
            return Optional.of(terms.includedQuantity());
        }
        List<Tier> tiers = List.of();
        if (terms.pricing() instanceof Graduated g) {
            tiers = g.tiers();
        } else if (terms.pricing() instanceof Volume v) {
            tiers = v.tiers();
        }
        return tiers.size() > 1 && tiers.get(0).upTo() != null
                ? Optional.of(tiers.get(0).upTo())
                : Optional.empty();
    }

    /** Whether {@code quantity} reaches {@code allowance} plus {@code marginPct} percent, and exceeds it. */
    static boolean beyondMargin(BigDecimal quantity, BigDecimal allowance, int marginPct) {
        // quantity * 100 >= allowance * (100 + margin), exact: no division, no rounding.
        return quantity.multiply(BigDecimal.valueOf(100))
                                .compareTo(allowance.multiply(BigDecimal.valueOf(100L + marginPct)))
                        >= 0
                && quantity.compareTo(allowance) > 0;
    }

    /**
     * Judges the period {@code period} of one key, whose usage records are {@code usage} (every record
     * of the key, deduplicated), against the previous period; empty when the period has no contract
     * for the meter.
     */
    static Optional<Judgement> judge(
            ContractBook book,
            String account,
            String meter,
            BillingPeriod period,
            List<WorkloadDraft.Rec> usage,
            int marginPct) {
        Optional<ContractVersion> contract = book.applicable(account, period.start());
        Optional<MeterTerms> terms = contract.flatMap(v -> v.meter(meter));
        if (terms.isEmpty()) {
            return Optional.empty();
        }
        BillingPeriod previous = period.previous();
        BigDecimal quantity = quantity(terms.get(), usage, period);
        BigDecimal previousQuantity = quantity(terms.get(), usage, previous);
        Optional<BigDecimal> allowance = allowance(terms.get());
        long overage = 0;
        if (allowance.isPresent() && quantity.compareTo(allowance.get()) > 0) {
            overage = Pricer.priceMinor(contract.get(), terms.get(), period.start(), quantity)
                    - Pricer.priceMinor(contract.get(), terms.get(), period.start(), allowance.get());
        }
        boolean hasPrevious = usage.stream().anyMatch(r -> previous.contains(r.time()));
        boolean opportunity = allowance.isPresent()
                && hasPrevious
                && beyondMargin(previousQuantity, allowance.get(), marginPct)
                && beyondMargin(quantity, allowance.get(), marginPct)
                && overage > 0;
        return Optional.of(
                new Judgement(period, previousQuantity, quantity, allowance.orElse(null), overage, opportunity));
    }

    /** The truth entry of an opportunity: detectable when its period's metering side is final. */
    static TruthEntry entry(String account, String meter, Judgement j, String currency) {
        return new TruthEntry(
                TYPE,
                account,
                meter,
                j.period().start(),
                j.overageMinor(),
                j.period().end().plus(LeakTiming.ALLOWED_LATENESS),
                currency);
    }

    private static BigDecimal quantity(MeterTerms terms, List<WorkloadDraft.Rec> usage, BillingPeriod period) {
        List<Timed> in = WorkloadDraft.timed(usage, period);
        return WorkloadDraft.aggregate(terms.aggregation(), in);
    }
}
