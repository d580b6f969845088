package io.reckon.jobs.reconcile;

import java.io.IOException;

/**
 * Reads the columns of a {@link BitColumns} payload, checked when made: every header complete, bits and
 * bytes agreeing.
 */
final class BitColumnReader {
    private final byte[] bytes;
    private final int n;
    private final int[] width;
    private final int[] zeros;
    private final long[] base;
    /** Where each column's bits start, counted from the first bit after the headers. */
    private final long[] start;

    private final int bitsFrom;

    BitColumnReader(byte[] bytes, int from, int columns, int n) throws IOException {
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
                if (zeros[c] < 1 || zeros[c] > BitColumns.MAX_ZEROS) {
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
            return Math.multiplyExact(shifted, BitColumns.pow10(zeros[c]));
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
