package io.reckon.jobs.reconcile;

/**
 * Columns of longs, each in as few bits per value as its spread needs (written by {@link
 * BitColumnWriter}, read by {@link BitColumnReader}): the figures of a day's hours
 * ({@link PackedHours}), where a column (say the usage sums of 24 hours) holds values of similar size
 * and a varint per value would spend whole bytes on each.
 *
 * <p>A column is written as a header and its values' bits, dense or sparse, whichever is shorter. A
 * dense header: one byte of the width w (0 to 64) with bit 7 set when a byte z follows (the decimal
 * zeros every value ends in, 1 to 18), then the smallest value divided by 10^z as a zig-zag varint (the
 * base). Each value is then (value / 10^z - base) in w bits: a column of equal values takes its header
 * alone. A sparse column is for a column many of whose rows hold one value (a reported figure written
 * as its difference from the measured one: 0 in every hour reported as measured): its header is the byte
 * {@link #SPARSE} (bit 7 and z as for a dense one), the common value divided by 10^z as a zig-zag
 * varint, then the width and base of the other values as a dense header has them (without z); its bits
 * are one per row (set for a row of another value), then each other value in w bits, in the order of
 * the rows. A column of zeros is the byte {@link #ZEROS} alone. A payload is the headers of all its columns, then all their bits in one stream, low bit
 * first, padded with zeros to a whole byte.
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

    /** The header byte's low seven bits of a sparse column (a dense column's are its width, 0 to 64). */
    static final int SPARSE = 0x7F;

    /** The header byte, alone, of a column of zeros (a reported count, all hours reported as measured). */
    static final int ZEROS = 0x7E;

    /** What a column's header holds, and the bits it takes. */
    static final class Stats {
        final int zeros;
        /** Dense: the smallest value. Sparse: the smallest of the values other than {@link #common}. */
        final long base;
        /** Dense: the bits of each value. Sparse: the bits of each value other than {@link #common}. */
        final int width;

        final boolean sparse;
        /** Sparse: the value most rows hold. */
        final long common;
        /** Bits of the column, header included. */
        final long bits;

        private Stats(int zeros, long base, int width, int n) {
            this.zeros = zeros;
            this.base = base;
            this.width = width;
            this.sparse = false;
            this.common = 0;
            this.bits = isZeros() ? 8 : 8L * (1 + (zeros > 0 ? 1 : 0) + varintBytes(base)) + (long) width * n;
        }

        private Stats(int zeros, long common, long base, int width, int n, int others) {
            this.zeros = zeros;
            this.base = base;
            this.width = width;
            this.sparse = true;
            this.common = common;
            this.bits = 8L * (2 + (zeros > 0 ? 1 : 0) + varintBytes(common) + varintBytes(base))
                    + n
                    + (long) width * others;
        }

        /** Whether every value is 0: the header byte {@link #ZEROS} alone. */
        boolean isZeros() {
            return !sparse && width == 0 && base == 0 && zeros == 0;
        }

        /** The column of the first {@code n} of {@code values}, dense or sparse, whichever is shorter. */
        static Stats of(long[] values, int n) {
            if (n == 0) {
                return new Stats(0, 0, 0, 0);
            }
            int z = zerosOf(values, n);
            long base = Long.MAX_VALUE;
            long top = Long.MIN_VALUE;
            // The common value of a sparse column: the majority value if there is one (Boyer and
            // Moore's vote), or 0 (a difference column's rows reported as measured) if that is shorter.
            long candidate = 0;
            int votes = 0;
            for (int i = 0; i < n; i++) {
                long v = divide(values[i], z);
                base = Math.min(base, v);
                top = Math.max(top, v);
                if (votes == 0) {
                    candidate = v;
                    votes = 1;
                } else {
                    votes += v == candidate ? 1 : -1;
                }
            }
            Stats dense = new Stats(z, base, spread(base, top), n);
            if (dense.width == 0) {
                return dense;
            }
            Stats best = dense;
            for (Stats sparse :
                    new Stats[] {sparse(values, n, z, candidate), candidate == 0 ? null : sparse(values, n, z, 0)}) {
                if (sparse != null && sparse.bits < best.bits) {
                    best = sparse;
                }
            }
            return best;
        }

        private static Stats sparse(long[] values, int n, int z, long common) {
            long base = Long.MAX_VALUE;
            long top = Long.MIN_VALUE;
            int others = 0;
            for (int i = 0; i < n; i++) {
                long v = divide(values[i], z);
                if (v != common) {
                    others++;
                    base = Math.min(base, v);
                    top = Math.max(top, v);
                }
            }
            return others == n ? null : new Stats(z, common, base, spread(base, top), n, others);
        }

        /** Bits of top - base, unsigned. */
        private static int spread(long base, long top) {
            return 64 - Long.numberOfLeadingZeros(top - base);
        }

        private static int varintBytes(long v) {
            long zz = (v << 1) ^ (v >> 63);
            return Math.max(1, (64 - Long.numberOfLeadingZeros(zz) + 6) / 7);
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
