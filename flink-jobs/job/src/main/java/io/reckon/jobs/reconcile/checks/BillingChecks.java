package io.reckon.jobs.reconcile.checks;

import io.reckon.pricing.ContractVersion;
import io.reckon.pricing.MeterTerms;
import io.reckon.pricing.Pricer;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * Reporting against billing: UNBILLED_USAGE, RENEWAL_DRIFT, MISSED_OVERAGE and OVERBILLED of one
 * period, evaluated once the metering side of the period is final (its reported quantity is settled)
 * and again on every invoice line or late record, until the invoice grace has passed.
 *
 * <p>Their amounts and the metering amounts add up: UNDER_REPORTED_USAGE (expected - priced_reported)
 * plus MISSED_OVERAGE or RENEWAL_DRIFT (priced_reported - billed) is expected - billed.
 */
public final class BillingChecks {

    private BillingChecks() {}

    /**
     * What the non-void invoice lines of a period add up to. Credit lines (negative amounts) lower the
     * total; a period whose only lines are credits still has a line.
     */
    public record Billed(boolean anyLine, long amountMinor) {

        public static final Billed NONE = new Billed(false, 0);

        /** Adds a non-void line; fails with {@link ArithmeticException} when the total leaves a long. */
        public Billed plus(long lineAmountMinor) {
            return new Billed(true, Math.addExact(amountMinor, lineAmountMinor));
        }

        /** The output's billed_amount_minor: the sum, or null while no non-void line exists. */
        public Long orNull() {
            return anyLine ? amountMinor : null;
        }
    }

    /**
     * @param actual all of the period's usage, aggregated
     * @param reported all of the period's reports, aggregated: billing is compared with the final
     *     reported quantity
     */
    public static List<Finding> evaluate(
            BigDecimal actual,
            BigDecimal reported,
            Instant periodStart,
            ContractVersion contract,
            MeterTerms terms,
            Billed billed,
            boolean graceOver) {
        long expected = Pricer.priceMinor(contract, terms, periodStart, actual);
        long pricedReported = Pricer.priceMinor(contract, terms, periodStart, reported);
        String currency = contract.currency();

        boolean unbilled = graceOver && !billed.anyLine() && pricedReported >= 1;
        Finding unbilledFinding = new Finding(
                AnomalyType.UNBILLED_USAGE,
                unbilled,
                currency,
                actual,
                reported,
                expected,
                pricedReported,
                billed.orNull(),
                billed.anyLine() ? 0 : pricedReported);
        if (!billed.anyLine()) {
            return List.of(
                    unbilledFinding,
                    none(AnomalyType.RENEWAL_DRIFT, currency, actual, reported, expected, pricedReported),
                    none(AnomalyType.MISSED_OVERAGE, currency, actual, reported, expected, pricedReported),
                    none(AnomalyType.OVERBILLED, currency, actual, reported, expected, pricedReported));
        }

        long short_ = Math.subtractExact(pricedReported, billed.amountMinor());
        // Billed exactly the pre-renewal price (within one minor unit): the escalator was not applied.
        boolean escalated = contract.escalatedFor(periodStart);
        boolean drift = escalated
                && short_ >= 1
                && Math.abs(Math.subtractExact(
                                billed.amountMinor(), Pricer.priceMinorWithoutEscalation(terms, reported)))
                        <= 1;
        boolean missed = short_ >= 1 && !drift;
        boolean overbilled = short_ <= -1;
        Long b = billed.orNull();
        return List.of(
                unbilledFinding,
                new Finding(
                        AnomalyType.RENEWAL_DRIFT,
                        drift,
                        currency,
                        actual,
                        reported,
                        expected,
                        pricedReported,
                        b,
                        Math.max(0, short_)),
                new Finding(
                        AnomalyType.MISSED_OVERAGE,
                        missed,
                        currency,
                        actual,
                        reported,
                        expected,
                        pricedReported,
                        b,
                        Math.max(0, short_)),
                new Finding(
                        AnomalyType.OVERBILLED,
                        overbilled,
                        currency,
                        actual,
                        reported,
                        expected,
                        pricedReported,
                        b,
                        Math.max(0, Math.negateExact(short_))));
    }

    private static Finding none(
            AnomalyType type, String currency, BigDecimal actual, BigDecimal reported, long expected, long priced) {
        return new Finding(type, false, currency, actual, reported, expected, priced, null, 0);
    }
}
