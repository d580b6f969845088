package io.reckon.jobs.reconcile;

import io.reckon.jobs.reconcile.checks.CopyRule;
import io.reckon.jobs.records.DecimalCodec;
import java.math.BigDecimal;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * The distinct copies of one usage event_id or report_id seen so far, in {@link CopyRule} order (event
 * time, then quantity): what deduplication needs to decide which copies count whatever order they
 * arrive in. Immutable: {@link #with} returns a new value.
 *
 * <p>Almost every id has one copy (retried sends are exact copies and add nothing), and there is one
 * of these per id for as long as its period's state is kept: a single copy whose quantity has at most
 * 18 digits is held in three primitive fields, without arrays or a {@code BigDecimal}, which keeps the
 * heap state of an id at four objects instead of seven and its young-generation copying cheap. Other
 * cases use arrays.
 *
 * <p>A quantity is null for a copy taken over from the previous state layout, which kept only the
 * event time of the copy that counted.
 */
@TypeInfo(IdCopiesTypeInfoFactory.class)
public final class IdCopies {

    /** The most digits of a quantity held inline: any unscaled value of 18 digits is a long. */
    private static final int MAX_INLINE_DIGITS = 18;

    /** The one copy, when {@link #times} is null. */
    private final long time;

    private final long unscaled;
    private final int scale;

    /** Every copy, in order, when there is not exactly one inline copy; null otherwise. */
    private final long[] times;

    private final BigDecimal[] quantities;

    /** No copies (Flink's serializer contract needs an instance). */
    public IdCopies() {
        this(new long[0], new BigDecimal[0]);
    }

    IdCopies(long[] times, BigDecimal[] quantities) {
        this.time = 0;
        this.unscaled = 0;
        this.scale = 0;
        this.times = times;
        this.quantities = quantities;
    }

    private IdCopies(long time, long unscaled, int scale) {
        this.time = time;
        this.unscaled = unscaled;
        this.scale = scale;
        this.times = null;
        this.quantities = null;
    }

    /** One copy. */
    public static IdCopies of(long time, BigDecimal quantity) {
        return one(time, quantity);
    }

    static IdCopies one(long time, BigDecimal quantity) {
        if (quantity != null && quantity.precision() <= MAX_INLINE_DIGITS) {
            return new IdCopies(time, DecimalCodec.unscaledLong(quantity), quantity.scale());
        }
        return new IdCopies(new long[] {time}, new BigDecimal[] {quantity});
    }

    /** One copy held inline (see {@link #isInline}). */
    static IdCopies inline(long time, long unscaled, int scale) {
        return new IdCopies(time, unscaled, scale);
    }

    /** Whether this is one copy whose quantity is held as an unscaled long and a scale. */
    boolean isInline() {
        return times == null;
    }

    /** The unscaled quantity of an inline copy. */
    long inlineUnscaled() {
        return unscaled;
    }

    /** The scale of an inline copy's quantity. */
    int inlineScale() {
        return scale;
    }

    public int size() {
        return times == null ? 1 : times.length;
    }

    /** The event time of copy {@code i}. */
    long time(int i) {
        return times == null ? time : times[i];
    }

    /** The quantity of copy {@code i}, scale included; null for a copy of the previous layout. */
    BigDecimal quantity(int i) {
        return times == null ? BigDecimal.valueOf(unscaled, scale) : quantities[i];
    }

    /** The event times of the copies, in order (a new array). */
    long[] times() {
        return times == null ? new long[] {time} : times.clone();
    }

    /** Whether a copy with the same event time and quantity (scale included) is already here. */
    boolean contains(long time, BigDecimal quantity) {
        return position(time, quantity) >= 0;
    }

    /** Whether a copy of the previous layout (quantity unknown) is here. */
    boolean hasLegacyCopy() {
        if (times == null) {
            return false;
        }
        for (BigDecimal q : quantities) {
            if (q == null) {
                return true;
            }
        }
        return false;
    }

    /** These copies plus one, in order. */
    IdCopies with(long time, BigDecimal quantity) {
        int n = size();
        int at = -position(time, quantity) - 1;
        long[] t = new long[n + 1];
        BigDecimal[] q = new BigDecimal[n + 1];
        for (int i = 0, j = 0; j <= n; j++) {
            if (j == at) {
                t[j] = time;
                q[j] = quantity;
            } else {
                t[j] = time(i);
                q[j] = quantity(i);
                i++;
            }
        }
        return new IdCopies(t, q);
    }

    /**
     * Whether a copy with this time and quantity would come after every copy here, in {@link CopyRule}
     * order.
     */
    boolean isLast(long time, BigDecimal quantity) {
        return -position(time, quantity) - 1 == size();
    }

    /** These copies but the last, in order (at least two copies). */
    IdCopies withoutLast() {
        int n = size() - 1;
        long[] t = new long[n];
        BigDecimal[] q = new BigDecimal[n];
        for (int i = 0; i < n; i++) {
            t[i] = time(i);
            q[i] = quantity(i);
        }
        return new IdCopies(t, q);
    }

    /** The latest event time of a copy. */
    long latest() {
        return times == null ? time : times[times.length - 1];
    }

    /** Binary search in {@link CopyRule} order: the index, or -(insertion point) - 1. */
    private int position(long time, BigDecimal quantity) {
        int lo = 0;
        int hi = size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = CopyRule.compare(time(mid), quantity(mid), time, quantity);
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
        if (!(o instanceof IdCopies c) || c.size() != size()) {
            return false;
        }
        for (int i = 0; i < size(); i++) {
            if (time(i) != c.time(i) || !java.util.Objects.equals(quantity(i), c.quantity(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0; i < size(); i++) {
            h = 31 * h + Long.hashCode(time(i));
            h = 31 * h + java.util.Objects.hashCode(quantity(i));
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("IdCopies[");
        for (int i = 0; i < size(); i++) {
            s.append(i == 0 ? "" : ", ").append(time(i)).append(' ').append(quantity(i));
        }
        return s.append(']').toString();
    }
}
