package io.reckon.jobs.reconcile.checks;

import io.reckon.pricing.ContractVersion;
import io.reckon.pricing.MeterTerms;
import io.reckon.pricing.Pricer;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Metering against reporting: UNDER_REPORTED_USAGE and OVER_REPORTED_USAGE of one period.
 *
 * <p>While the period is open only under-reporting is evaluated, and only with usage old enough to be
 * expected as reported (older than the reporting delay) against everything reported up to the
 * evaluation's event time: a report of
 * recent usage may legitimately arrive before the usage is that old, so an open-period over-reporting
 * check would flag every prompt pipeline. Once final, both compare all usage with all reports.
 */
public final class MeteringChecks {

    private MeteringChecks() {}

    /**
     * @param actual the usage compared: all of the period's when final, else the matured usage
     * @param reported the reports compared: all of the period's when final, else those reported so far
     * @param periodStart the start of the billing period, which prices the quantities
     * @param billed what the period's non-void invoice lines add up to, null while it has none: the
     *     findings carry it as they are (the spec's billed_amount_minor, null before a line exists)
     */
    public static List<Finding> evaluate(
            BigDecimal actual,
            BigDecimal reported,
            Instant periodStart,
            ContractVersion contract,
            MeterTerms terms,
            Long billed,
            boolean finalEvaluation) {
        long expected = Pricer.priceMinor(contract, terms, periodStart, actual);
        long pricedReported = Pricer.priceMinor(contract, terms, periodStart, reported);
        BigDecimal tolerance = tolerance(terms.tolerancePct(), actual, reported);

        List<Finding> findings = new ArrayList<>(2);
        long underAmount = Math.subtractExact(expected, pricedReported);
        boolean under = actual.subtract(reported).compareTo(tolerance) > 0 && underAmount >= 1;
        findings.add(new Finding(
                AnomalyType.UNDER_REPORTED_USAGE,
                under,
                contract.currency(),
                actual,
                reported,
                expected,
                pricedReported,
                billed,
                Math.max(0, underAmount)));
        if (finalEvaluation) {
            long overAmount = Math.subtractExact(pricedReported, expected);
            boolean over = reported.subtract(actual).compareTo(tolerance) > 0 && overAmount >= 1;
            findings.add(new Finding(
                    AnomalyType.OVER_REPORTED_USAGE,
                    over,
                    contract.currency(),
                    actual,
                    reported,
                    expected,
                    pricedReported,
                    billed,
                    Math.max(0, overAmount)));
        }
        return findings;
    }

    /**
     * tolerance_pct percent of the larger of the two quantities compared, exactly. Dividing by 100
     * moves the decimal point two places; {@code divide(100)} gives the same value after a long
     * division to find the quotient's scale, at every tick of every key. The result is only compared.
     */
    static BigDecimal tolerance(BigDecimal tolerancePct, BigDecimal a, BigDecimal b) {
        return a.max(b).multiply(tolerancePct).movePointLeft(2);
    }
}
