package io.reckon.jobs.reconcile;

import io.reckon.jobs.records.DecimalCodec;
import java.io.IOException;
import java.math.BigDecimal;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The shifted form of an {@link AggSerializer} aggregate, for quantities whose unscaled values end in
 * zeros, as those decoded from Avro do: {@code 37.4} at the contract's scale 9 is the unscaled {@code
 * 37400000000}, a 6-byte varint, where {@code 374} takes 2. After the tag ({@link
 * AggSerializer#SHIFTED_TAG}) one byte holds the scale (bits 0-3) and the number z of decimal zeros
 * the unscaled sum and max both end in (bits 4-7, at most 15); then the count, and the unscaled sum
 * and max divided by 10^z, as zig-zag varints. Value and scale come back as they were. Written only
 * where it is shorter than the compact form, for a non-zero sum and max of long unscaled values at
 * one scale.
 */
final class ShiftedAgg {

    /** At most this many trailing zeros are shifted out (four bits of the form's second byte). */
    private static final int MAX_SHIFT = 15;

    private static final long[] POWERS_OF_TEN = new long[MAX_SHIFT + 1];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i <= MAX_SHIFT; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    private ShiftedAgg() {}

    /**
     * Writes the shifted form of an aggregate whose sum and max are non-zero longs at one scale of at
     * most {@link AggSerializer#MAX_COMPACT_SCALE}, and returns true, when it is shorter than the compact form;
     * otherwise writes nothing and returns false.
     */
    static boolean write(long count, BigDecimal sum, BigDecimal max, DataOutputView out) throws IOException {
        long s = DecimalCodec.unscaledLong(sum);
        long m = DecimalCodec.unscaledLong(max);
        int z = Math.min(trailingZeros(s), trailingZeros(m));
        if (z == 0) {
            return false;
        }
        long shiftedSum = s / POWERS_OF_TEN[z];
        long shiftedMax = m / POWERS_OF_TEN[z];
        if (1 + zigZagLength(shiftedSum) + zigZagLength(shiftedMax) >= zigZagLength(s) + zigZagLength(m)) {
            return false;
        }
        out.writeByte(AggSerializer.SHIFTED_TAG);
        out.writeByte(sum.scale() | z << 4);
        DecimalCodec.writeUnsigned(out, count);
        DecimalCodec.writeZigZag(out, shiftedSum);
        DecimalCodec.writeZigZag(out, shiftedMax);
        return true;
    }

    /** Reads a shifted form whose tag was read, into {@code a}. */
    static Agg read(DataInputView in, Agg a) throws IOException {
        int scaleAndShift = in.readUnsignedByte();
        int scale = scaleAndShift & 0x0F;
        int z = scaleAndShift >>> 4;
        if (scale > AggSerializer.MAX_COMPACT_SCALE || z == 0) {
            throw new IOException("Corrupt aggregate: shifted form " + scaleAndShift);
        }
        a.count = DecimalCodec.readUnsigned(in);
        a.sum = BigDecimal.valueOf(unshift(DecimalCodec.readZigZag(in), z), scale);
        a.max = BigDecimal.valueOf(unshift(DecimalCodec.readZigZag(in), z), scale);
        return a;
    }

    private static long unshift(long shifted, int z) throws IOException {
        try {
            return Math.multiplyExact(shifted, POWERS_OF_TEN[z]);
        } catch (ArithmeticException e) {
            throw new IOException("Corrupt aggregate: " + shifted + " x 10^" + z + " is no long", e);
        }
    }

    /** The decimal zeros {@code x} (not 0) ends in, at most {@link #MAX_SHIFT}. */
    private static int trailingZeros(long x) {
        int z = 0;
        while (z < MAX_SHIFT && x % 10 == 0) {
            x /= 10;
            z++;
        }
        return z;
    }

    /** Bytes of {@code x} as a zig-zag varint. */
    private static int zigZagLength(long x) {
        long v = (x << 1) ^ (x >> 63);
        return Math.max(1, (64 - Long.numberOfLeadingZeros(v) + 6) / 7);
    }
}
