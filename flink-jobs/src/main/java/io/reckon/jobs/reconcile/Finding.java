package io.reckon.jobs.reconcile;

import java.math.BigDecimal;

/**
 * The figures of one anomaly type for one period at one evaluation, and whether its condition holds.
 * A finding that does not hold still carries figures: they go into the "resolved" revision.
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
        long amountMinor) {}
