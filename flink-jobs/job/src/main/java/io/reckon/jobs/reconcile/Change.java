package io.reckon.jobs.reconcile;

import java.math.BigDecimal;

/**
 * One record that starts to count ({@code sign} +1) or stops counting (-1) in the key's hours and
 * periods: what deduplication and summary replacement decide. A reported {@code summary} counts its
 * quantity under the count aggregation ({@link Agg#addSummary}).
 */
record Change(long time, BigDecimal quantity, int sign, boolean summary) {

    static Change add(long time, BigDecimal quantity) {
        return new Change(time, quantity, 1, false);
    }

    static Change remove(long time, BigDecimal quantity) {
        return new Change(time, quantity, -1, false);
    }

    static Change addSummary(long time, BigDecimal quantity) {
        return new Change(time, quantity, 1, true);
    }

    static Change removeSummary(long time, BigDecimal quantity) {
        return new Change(time, quantity, -1, true);
    }
}
