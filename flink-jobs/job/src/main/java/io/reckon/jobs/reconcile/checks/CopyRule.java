package io.reckon.jobs.reconcile.checks;

import java.math.BigDecimal;

/**
 * Which copies of one usage event_id (or report_id) count. Copies are ordered by event time, then by
 * quantity, then by the quantity's scale (a total order on their content, whatever their arrival
 * order); the first counts, and so does each next copy more than the dedup horizon after the last
 * copy that counts. The rest are duplicates. The same copies in any order give the same answer, so the
 * answer does not depend on which copy arrived first.
 */
public final class CopyRule {

    private CopyRule() {}

    /** The order of copies: event time, then quantity, then scale. */
    public static int compare(long time1, BigDecimal quantity1, long time2, BigDecimal quantity2) {
        int c = Long.compare(time1, time2);
        if (c != 0) {
            return c;
        }
        if (quantity1 == null || quantity2 == null) {
            return quantity1 == null ? (quantity2 == null ? 0 : -1) : 1;
        }
        c = quantity1.compareTo(quantity2);
        return c != 0 ? c : Integer.compare(quantity1.scale(), quantity2.scale());
    }

    /**
     * Which of the copies count, for copies already in {@link #compare} order.
     *
     * @param times event times, ascending as the copies are ordered
     */
    public static boolean[] counted(long[] times, long horizonMs) {
        boolean[] counted = new boolean[times.length];
        long last = 0;
        for (int i = 0; i < times.length; i++) {
            if (i == 0 || times[i] - last > horizonMs) {
                counted[i] = true;
                last = times[i];
            }
        }
        return counted;
    }
}
