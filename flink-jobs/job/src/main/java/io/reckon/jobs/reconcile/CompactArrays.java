package io.reckon.jobs.reconcile;

import io.reckon.jobs.records.DecimalCodec;
import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The arrays of a {@link PeriodState} in few bytes: bit sets of hours as runs when that is shorter,
 * whole-numbered doubles as varints, sorted longs as differences. Each array is written after its
 * length plus one (0 for null), and refused when read past {@link #MAX_LENGTH} elements, before
 * anything is allocated, so that corrupt bytes cost neither memory nor time.
 *
 * <p>Written by hand: Flink's array serializers write every element whole (8 bytes a long), and a
 * period's bits are mostly runs (every hour of a busy key holds usage; hardly any is a spike).
 */
final class CompactArrays {

    /**
     * The most elements an array may have: far beyond a billing period's 12 words of hours, 31 days or
     * 2,232 signal anomalies (one per hour and signal type).
     */
    static final int MAX_LENGTH = 1 << 13;

    /** Forms of a bit set: its words, or its runs. */
    private static final int RAW = 0;

    private static final int RUNS = 1;
    /**
     * Forms of doubles: all whole (varints), each in its 8 bytes, or all decimals of a few places (a
     * scale, then each value's unscaled varint).
     */
    private static final int WHOLE = 0;

    private static final int EXACT = 1;
    private static final int DECIMAL = 2;

    /** Most decimal places of the decimal form: 10^9 and 2^53 are exact doubles, and so is u / 10^s. */
    private static final int MAX_DECIMAL_SCALE = 9;

    private static final double[] TEN = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};

    private CompactArrays() {}

    /**
     * Writes a bit set as its words, or as the lengths of its runs (clear first, alternating, trailing
     * clear bits left out) when those take fewer bytes.
     */
    static void writeBits(long[] bits, DataOutputView out) throws IOException {
        if (bits == null) {
            out.writeByte(0);
            return;
        }
        DecimalCodec.writeUnsigned(out, bits.length + 1L);
        int changes = changes(bits);
        // The runs: between the changes from clear to set and back, plus a last set run up to the end.
        int runs = changes + (changes & 1);
        // A run's length takes two bytes at most below 2^14 bits, three beyond.
        int perRun = bits.length < 1 << 8 ? 2 : 3;
        if ((long) runs * perRun + varintBytes(runs) >= 8L * bits.length) {
            out.writeByte(RAW);
            for (long w : bits) {
                out.writeLong(w);
            }
            return;
        }
        out.writeByte(RUNS);
        DecimalCodec.writeUnsigned(out, runs);
        int last = 0;
        long carry = 0;
        for (int i = 0; i < bits.length; i++) {
            long w = bits[i];
            for (long t = w ^ (w << 1 | carry); t != 0; t &= t - 1) {
                int at = 64 * i + Long.numberOfTrailingZeros(t);
                DecimalCodec.writeUnsigned(out, at - last);
                last = at;
            }
            carry = w >>> 63;
        }
        if ((changes & 1) == 1) {
            DecimalCodec.writeUnsigned(out, 64 * bits.length - last);
        }
    }

    static long[] readBits(DataInputView in) throws IOException {
        int length = length(in);
        if (length < 0) {
            return null;
        }
        long[] bits = new long[length];
        int mode = in.readUnsignedByte();
        if (mode == RAW) {
            for (int i = 0; i < length; i++) {
                bits[i] = in.readLong();
            }
            return bits;
        }
        if (mode != RUNS) {
            throw new IOException("Corrupt bit set: mode " + mode);
        }
        long n = 64L * length;
        long runs = DecimalCodec.readUnsigned(in);
        if (runs < 0 || runs > n + 1) {
            throw new IOException("Corrupt bit set: " + runs + " runs in " + n + " bits");
        }
        long at = 0;
        for (long r = 0; r < runs; r++) {
            long run = DecimalCodec.readUnsigned(in);
            if (run < 0 || run > n - at) {
                throw new IOException("Corrupt bit set: a run past its " + n + " bits");
            }
            if ((r & 1) == 1) {
                setRange(bits, (int) at, (int) (at + run));
            }
            at += run;
        }
        return bits;
    }

    /** The changes between clear and set from one bit to the next, counted a word at a time. */
    private static int changes(long[] bits) {
        int changes = 0;
        long carry = 0;
        for (long w : bits) {
            changes += Long.bitCount(w ^ (w << 1 | carry));
            carry = w >>> 63;
        }
        return changes;
    }

    /** Sets the bits from {@code from} to {@code to} (exclusive), a word at a time. */
    private static void setRange(long[] bits, int from, int to) {
        for (int at = from; at < to; ) {
            int word = at >>> 6;
            int end = Math.min(to, (word + 1) << 6);
            long ones = end - at == 64 ? -1L : ((1L << (end - at)) - 1) << at;
            bits[word] |= ones;
            at = end;
        }
    }

    /**
     * Writes doubles as varints when every one is a whole number of at most 2^53 (totals of counts);
     * else, when every one is the double nearest to a decimal of at most nine places (a total of
     * quantities summed exactly, then converted), as that decimal's unscaled value at the places of the
     * longest; else as their 8 bytes. Each form reads back the same bits.
     */
    static void writeDoubles(double[] values, DataOutputView out) throws IOException {
        if (values == null) {
            out.writeByte(0);
            return;
        }
        DecimalCodec.writeUnsigned(out, values.length + 1L);
        boolean whole = true;
        for (double v : values) {
            whole &= isWhole(v);
        }
        int scale = whole ? 0 : decimalScale(values);
        if (whole) {
            out.writeByte(WHOLE);
        } else if (scale > 0) {
            out.writeByte(DECIMAL);
            out.writeByte(scale);
        } else {
            out.writeByte(EXACT);
        }
        for (double v : values) {
            if (whole) {
                DecimalCodec.writeZigZag(out, (long) v);
            } else if (scale > 0) {
                DecimalCodec.writeZigZag(out, (long) Math.rint(v * TEN[scale]));
            } else {
                out.writeDouble(v);
            }
        }
    }

    static double[] readDoubles(DataInputView in) throws IOException {
        int length = length(in);
        if (length < 0) {
            return null;
        }
        int mode = in.readUnsignedByte();
        if (mode != WHOLE && mode != EXACT && mode != DECIMAL) {
            throw new IOException("Corrupt doubles: mode " + mode);
        }
        int scale = mode == DECIMAL ? in.readUnsignedByte() : 0;
        if (mode == DECIMAL && (scale < 1 || scale > MAX_DECIMAL_SCALE)) {
            throw new IOException("Corrupt doubles: scale " + scale);
        }
        double[] values = new double[length];
        for (int i = 0; i < length; i++) {
            values[i] = switch (mode) {
                case WHOLE -> DecimalCodec.readZigZag(in);
                case DECIMAL -> DecimalCodec.readZigZag(in) / TEN[scale];
                default -> in.readDouble();
            };
        }
        return values;
    }

    /**
     * The fewest decimal places, 1 to {@link #MAX_DECIMAL_SCALE}, at which every value is u / 10^s for
     * a whole u of at most 2^53 (so that the division, correctly rounded, gives the value's bits back);
     * 0 when there are none.
     */
    private static int decimalScale(double[] values) {
        int scale = 1;
        for (double v : values) {
            while (scale <= MAX_DECIMAL_SCALE && !isDecimal(v, scale)) {
                scale++;
            }
            if (scale > MAX_DECIMAL_SCALE) {
                return 0;
            }
        }
        for (double v : values) { // a value of fewer places is one of more too, but check: bits are kept
            if (!isDecimal(v, scale)) {
                return 0;
            }
        }
        return scale;
    }

    /** Whether v is u / 10^scale for a whole u of at most 2^53; never -0.0 (a long would drop its sign). */
    private static boolean isDecimal(double v, int scale) {
        double u = Math.rint(v * TEN[scale]);
        return Math.abs(u) <= 0x1p53
                && Double.doubleToRawLongBits(v) != Long.MIN_VALUE
                && Double.doubleToRawLongBits(u / TEN[scale]) == Double.doubleToRawLongBits(v);
    }

    /** Whole and exactly a long, and not -0.0 (which a long would turn into 0.0). */
    private static boolean isWhole(double v) {
        return Math.abs(v) <= 0x1p53 && v == Math.rint(v) && Double.doubleToRawLongBits(v) != Long.MIN_VALUE;
    }

    /** Writes longs as their differences, the first from {@code base} (sorted values take a byte or two). */
    static void writeLongs(long[] values, long base, DataOutputView out) throws IOException {
        if (values == null) {
            out.writeByte(0);
            return;
        }
        DecimalCodec.writeUnsigned(out, values.length + 1L);
        long previous = base;
        for (long v : values) {
            DecimalCodec.writeZigZag(out, v - previous);
            previous = v;
        }
    }

    static long[] readLongs(long base, DataInputView in) throws IOException {
        int length = length(in);
        if (length < 0) {
            return null;
        }
        long[] values = new long[length];
        long previous = base;
        for (int i = 0; i < length; i++) {
            previous += DecimalCodec.readZigZag(in);
            values[i] = previous;
        }
        return values;
    }

    /** The length written before an array, -1 for null. */
    private static int length(DataInputView in) throws IOException {
        long plusOne = DecimalCodec.readUnsigned(in);
        if (plusOne < 0 || plusOne > MAX_LENGTH + 1L) {
            throw new IOException("Corrupt array: length " + (plusOne - 1));
        }
        return (int) plusOne - 1;
    }

    private static int varintBytes(long value) {
        return value == 0 ? 1 : (63 - Long.numberOfLeadingZeros(value)) / 7 + 1;
    }
}
