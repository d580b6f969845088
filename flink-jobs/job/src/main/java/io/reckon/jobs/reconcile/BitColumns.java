package io.reckon.jobs.reconcile;

import java.io.IOException;
import java.util.Arrays;

/**
 * Columns of longs, each in as few bits per value as its spread needs: the figures of a day's hours
 * ({@link PackedHours}), where a column (say the usage sums of 24 hours) holds values of similar size
 * and a varint per value would spend whole bytes on each.
 *
 * <p>A column is written as a header and its values' bits. The header: one byte of the width w (0 to
 * 64) with bit 7 set when a byte z follows (the decimal zeros every value ends in, 1 to 18), then the
 * smallest value divided by 10^z as a zig-zag varint (the base). Each value is then (value / 10^z -
 * base) in w bits: a column of equal values takes its header alone. A payload is the headers of all its
 * columns, then all their bits in one stream, low bit first, padded with zeros to a whole byte.
 *
 * <p>Written by hand: no library at hand packs integers of a per-column width and a shared decimal
 * shift, and the format must stay exactly as written for state to read back.
 */
final class BitColumns {

    /** Most decimal zeros a column shifts out: 10^18 is the largest power of ten in a long. */
    static final int MAX_ZEROS = 18;

    private static final long[] TEN = new long[MAX_ZEROS + 1];

    static {
        TEN[0] = 1;
        for (int i = 1; i <= MAX_ZEROS; i++) {
            TEN[i] = TEN[i - 1] * 10;
        }
    }

    private BitColumns() {}

    /** Writes columns of {@code n} values each into one payload. */
    static final class Writer {
        private final int n;
        private byte[] head = new byte[32];
        private int headLength;
        private long[] words = new long[8];
        private long bits;

        Writer(int n) {
            this.n = n;
        }

        /** Adds a column: the first {@code n} of {@code values}. */
        void column(long[] values) {
            column(values, Stats.of(values, n));
        }

        /** Adds a column whose {@link Stats} are known. */
        void column(long[] values, Stats stats) {
            int z = stats.zeros;
            headByte(stats.width | (z > 0 ? 0x80 : 0));
            if (z > 0) {
                headByte(z);
            }
            long zz = (stats.base << 1) ^ (stats.base >> 63);
            while ((zz & ~0x7FL) != 0) {
                headByte((int) (zz & 0x7F) | 0x80);
                zz >>>= 7;
            }
            headByte((int) zz);
            if (stats.width == 0) {
                return;
            }
            for (int i = 0; i < n; i++) {
                put(divide(values[i], z) - stats.base, stats.width);
            }
        }

        /** The headers, then the bits. */
        byte[] toBytes() {
            int bitBytes = (int) ((bits + 7) >>> 3);
            byte[] out = Arrays.copyOf(head, headLength + bitBytes);
            for (int i = 0; i < bitBytes; i++) {
                out[headLength + i] = (byte) (words[i >>> 3] >>> ((i & 7) << 3));
            }
            return out;
        }

        private void headByte(int b) {
            if (headLength == head.length) {
                head = Arrays.copyOf(head, head.length * 2);
            }
            head[headLength++] = (byte) b;
        }

        private void put(long value, int width) {
            if (width == 0) {
                return;
            }
            int word = (int) (bits >>> 6);
            int shift = (int) (bits & 63);
            if (word + 1 >= words.length) {
                words = Arrays.copyOf(words, words.length * 2);
            }
            long v = width == 64 ? value : value & ((1L << width) - 1);
            words[word] |= v << shift;
            if (shift + width > 64) {
                words[word + 1] |= v >>> (64 - shift);
            }
            bits += width;
        }
    }

    /** Reads the columns of a payload, checked when made: every header complete, bits and bytes agreeing. */
    static final class Reader {
        private final byte[] bytes;
        private final int n;
        private final int[] width;
        private final int[] zeros;
        private final long[] base;
        /** Where each column's bits start, counted from the first bit after the headers. */
        private final long[] start;

        private final int bitsFrom;

        Reader(byte[] bytes, int from, int columns, int n) throws IOException {
            this.bytes = bytes;
            this.n = n;
            this.width = new int[columns];
            this.zeros = new int[columns];
            this.base = new long[columns];
            this.start = new long[columns];
            int at = from;
            long bits = 0;
            for (int c = 0; c < columns; c++) {
                int b = byteAt(at++);
                width[c] = b & 0x7F;
                if (width[c] > 64) {
                    throw new IOException("Corrupt bit column: width " + width[c]);
                }
                if ((b & 0x80) != 0) {
                    zeros[c] = byteAt(at++);
                    if (zeros[c] < 1 || zeros[c] > MAX_ZEROS) {
                        throw new IOException("Corrupt bit column: " + zeros[c] + " decimal zeros");
                    }
                }
                long zz = 0;
                for (int shift = 0; ; shift += 7) {
                    if (shift > 63) {
                        throw new IOException("Corrupt bit column: base too long");
                    }
                    int v = byteAt(at++);
                    zz |= (long) (v & 0x7F) << shift;
                    if ((v & 0x80) == 0) {
                        break;
                    }
                }
                base[c] = (zz >>> 1) ^ -(zz & 1);
                start[c] = bits;
                bits += (long) width[c] * n;
            }
            this.bitsFrom = at;
            long bitBytes = (bits + 7) >>> 3;
            if (bytes.length - at != bitBytes) {
                throw new IOException("Corrupt bit columns: " + (bytes.length - at) + " bytes for " + bits + " bits");
            }
            if ((bits & 7) != 0 && (bytes[bytes.length - 1] & 0xFF) >>> (bits & 7) != 0) {
                throw new IOException("Corrupt bit columns: padding bits set");
            }
        }

