package io.reckon.jobs.reconcile;

import io.reckon.jobs.reconcile.checks.CopyRule;
import java.math.BigDecimal;
import java.util.Arrays;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * The distinct copies of one usage event_id or report_id seen so far, in {@link CopyRule} order (event
 * time, then quantity): what deduplication needs to decide which copies count whatever order they
 * arrive in. Almost every id has one copy; retried sends are exact copies and add nothing.
 *
 * <p>A quantity is null for a copy taken over from the previous state layout, which kept only the
 * event time of the copy that counted.
 */
@TypeInfo(IdCopiesTypeInfoFactory.class)
public final class IdCopies {

    public long[] times;
    public BigDecimal[] quantities;

    public IdCopies() {
        this(new long[0], new BigDecimal[0]);
    }

    IdCopies(long[] times, BigDecimal[] quantities) {
        this.times = times;
        this.quantities = quantities;
    }

    /** One copy. */
    public static IdCopies of(long time, BigDecimal quantity) {
        return one(time, quantity);
    }

    static IdCopies one(long time, BigDecimal quantity) {
        return new IdCopies(new long[] {time}, new BigDecimal[] {quantity});
    }

    public int size() {
        return times.length;
    }

    /** Whether a copy with the same event time and quantity (scale included) is already here. */
    boolean contains(long time, BigDecimal quantity) {
        return position(time, quantity) >= 0;
    }

    /** Whether a copy of the previous layout (quantity unknown) is here. */
    boolean hasLegacyCopy() {
        for (BigDecimal q : quantities) {
            if (q == null) {
                return true;
            }
        }
        return false;
    }

    /** These copies plus one, in order. */
    IdCopies with(long time, BigDecimal quantity) {
        int at = -position(time, quantity) - 1;
        long[] t = new long[times.length + 1];
        BigDecimal[] q = new BigDecimal[times.length + 1];
        System.arraycopy(times, 0, t, 0, at);
        System.arraycopy(quantities, 0, q, 0, at);
        t[at] = time;
        q[at] = quantity;
        System.arraycopy(times, at, t, at + 1, times.length - at);
        System.arraycopy(quantities, at, q, at + 1, times.length - at);
        return new IdCopies(t, q);
    }

    /** The latest event time of a copy. */
    long latest() {
        return times[times.length - 1];
    }

    /** Binary search in {@link CopyRule} order: the index, or -(insertion point) - 1. */
    private int position(long time, BigDecimal quantity) {
        int lo = 0;
        int hi = times.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = CopyRule.compare(times[mid], quantities[mid], time, quantity);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdCopies c && Arrays.equals(times, c.times) && Arrays.equals(quantities, c.quantities);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(times) + Arrays.hashCode(quantities);
    }

    @Override
    public String toString() {
        return "IdCopies" + Arrays.toString(times) + Arrays.toString(quantities);
    }
}
