package io.reckon.jobs.reconcile;

import java.io.IOException;

/**
 * Reads the columns of a {@link BitColumns} payload, checked when made: every header complete, bits and
 * bytes agreeing.
 */
final class BitColumnReader {
    private final byte[] bytes;
    private final int n;
    /** Dense: the bits of each value. Sparse: the bits of each value other than the common one. */
    private final int[] width;

    private final int[] zeros;
    private final long[] base;
    private final boolean[] sparse;
    private final long[] common;
    /** Where each column's bits start, counted from the first bit after the headers. */
    private final long[] start;
    /** Per sparse column read by row, the ones before each 64-row block ({@link #rank}). */
    private final int[][] ranks;

    private final int bitsFrom;
    /** Where the headers are read, while the reader is made. */
    private int cursor;

    BitColumnReader(byte[] bytes, int from, int columns, int n) throws IOException {
        this.bytes = bytes;
        this.n = n;
        this.width = new int[columns];
        this.zeros = new int[columns];
        this.base = new long[columns];
        this.sparse = new boolean[columns];
        this.common = new long[columns];
        this.start = new long[columns];
        this.ranks = new int[columns][];
        cursor = from;
        for (int c = 0; c < columns; c++) {
            int b = nextByte();
            if (b == BitColumns.ZEROS) {
                continue; // width, zeros and base 0
            }
            sparse[c] = (b & 0x7F) == BitColumns.SPARSE;
            if ((b & 0x80) != 0) {
                zeros[c] = nextByte();
                if (zeros[c] < 1 || zeros[c] > BitColumns.MAX_ZEROS) {
                    throw new IOException("Corrupt bit column: " + zeros[c] + " decimal zeros");
                }
            }
            if (sparse[c]) {
                common[c] = nextVarint();
                b = nextByte();
            }
            width[c] = b & 0x7F;
            if (width[c] > 64 || (sparse[c] && (b & 0x80) != 0)) {
                throw new IOException("Corrupt bit column: width " + b);
            }
            base[c] = nextVarint();
        }
        int at = cursor;
        this.bitsFrom = at;
        long available = 8L * (bytes.length - at);
        long bits = 0;
        for (int c = 0; c < columns; c++) {
            start[c] = bits;
            long others = n;
            if (sparse[c]) {
                if (bits + n > available) {
                    throw new IOException("Corrupt bit columns: " + (bytes.length - at) + " bytes, cut short");
                }
                others = ones(bits, n);
                bits += n;
            }
            bits += width[c] * others;
        }
        long bitBytes = (bits + 7) >>> 3;
        if (bytes.length - at != bitBytes) {
            throw new IOException("Corrupt bit columns: " + (bytes.length - at) + " bytes for " + bits + " bits");
        }
        if ((bits & 7) != 0 && (bytes[bytes.length - 1] & 0xFF) >>> (bits & 7) != 0) {
            throw new IOException("Corrupt bit columns: padding bits set");
        }
    }

    /** The headers' next byte. */
    private int nextByte() throws IOException {
        return byteAt(cursor++);
    }

    /** The headers' next zig-zag varint. */
    private long nextVarint() throws IOException {
        long zz = 0;
        for (int shift = 0; ; shift += 7) {
            if (shift > 63) {
                throw new IOException("Corrupt bit column: varint too long");
            }
            int v = nextByte();
            zz |= (long) (v & 0x7F) << shift;
            if ((v & 0x80) == 0) {
                break;
            }
        }
        return (zz >>> 1) ^ -(zz & 1);
    }

    /** The set bits among {@code count} bits from {@code position}. */
    private int ones(long position, int count) {
        int ones = 0;
        for (int done = 0; done < count; done += 64) {
            ones += Long.bitCount(bitsAt(position + done, Math.min(64, count - done)));
        }
        return ones;
    }

    /**
     * The set bits among the first {@code i} of sparse column {@code c}'s bit per row: the ones of the
     * 64-row blocks before row i from the column's rank directory, made at its first use (a month's
     * hour is read without counting up to some 700 bits), then those of i's block.
     */
    private int rank(int c, int i) {
        int[] blocks = ranks[c];
        if (blocks == null) {
            blocks = new int[(n >>> 6) + 1];
            for (int b = 1; b < blocks.length; b++) {
                blocks[b] = blocks[b - 1] + Long.bitCount(bitsAt(start[c] + ((long) (b - 1) << 6), 64));
            }
            ranks[c] = blocks;
        }
        int block = i >>> 6;
        return blocks[block] + Long.bitCount(bitsAt(start[c] + ((long) block << 6), i & 63));
    }

    /** The payload's length up to its bits: the headers after {@code from}. */
    int bitsFrom() {
        return bitsFrom;
    }

    /** Value {@code i} of column {@code c}; an IOException when it is no long. */
    long get(int c, int i) throws IOException {
        if (sparse[c]) {
            if (bitsAt(start[c] + i, 1) == 0) {
                return unshift(c, common[c]);
            }
            long other = start[c] + n + (long) width[c] * rank(c, i);
            return unshift(c, base[c] + bitsAt(other, width[c]));
        }
        long stored = bitsAt(start[c] + (long) width[c] * i, width[c]);
        return unshift(c, base[c] + stored); // the sum wraps as the writer's subtraction did
    }

    /** The values of column {@code c}, into the first n of {@code into}, read one after the other. */
    void column(int c, long[] into) throws IOException {
        int w = width[c];
        if (n == 0) {
            return; // no bits to read, whatever the width says
        }
        if (sparse[c]) {
            long other = start[c] + n;
            for (int i = 0; i < n; i++) {
                if (bitsAt(start[c] + i, 1) == 0) {
                    into[i] = unshift(c, common[c]);
                } else {
                    into[i] = unshift(c, base[c] + bitsAt(other, w));
                    other += w;
                }
            }
            return;
        }
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
