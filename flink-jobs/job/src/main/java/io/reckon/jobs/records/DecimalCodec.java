package io.reckon.jobs.records;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Variable-length integers and exact decimals for the compact serializers (state and network).
 *
 * <p>Hand-written because Flink has no compact exact decimal serializer: its {@code BigDecSerializer}
 * writes a length-prefixed {@code BigInteger} plus a 4-byte scale (about 10 bytes for a quantity
 * like {@code 12.500000000}), and the POJO serializer adds a null flag per field on top. Here a
 * decimal is a kind (zero, long, big) plus its scale and, for the long kind, a zig-zag varint of the
 * unscaled value. Every {@link BigDecimal} round-trips with {@link BigDecimal#equals} (value and
 * scale): the big kind keeps values of any magnitude, any int scale is representable.
 */
public final class DecimalCodec {

    /** The unscaled value is zero: nothing follows. */
    public static final int ZERO = 0;
    /** The unscaled value fits in a long: a zig-zag varint follows. */
    public static final int LONG = 1;
    /** A larger unscaled value: a varint length and the two's-complement bytes of the BigInteger follow. */
    public static final int BIG = 2;
    /** No value (only in the full form). */
    public static final int NULL = 3;

    private DecimalCodec() {}

    public static int kind(BigDecimal value) {
        if (value == null) {
            return NULL;
        }
        if (value.signum() == 0) {
            return ZERO;
        }
        return value.precision() <= LONG_DIGITS || value.unscaledValue().bitLength() <= 63 ? LONG : BIG;
    }

    /**
     * Bytes of the longest unscaled value read: some 9,800 digits, where input holds at most 100 (and
     * the sums, products and prices made of them a few dozen more). A corrupt length beyond it is
     * refused before its bytes are allocated (it could ask for 2 GB).
     */
    static final int MAX_UNSCALED_BYTES = 1 << 12;

    /** Any unscaled value of this many digits fits in a long. */
    private static final int LONG_DIGITS = 18;

    /**
     * The unscaled value of a decimal of the long kind. Up to 18 digits without {@link
     * BigDecimal#unscaledValue()}, which builds a {@code BigInteger} per call: this runs for every
     * quantity sent between operators or written to state.
     */
    public static long unscaledLong(BigDecimal value) {
        return value.precision() <= LONG_DIGITS
                ? value.movePointRight(value.scale()).longValue()
                : value.unscaledValue().longValue();
    }

    /** Writes the unscaled value of {@code value} for the given kind; the scale is written by the caller. */
    public static void writeUnscaled(DataOutputView out, int kind, BigDecimal value) throws IOException {
        if (kind == LONG) {
            writeZigZag(out, unscaledLong(value));
        } else if (kind == BIG) {
            byte[] bytes = value.unscaledValue().toByteArray();
            writeUnsigned(out, bytes.length);
            out.write(bytes);
        }
    }

    public static BigDecimal readUnscaled(DataInputView in, int kind, int scale) throws IOException {
        switch (kind) {
            case ZERO:
                return BigDecimal.valueOf(0L, scale);
            case LONG:
                return BigDecimal.valueOf(readZigZag(in), scale);
            case BIG:
                long length = readUnsigned(in);
                if (length <= 0 || length > MAX_UNSCALED_BYTES) {
                    throw new IOException("Corrupt decimal: length " + length);
                }
                byte[] bytes = new byte[(int) length];
                in.readFully(bytes);
                return new BigDecimal(new BigInteger(bytes), scale);
            default:
                return null;
        }
    }

    /** The full form: one varint header holding the zig-zag scale and the kind, then the unscaled value. */
    public static void writeFull(DataOutputView out, BigDecimal value) throws IOException {
        int kind = kind(value);
        long scale = value == null ? 0 : zigZag(value.scale());
        writeUnsigned(out, scale << 2 | kind);
        writeUnscaled(out, kind, value);
    }

    public static BigDecimal readFull(DataInputView in) throws IOException {
        long header = readUnsigned(in);
        long zigZagScale = header >>> 2;
        if (zigZagScale > 0xFFFF_FFFFL) {
            throw new IOException("Corrupt decimal: header " + header);
        }
        return readUnscaled(in, (int) (header & 3), unZigZag((int) zigZagScale));
    }

    /** Writes {@code value} as an unsigned LEB128 varint: 1 byte below 128, 10 for negative longs. */
    public static void writeUnsigned(DataOutputView out, long value) throws IOException {
        while ((value & ~0x7FL) != 0) {
            out.writeByte((int) (value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.writeByte((int) value);
    }

    public static long readUnsigned(DataInputView in) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("Corrupt varint: more than 10 bytes");
    }

    public static void writeZigZag(DataOutputView out, long value) throws IOException {
        writeUnsigned(out, (value << 1) ^ (value >> 63));
    }

    public static long readZigZag(DataInputView in) throws IOException {
        long v = readUnsigned(in);
        return (v >>> 1) ^ -(v & 1);
    }

    /** Zig-zag of an int scale as an unsigned 32-bit value in a long. */
    public static long zigZag(int value) {
        return ((value << 1) ^ (value >> 31)) & 0xFFFF_FFFFL;
    }

    public static int unZigZag(int value) {
        return (value >>> 1) ^ -(value & 1);
    }
}
