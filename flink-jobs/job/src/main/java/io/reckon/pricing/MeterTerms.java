package io.reckon.pricing;

import java.math.BigDecimal;
import java.util.List;

/**
 * The terms of one meter in a contract version. Absent optional fields take the spec's defaults:
 * a null {@code aggregation} is sum, a null {@code includedQuantity} is 0, a null {@code
 * tolerancePct} is 0.5 (and a null minimum is 0 through {@link #builder}).
 *
 * <pre>{@code
 * MeterTerms terms = MeterTerms.builder("api_calls")
 *         .aggregation("sum")                         // nullable: sum
 *         .includedQuantity(new BigDecimal("1000"))   // nullable: 0
 *         .minimumAmountMinor(null)                   // nullable: 0
 *         .tolerancePct(null)                         // nullable: 0.5
 *         .pricing("per_unit", new BigDecimal("0.5"), null, null, null)
 *         .build();
 * }</pre>
 *
 * @param meter the meter name, e.g. {@code api_calls}
 * @param aggregation how records become the period's quantity
 * @param includedQuantity units per period that cost nothing
 * @param minimumAmountMinor the least the meter costs per period, in minor units (never escalated)
 * @param tolerancePct how far actual and reported quantities may differ, in percent of the larger
 * @param pricing the price model
 * @param stripePriceId the billing system's price of this meter, to map its invoice lines; null if none
 * @param stripeMeterId the billing system's meter behind a metered price, to map its lines and meter
 *     event summaries; null if none
 */
public record MeterTerms(
        String meter,
        Aggregation aggregation,
        BigDecimal includedQuantity,
        long minimumAmountMinor,
        BigDecimal tolerancePct,
        PriceModel pricing,
        String stripePriceId,
        String stripeMeterId) {

    public static final BigDecimal DEFAULT_TOLERANCE_PCT = new BigDecimal("0.5");

    public MeterTerms {
        if (meter == null || meter.isBlank()) {
            throw new PricingValidationException("meters[].meter", "is missing");
        }
        String field = "meters[" + meter + "]";
        aggregation = aggregation == null ? Aggregation.SUM : aggregation;
        includedQuantity = includedQuantity == null ? BigDecimal.ZERO : includedQuantity;
        tolerancePct = tolerancePct == null ? DEFAULT_TOLERANCE_PCT : tolerancePct;
        Checks.quantity(includedQuantity, field + ".included_quantity");
        Checks.nonNegative(minimumAmountMinor, field + ".minimum_amount_minor");
        Checks.nonNegative(tolerancePct, field + ".tolerance_pct");
        Checks.required(pricing, field + ".pricing");
    }

    /** Terms from decoded input, where every optional field may be null (see the class comment). */
    public static MeterTerms of(
            String meter,
            String aggregation,
            BigDecimal includedQuantity,
            Long minimumAmountMinor,
            BigDecimal tolerancePct,
            PriceModel pricing) {
        return builder(meter)
                .aggregation(aggregation)
                .includedQuantity(includedQuantity)
                .minimumAmountMinor(minimumAmountMinor)
                .tolerancePct(tolerancePct)
                .pricing(pricing)
                .build();
    }

    public static Builder builder(String meter) {
        return new Builder(meter);
    }

    /**
     * The largest difference between two quantities (actual and reported) that is still in
     * tolerance: {@code tolerancePct} % of the larger of the two, exact.
     */
    public BigDecimal toleranceFor(BigDecimal a, BigDecimal b) {
        return a.max(b).multiply(tolerancePct).movePointLeft(2);
    }

    /** The units that are paid for: max(0, quantity - included quantity). */
    public BigDecimal billable(BigDecimal quantity) {
        return quantity.subtract(includedQuantity).max(BigDecimal.ZERO);
    }

    /**
     * Builds {@link MeterTerms} from nullable decoded fields. Every problem, including those of the
     * pricing and the aggregation, is reported under {@code meters[<name>]}.
     */
    public static final class Builder {
        private final String meter;
        private String aggregation;
        private BigDecimal includedQuantity;
        private Long minimumAmountMinor;
        private BigDecimal tolerancePct;
        private PriceModel pricing;
        private String modelName;
        private BigDecimal unitAmountDecimal;
        private List<Tier> tiers;
        private BigDecimal packageSize;
        private BigDecimal packageAmountDecimal;
        private String stripePriceId;
        private String stripeMeterId;

        private Builder(String meter) {
            this.meter = meter;
        }

        /** {@code sum}, {@code count} or {@code max}; null for sum. */
        public Builder aggregation(String aggregation) {
            this.aggregation = aggregation;
            return this;
        }

        public Builder includedQuantity(BigDecimal includedQuantity) {
            this.includedQuantity = includedQuantity;
            return this;
        }

        public Builder minimumAmountMinor(Long minimumAmountMinor) {
            this.minimumAmountMinor = minimumAmountMinor;
            return this;
        }

        public Builder tolerancePct(BigDecimal tolerancePct) {
            this.tolerancePct = tolerancePct;
            return this;
        }

        /** The billing system's price id of this meter (Stripe {@code price_...}); null if none. */
        public Builder stripePriceId(String stripePriceId) {
            this.stripePriceId = stripePriceId;
            return this;
        }

        /** The billing system's meter id behind a metered price (Stripe {@code mtr_...}); null if none. */
        public Builder stripeMeterId(String stripeMeterId) {
            this.stripeMeterId = stripeMeterId;
            return this;
        }

        /** An already built model. */
        public Builder pricing(PriceModel pricing) {
            this.pricing = pricing;
            this.modelName = null;
            return this;
        }

        /** The decoded {@code pricing} fields; see {@link PriceModel#of}. */
        public Builder pricing(
                String model,
                BigDecimal unitAmountDecimal,
                List<Tier> tiers,
                BigDecimal packageSize,
                BigDecimal packageAmountDecimal) {
            this.pricing = null;
            this.modelName = Checks.required(model, "meters[" + meter + "].pricing.model");
            this.unitAmountDecimal = unitAmountDecimal;
            this.tiers = tiers;
            this.packageSize = packageSize;
            this.packageAmountDecimal = packageAmountDecimal;
            return this;
        }

        public MeterTerms build() {
            if (meter == null || meter.isBlank()) {
                throw new PricingValidationException("meters[].meter", "is missing");
            }
            String field = "meters[" + meter + "]";
            Aggregation parsedAggregation;
            PriceModel model = pricing;
            try {
                parsedAggregation = Aggregation.parse(aggregation);
                if (model == null && modelName != null) {
                    model = PriceModel.of(modelName, unitAmountDecimal, tiers, packageSize, packageAmountDecimal);
                }
            } catch (PricingValidationException e) {
                throw e.within(field);
            }
            return new MeterTerms(
                    meter,
                    parsedAggregation,
                    includedQuantity,
                    minimumAmountMinor == null ? 0L : minimumAmountMinor,
                    tolerancePct,
                    model,
                    stripePriceId,
                    stripeMeterId);
        }
    }
}
