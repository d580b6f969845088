package io.reckon.jobs.reconcile;

import java.util.Arrays;

/** Writes columns of {@code n} values each into one {@link BitColumns} payload. */
final class BitColumnWriter {
    private final int n;
    private byte[] head = new byte[32];
    private int headLength;
    private long[] words = new long[8];
    private long bits;

    BitColumnWriter(int n) {
        this.n = n;
    }

    /** Adds a column: the first {@code n} of {@code values}. */
    void column(long[] values) {
        column(values, BitColumns.Stats.of(values, n));
    }

    /** Adds a column whose {@link BitColumns.Stats} are known. */
    void column(long[] values, BitColumns.Stats stats) {
        if (stats.isZeros()) {
            headByte(BitColumns.ZEROS);
            return;
        }
        int z = stats.zeros;
        headByte((stats.sparse ? BitColumns.SPARSE : stats.width) | (z > 0 ? 0x80 : 0));
        if (z > 0) {
            headByte(z);
        }
        if (stats.sparse) {
            headVarint(stats.common);
            headByte(stats.width);
        }
        headVarint(stats.base);
        if (stats.sparse) {
            for (int i = 0; i < n; i++) {
                put(BitColumns.divide(values[i], z) == stats.common ? 0 : 1, 1);
            }
            for (int i = 0; i < n; i++) {
                long v = BitColumns.divide(values[i], z);
                if (v != stats.common) {
                    put(v - stats.base, stats.width);
                }
            }
            return;
        }
        if (stats.width == 0) {
            return;
        }
        for (int i = 0; i < n; i++) {
            put(BitColumns.divide(values[i], z) - stats.base, stats.width);
        }
    }

    private void headVarint(long v) {
        long zz = (v << 1) ^ (v >> 63);
        while ((zz & ~0x7FL) != 0) {
            headByte((int) (zz & 0x7F) | 0x80);
            zz >>>= 7;
        }
        headByte((int) zz);
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
