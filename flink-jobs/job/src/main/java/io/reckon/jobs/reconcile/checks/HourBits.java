package io.reckon.jobs.reconcile.checks;

/**
 * One bit per hour of a billing period (at most 744 hours, 12 words): which hours hold usage, which
 * hold reports, which were judged a spike or a drop, which must be judged again. Bit i stands for the
 * hour {@code start + i} hours. The signal checks ask "which hours of this range hold reports?" many
 * times per evaluation; bits answer without reading hourly state (a seek each on RocksDB).
 */
public final class HourBits {

    private HourBits() {}

    /** Bits for {@code hours} hours, all clear. */
    public static long[] create(int hours) {
        return new long[(Math.max(hours, 0) + 63) >>> 6];
    }

    public static boolean get(long[] bits, int i) {
        return i >= 0 && (i >>> 6) < bits.length && (bits[i >>> 6] & (1L << i)) != 0;
    }

    public static void set(long[] bits, int i) {
        bits[i >>> 6] |= 1L << i;
    }

    public static void clear(long[] bits, int i) {
        bits[i >>> 6] &= ~(1L << i);
    }

    public static void put(long[] bits, int i, boolean value) {
        if (value) {
            set(bits, i);
        } else {
            clear(bits, i);
        }
    }

    /** The first set bit in [from, to), or -1. */
    public static int nextSet(long[] bits, int from, int to) {
        int limit = Math.min(to, bits.length << 6);
        int i = Math.max(from, 0);
        while (i < limit) {
            long word = bits[i >>> 6] & (-1L << i);
            if (word != 0) {
                int found = ((i >>> 6) << 6) + Long.numberOfTrailingZeros(word);
                return found < limit ? found : -1;
            }
            i = ((i >>> 6) + 1) << 6;
        }
        return -1;
    }

    /** The first clear bit in [from, to), or -1 (bits past the array are clear). */
    public static int nextClear(long[] bits, int from, int to) {
        int i = Math.max(from, 0);
        while (i < to) {
            if ((i >>> 6) >= bits.length) {
                return i;
            }
            long word = ~bits[i >>> 6] & (-1L << i);
            if (word != 0) {
                int found = ((i >>> 6) << 6) + Long.numberOfTrailingZeros(word);
                return found < to ? found : -1;
            }
            i = ((i >>> 6) + 1) << 6;
        }
        return -1;
    }

    /** The last set bit in [from, to), or -1. */
    public static int previousSet(long[] bits, int from, int to) {
        int low = Math.max(from, 0);
        int i = Math.min(to, bits.length << 6) - 1;
        while (i >= low) {
            long word = bits[i >>> 6] & (-1L >>> (63 - (i & 63)));
            if (word != 0) {
                int found = ((i >>> 6) << 6) + 63 - Long.numberOfLeadingZeros(word);
                return found >= low ? found : -1;
            }
            i = ((i >>> 6) << 6) - 1;
        }
        return -1;
    }

    /** How many bits are set in [from, to). */
    public static int count(long[] bits, int from, int to) {
        int low = Math.max(from, 0);
        int high = Math.min(to, bits.length << 6);
        int n = 0;
        for (int w = low >>> 6; w <= (high - 1) >>> 6 && low < high; w++) {
            long word = bits[w];
            if (w == low >>> 6) {
                word &= -1L << low;
            }
            if (w == (high - 1) >>> 6) {
                word &= -1L >>> (63 - ((high - 1) & 63));
            }
            n += Long.bitCount(word);
        }
        return n;
    }

    public static boolean any(long[] bits) {
        for (long w : bits) {
            if (w != 0) {
                return true;
            }
        }
        return false;
    }
}
