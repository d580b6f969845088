package io.reckon.jobs.reconcile;

/**
 * Columns of longs, each in as few bits per value as its spread needs (written by {@link
 * BitColumnWriter}, read by {@link BitColumnReader}): the figures of a day's hours
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

    /** 10^z, for z from 0 to {@link #MAX_ZEROS}. */
    static long pow10(int z) {
        return TEN[z];
    }

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
