package io.reckon.jobs.reconcile.checks;

import java.math.BigDecimal;

/**
 * The figures of one anomaly type for one period at one evaluation, and whether its condition holds.
 * A finding that does not hold still carries figures: they go into the "resolved" revision. The
 * baseline is set for USAGE_SPIKE and USAGE_DROP only: the usual quantity of that hour.
 */
public record Finding(
        AnomalyType type,
        boolean holds,
        String currency,
        BigDecimal actual,
        BigDecimal reported,
        long expectedMinor,
        long pricedReportedMinor,
        Long billedMinor,
        long amountMinor,
        BigDecimal baseline) {

    /** The same figures with a condition that does not hold and no amount. */
    public Finding notHolding() {
        return new Finding(
                type, false, currency, actual, reported, expectedMinor, pricedReportedMinor, billedMinor, 0, baseline);
    }

    /** A finding without a baseline: every type but the usage signals. */
    public Finding(
            AnomalyType type,
            boolean holds,
            String currency,
            BigDecimal actual,
            BigDecimal reported,
            long expectedMinor,
            long pricedReportedMinor,
            Long billedMinor,
            long amountMinor) {
        this(
                type,
                holds,
                currency,
                actual,
                reported,
                expectedMinor,
                pricedReportedMinor,
                billedMinor,
                amountMinor,
                null);
    }
}
