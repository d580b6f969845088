package io.reckon.jobs.reconcile;

import java.math.BigDecimal;

/**
 * One record that starts to count ({@code sign} +1) or stops counting (-1) in the key's hours and
 * periods: what deduplication and summary replacement decide.
 */
record Change(long time, BigDecimal quantity, int sign) {

    static Change add(long time, BigDecimal quantity) {
        return new Change(time, quantity, 1);
    }

    static Change remove(long time, BigDecimal quantity) {
        return new Change(time, quantity, -1);
    }
}
