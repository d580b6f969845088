package io.reckon.jobs.records;

import io.reckon.avro.Contract;
import io.reckon.avro.MeterTerms;
import io.reckon.avro.Pricing;
import io.reckon.pricing.ContractVersion;
import io.reckon.pricing.Graduated;
import io.reckon.pricing.PackagePrice;
import io.reckon.pricing.PerUnit;
import io.reckon.pricing.PricingValidationException;
import io.reckon.pricing.Renewal;
import io.reckon.pricing.Tier;
import io.reckon.pricing.Volume;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/** Contracts between the Avro contract {@link Contract} and the pricing model. */
public final class ContractAvro {

    private static final int QUANTITY_SCALE = 9;
    private static final int PRICE_SCALE = 12;

    private ContractAvro() {}

    public static ContractVersion fromAvro(Contract c) throws InvalidRecordException {
        try {
            ContractVersion.Builder b = ContractVersion.builder()
                    .accountId(c.getAccountId())
                    .version(c.getVersion())
                    .effectiveFrom(c.getEffectiveFrom())
                    .currency(c.getCurrency())
                    .billingAnchorDay(c.getBillingAnchorDay())
                    .stripeCustomerId(c.getStripeCustomerId())
                    .crmAccountId(c.getCrmAccountId());
            if (c.getRenewal() != null) {
                b.renewal(
                        new Renewal(c.getRenewal().getTermEnd(), c.getRenewal().getEscalatorPct()));
            }
            for (MeterTerms m : c.getMeters()) {
                Pricing p = m.getPricing();
                List<Tier> tiers = null;
                if (p.getTiers() != null) {
                    tiers = new ArrayList<>();
                    for (io.reckon.avro.Tier t : p.getTiers()) {
                        tiers.add(Tier.of(t.getUpTo(), t.getUnitAmountDecimal(), t.getFlatAmountMinor()));
                    }
                }
                b.meter(io.reckon.pricing.MeterTerms.builder(m.getMeter())
                        .aggregation(m.getAggregation())
                        .includedQuantity(m.getIncludedQuantity())
                        .minimumAmountMinor(m.getMinimumAmountMinor())
                        .tolerancePct(m.getTolerancePct())
                        .stripePriceId(m.getStripePriceId())
                        .stripeMeterId(m.getStripeMeterId())
                        .pricing(
                                p.getModel(),
                                p.getUnitAmountDecimal(),
                                tiers,
                                p.getPackageSize(),
                                p.getPackageAmountDecimal())
                        .build());
            }
            return b.build();
        } catch (PricingValidationException e) {
            throw new InvalidRecordException("invalid contract: " + e.getMessage(), e);
        }
    }

    /**
     * The Avro form of a contract version. Fails with a clear reason when a decimal has more
     * fractional digits than the contract's fixed scale (9 for quantities and percentages, 12 for
     * prices): rounding a price silently would change what is owed.
     */
    public static Contract toAvro(ContractVersion c) throws InvalidRecordException {
        List<MeterTerms> meters = new ArrayList<>();
        for (io.reckon.pricing.MeterTerms t : c.meters()) {
            Pricing.Builder p = Pricing.newBuilder().setModel(t.pricing().model());
            if (t.pricing() instanceof PerUnit pu) {
                p.setUnitAmountDecimal(scaled(pu.unitAmountDecimal(), PRICE_SCALE, "unit_amount_decimal"));
            } else if (t.pricing() instanceof Graduated g) {
                p.setTiers(tiers(g.tiers()));
            } else if (t.pricing() instanceof Volume v) {
                p.setTiers(tiers(v.tiers()));
            } else if (t.pricing() instanceof PackagePrice pk) {
                p.setPackageSize(scaled(pk.packageSize(), QUANTITY_SCALE, "package_size"));
                p.setPackageAmountDecimal(scaled(pk.packageAmountDecimal(), PRICE_SCALE, "package_amount_decimal"));
            }
            meters.add(MeterTerms.newBuilder()
                    .setMeter(t.meter())
                    .setAggregation(t.aggregation().wireName())
                    .setIncludedQuantity(scaled(t.includedQuantity(), QUANTITY_SCALE, "included_quantity"))
                    .setMinimumAmountMinor(t.minimumAmountMinor())
                    .setTolerancePct(scaled(t.tolerancePct(), QUANTITY_SCALE, "tolerance_pct"))
                    .setStripePriceId(t.stripePriceId())
                    .setStripeMeterId(t.stripeMeterId())
                    .setPricing(p.build())
                    .build());
        }
        Contract.Builder b = Contract.newBuilder()
                .setAccountId(c.accountId())
                .setVersion(c.version())
                .setEffectiveFrom(c.effectiveFrom())
                .setCurrency(c.currency())
                .setBillingAnchorDay(c.billingAnchorDay())
                .setStripeCustomerId(c.stripeCustomerId())
                .setCrmAccountId(c.crmAccountId())
                .setMeters(meters);
        if (c.renewal() != null) {
            b.setRenewal(io.reckon.avro.Renewal.newBuilder()
                    .setTermEnd(c.renewal().termEnd())
                    .setEscalatorPct(scaled(c.renewal().escalatorPct(), QUANTITY_SCALE, "escalator_pct"))
                    .build());
        }
        return b.build();
    }

    private static List<io.reckon.avro.Tier> tiers(List<Tier> tiers) throws InvalidRecordException {
        List<io.reckon.avro.Tier> out = new ArrayList<>();
        for (Tier t : tiers) {
            out.add(io.reckon.avro.Tier.newBuilder()
                    .setUpTo(t.upTo() == null ? null : scaled(t.upTo(), QUANTITY_SCALE, "up_to"))
                    .setUnitAmountDecimal(scaled(t.unitAmountDecimal(), PRICE_SCALE, "unit_amount_decimal"))
                    .setFlatAmountMinor(t.flatAmountMinor())
                    .build());
        }
        return out;
    }

    /** The precision of every decimal of the Avro contracts. */
    public static final int AVRO_DECIMAL_PRECISION = 38;

    /**
     * The value at the Avro field's fixed scale, exactly, or a reason: when it has more fractional
     * digits than the scale, or more digits in all than the Avro decimal's precision of 38.
     */
    public static BigDecimal scaled(BigDecimal value, int scale, String field) throws InvalidRecordException {
        // Bounded first: setScale and toPlainString of 1e999999999 would each take a gigabyte.
        BigDecimal bounded = InputLimits.decimal(field, value);
        BigDecimal scaled;
        try {
            scaled = bounded.setScale(scale, RoundingMode.UNNECESSARY);
        } catch (ArithmeticException e) {
            throw new InvalidRecordException(
                    field + " " + bounded.toPlainString() + " has more than " + scale + " fractional digits");
        }
        if (scaled.precision() > AVRO_DECIMAL_PRECISION) {
            throw new InvalidRecordException(field + " " + bounded.toPlainString() + " has more than "
                    + (AVRO_DECIMAL_PRECISION - scale) + " digits before the decimal point");
        }
        return scaled;
    }
}