        /** The payload's length up to its bits: the headers after {@code from}. */
        int bitsFrom() {
            return bitsFrom;
        }

        /** Value {@code i} of column {@code c}; an IOException when it is no long. */
        long get(int c, int i) throws IOException {
            long stored = bitsAt(start[c] + (long) width[c] * i, width[c]);
            return unshift(c, base[c] + stored); // the sum wraps as the writer's subtraction did
        }

        /** The values of column {@code c}, into the first n of {@code into}, read one after the other. */
        void column(int c, long[] into) throws IOException {
            int w = width[c];
            if (w == 0 || w > 56) {
                for (int i = 0; i < n; i++) {
                    into[i] = get(c, i);
                }
                return;
            }
            long mask = (1L << w) - 1;
            int index = bitsFrom + (int) (start[c] >>> 3);
            int offset = (int) (start[c] & 7);
            long buffer = (bytes[index++] & 0xFFL) >>> offset;
            int have = 8 - offset;
            for (int i = 0; i < n; i++) {
                while (have < w) { // at most w + 7 bits held: no more than 63
                    buffer |= (bytes[index++] & 0xFFL) << have;
                    have += 8;
                }
                into[i] = unshift(c, base[c] + (buffer & mask));
                buffer >>>= w;
                have -= w;
            }
        }

        private long unshift(int c, long shifted) throws IOException {
            if (zeros[c] == 0) {
                return shifted;
            }
            try {
                return Math.multiplyExact(shifted, TEN[zeros[c]]);
            } catch (ArithmeticException e) {
                throw new IOException("Corrupt bit column: " + shifted + " x 10^" + zeros[c] + " is no long", e);
            }
        }

        private long bitsAt(long position, int w) {
            if (w == 0) {
                return 0;
            }
            int index = bitsFrom + (int) (position >>> 3);
            int offset = (int) (position & 7);
            int last = Math.min(bytes.length, index + 9);
            long value = 0;
            for (int k = index; k < last && k < index + 8; k++) {
                value |= (bytes[k] & 0xFFL) << ((k - index) << 3);
            }
            value >>>= offset;
            if (w + offset > 64 && index + 8 < last) {
                value |= (bytes[index + 8] & 0xFFL) << (64 - offset);
            }
            return w == 64 ? value : value & ((1L << w) - 1);
        }

        private int byteAt(int at) throws IOException {
            if (at >= bytes.length) {
                throw new IOException("Corrupt bit columns: headers cut short");
            }
            return bytes[at] & 0xFF;
        }
    }

    /** What a column's header holds, and the bits it takes. */
    static final class Stats {
        final int zeros;
        final long base;
        final int width;
        /** Bits of the column, header included. */
        final long bits;

        private Stats(int zeros, long base, int width, int n) {
            this.zeros = zeros;
            this.base = base;
            this.width = width;
            long zz = (base << 1) ^ (base >> 63);
            int baseBytes = Math.max(1, (64 - Long.numberOfLeadingZeros(zz) + 6) / 7);
            this.bits = 8L * (1 + (zeros > 0 ? 1 : 0) + baseBytes) + (long) width * n;
        }

        /** The column of the first {@code n} of {@code values}. */
        static Stats of(long[] values, int n) {
            int z = zerosOf(values, n);
            long base = Long.MAX_VALUE;
            long top = Long.MIN_VALUE;
            for (int i = 0; i < n; i++) {
                long v = divide(values[i], z);
                base = Math.min(base, v);
                top = Math.max(top, v);
            }
            if (n == 0) {
                return new Stats(0, 0, 0, 0);
            }
            return new Stats(z, base, 64 - Long.numberOfLeadingZeros(top - base), n); // the spread, unsigned
        }
    }

    /** The decimal zeros all of the first {@code n} values end in (0 when all are 0), at most {@link #MAX_ZEROS}. */
    static int zerosOf(long[] values, int n) {
        int z = MAX_ZEROS;
        boolean any = false;
        for (int i = 0; i < n && z > 0; i++) {
            long v = values[i];
            if (v != 0) {
                any = true;
                while (z > 0 && v != divide(v, z) * TEN[z]) {
                    z--;
                }
            }
        }
        return any ? z : 0;
    }

    /** Bits a column of the first {@code n} values takes, header included. */
    static long cost(long[] values, int n) {
        return Stats.of(values, n).bits;
    }

    /**
     * v / 10^z, by a constant divisor in each case: the compiler turns those into a multiplication,
     * where a divisor read from an array costs a division (some 40 cycles) per value.
     */
    static long divide(long v, int z) {
        return switch (z) {
            case 0 -> v;
            case 1 -> v / 10L;
            case 2 -> v / 100L;
            case 3 -> v / 1_000L;
            case 4 -> v / 10_000L;
            case 5 -> v / 100_000L;
            case 6 -> v / 1_000_000L;
            case 7 -> v / 10_000_000L;
            case 8 -> v / 100_000_000L;
            case 9 -> v / 1_000_000_000L;
            case 10 -> v / 10_000_000_000L;
            case 11 -> v / 100_000_000_000L;
            case 12 -> v / 1_000_000_000_000L;
            case 13 -> v / 10_000_000_000_000L;
            case 14 -> v / 100_000_000_000_000L;
            case 15 -> v / 1_000_000_000_000_000L;
            case 16 -> v / 10_000_000_000_000_000L;
            case 17 -> v / 100_000_000_000_000_000L;
            case 18 -> v / 1_000_000_000_000_000_000L;
            default -> throw new IllegalArgumentException("10^" + z + " is no long");
        };
    }
}
