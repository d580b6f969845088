package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.ReconSettings.HOUR_MS;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The hourly buckets of one key in one UTC day, kept encoded: which of the 24 hours have a bucket (a
 * bit each), and their figures, in one of two forms. Per hour: each bucket in {@link
 * HourBucketSerializer}'s encoding after its length as a varint, in the order of the hours; a change
 * of an hour copies the other hours' bytes as they are. Packed ({@link PackedHours}): the figures of
 * all the day's hours as bit columns, an hour reported as measured costing no bit for its reports;
 * about half the bytes of the per-hour form for a day of usage and reports in every hour, but a change of an hour
 * re-packs the day.
 *
 * <p>So a day is packed once its hours have matured ({@link #settled}, at the tick that matures its
 * last hour), when records in time order have stopped changing it, and then stays packed: a late
 * record re-packs it. A day has four hours or more to be packed (fewer take less per hour) and every
 * figure's unscaled value in a long (otherwise it stays per hour). Days written before the packed form
 * are in the per-hour form and read as they were. Immutable: {@link #with} and {@link #without} return
 * a new day.
 *
 * <p>The unit of the hours with RocksDB ({@link DayHourStore}): one state entry per key and day
 * instead of one per hour, so that a key's 744 hours of a 31-day period carry 31 RocksDB keys (key
 * group, key, namespace and day: some 31 bytes each) instead of 744. An hour is read without decoding
 * the others.
 */
final class HourDay {

    static final int HOURS = 24;
    static final long DAY_MS = HOURS * HOUR_MS;
    static final int ALL_HOURS = (1 << HOURS) - 1;

    static final HourDay EMPTY = new HourDay(0, new byte[0], false);

    /**
     * A day of fewer hours stays per hour: a packed day's column headers (some 20 bytes) outweigh what
     * bits save on three hours (a bucket of three records reported as measured is 9 bytes per hour).
     */
    static final int PACKED_FROM_HOURS = 4;

    /** Bit h: hour h of the day has a bucket. */
    private final int hours;
    /**
     * Packed: the {@link PackedHours} payload of the set bits' buckets, ascending. Per hour: the buckets
     * of the set bits, ascending, each as a varint length and its bytes.
     */
    private final byte[] buckets;

    private final boolean packed;

    /** The packed columns' reader, made at the first read of an hour (an hour of a tick reads several). */
    private BitColumnReader reader;

    private HourDay(int hours, byte[] buckets, boolean packed) {
        this.hours = hours;
        this.buckets = buckets;
        this.packed = packed;
    }

    /**
     * The day of the given hours of the day (ascending, 0 to 23, distinct) and their buckets, packed at
     * once when it has {@link #PACKED_FROM_HOURS} hours or more and every figure fits in a long.
     */
    static HourDay of(int[] hoursOfDay, HourBucket[] buckets, int n) {
        int mask = 0;
        for (int i = 0; i < n; i++) {
            if (i > 0 && hoursOfDay[i] <= hoursOfDay[i - 1]) {
                throw new IllegalArgumentException("hours of a day out of order: " + hoursOfDay[i]);
            }
            mask |= 1 << hoursOfDay[i];
        }
        long[][] columns = n >= PACKED_FROM_HOURS ? PackedHours.columnsOf(buckets, n) : null;
        if (columns != null) {
            return new HourDay(mask, PackedHours.pack(columns, n), true);
        }
        HourDay day = EMPTY;
        for (int i = 0; i < n; i++) {
            day = day.withPerHour(hoursOfDay[i], buckets[i]);
        }
        return day;
    }

    /** A packed day of the given hours (not none) and payload, as {@link HourDaySerializer} reads them, checked. */
    static HourDay packed(int hours, byte[] payload) throws IOException {
        if (hours == 0 || (hours & ~ALL_HOURS) != 0) {
            throw new IOException("Corrupt hour day: packed hours " + Integer.toHexString(hours));
        }
        HourDay day = new HourDay(hours, payload, true);
        day.reader = PackedHours.reader(payload, Integer.bitCount(hours));
        return day;
    }

    /**
     * A day of the given hours and bytes, as {@link HourDaySerializer} reads them, checked: every hour
     * has a bucket of a length inside the bytes, and nothing follows the last.
     */
    static HourDay of(int hours, byte[] buckets) throws IOException {
        if ((hours & ~ALL_HOURS) != 0) {
            throw new IOException("Corrupt hour day: hours " + Integer.toHexString(hours));
        }
        HourDay day = new HourDay(hours, buckets, false);
        if (PerHourBuckets.offsetOf(hours, buckets, HOURS) != buckets.length) {
            throw new IOException(
                    "Corrupt hour day: " + buckets.length + " bytes for " + Integer.bitCount(hours) + " hours");
        }
        return day;
    }

    /** The start of the UTC day holding the hour that starts at {@code hour}. */
    static long dayOf(long hour) {
        return Math.floorDiv(hour, DAY_MS) * DAY_MS;
    }

    /** The hour of its day, 0 to 23, of the hour that starts at {@code hour}. */
    static int hourOfDay(long hour) {
        return (int) Math.floorMod(Math.floorDiv(hour, HOUR_MS), (long) HOURS);
    }

    int hours() {
        return hours;
    }

    /** The packed payload, or the per-hour buckets' bytes ({@link #isPacked}). */
    byte[] buckets() {
        return buckets;
    }

    boolean isPacked() {
        return packed;
    }

    boolean isEmpty() {
        return hours == 0;
    }

    /** The bucket of hour {@code h} of the day (a new object each call), or null. */
    HourBucket get(int h) {
        if ((hours & 1 << h) == 0) {
            return null;
        }
        if (packed) {
            try {
                if (reader == null) {
                    reader = PackedHours.reader(buckets, Integer.bitCount(hours));
                }
                return PackedHours.bucket(reader, buckets[0], indexOf(h));
            } catch (IOException e) {
                throw new UncheckedIOException("Corrupt packed hours in a day of hours", e);
            }
        }
        return PerHourBuckets.decode(buckets, PerHourBuckets.offsetOf(hours, buckets, h));
    }

    /** This day with hour {@code h}'s bucket set to {@code bucket} (not null). */
    HourDay with(int h, HourBucket bucket) {
        if (bucket == null) {
            throw new IllegalArgumentException("an hour without records has no bucket: remove it");
        }
        int all = hours | 1 << h;
        boolean pack = packed && Integer.bitCount(all) >= PACKED_FROM_HOURS;
        long[] figures = pack ? PackedHours.figuresOf(bucket) : null;
        if (figures != null) {
            long[][] others = columnsOf(hours & ~(1 << h));
            if (others != null) {
                int n = Integer.bitCount(hours & ~(1 << h));
                int i = indexOf(h);
                long[][] next = new long[PackedHours.COLUMNS][n + 1];
                for (int c = 0; c < PackedHours.COLUMNS; c++) {
                    System.arraycopy(others[c], 0, next[c], 0, i);
                    next[c][i] = figures[c];
                    System.arraycopy(others[c], i, next[c], i + 1, n - i);
                }
                return new HourDay(all, PackedHours.pack(next, n + 1), true);
            }
        }
        return perHour().withPerHour(h, bucket);
    }

    /**
     * This day packed, when it is not and can be: four hours or more, every figure's unscaled value in a
     * long; otherwise itself.
     */
    HourDay settled() {
        if (packed || Integer.bitCount(hours) < PACKED_FROM_HOURS) {
            return this;
        }
        long[][] columns = columnsOf(hours);
        return columns == null ? this : new HourDay(hours, PackedHours.pack(columns, Integer.bitCount(hours)), true);
    }

    /** This day without hour {@code h}'s bucket (itself when it had none). */
    HourDay without(int h) {
        return keeping(hours & ~(1 << h));
    }

    /** This day with only the hours of {@code keep} (bit h: hour h), itself when it has no other. */
    HourDay keeping(int keep) {
        int rest = hours & keep;
        if (rest == hours) {
            return this;
        }
        if (rest == 0) {
            return EMPTY;
        }
        int n = Integer.bitCount(rest);
        if (packed && n >= PACKED_FROM_HOURS) {
            long[][] columns = columnsOf(rest);
            if (columns != null) {
                return new HourDay(rest, PackedHours.pack(columns, n), true);
            }
        }
        HourDay day = perHour();
        for (int h = 0; h < HOURS; h++) {
            if ((hours & ~rest & 1 << h) != 0) {
                day = day.withoutPerHour(h);
            }
        }
        return day;
    }

    /**
     * The figures of the day's hours as {@link PackedHours} columns, in the order of the hours, or null
     * when one has no packed form.
     */
    long[][] columns() {
        return columnsOf(hours);
    }

    /**
     * The figures of the hours of {@code keep} (some of this day's) as {@link PackedHours} columns, in the
     * order of the hours, or null when one has no packed form.
     */
    private long[][] columnsOf(int keep) {
        int n = Integer.bitCount(hours);
        long[][] columns = new long[PackedHours.COLUMNS][Integer.bitCount(keep)];
        long[][] all = null;
        if (packed) {
            try {
                if (reader == null) {
                    reader = PackedHours.reader(buckets, n);
                }
                all = PackedHours.unpack(reader, buckets[0], n);
            } catch (IOException e) {
                throw new UncheckedIOException("Corrupt packed hours in a day of hours", e);
            }
            if (keep == hours) {
                return all;
            }
        }
        int offset = 0;
        int i = 0;
        int row = 0;
        for (int h = 0; h < HOURS; h++) {
            if ((hours & 1 << h) == 0) {
                continue;
            }
            if ((keep & 1 << h) != 0) {
                long[] figures = packed ? null : PackedHours.figuresOf(PerHourBuckets.decode(buckets, offset));
                if (!packed && figures == null) {
                    return null;
                }
                for (int c = 0; c < PackedHours.COLUMNS; c++) {
                    columns[c][row] = packed ? all[c][i] : figures[c];
                }
                row++;
            }
            if (!packed) {
                offset = PerHourBuckets.nextOffset(buckets, offset);
            }
            i++;
        }
        return columns;
    }

    /** This day in the per-hour form: itself when it is in it. */
    private HourDay perHour() {
        if (!packed) {
            return this;
        }
        long[][] columns = columnsOf(hours);
        HourDay day = EMPTY;
        int i = 0;
        for (int h = 0; h < HOURS; h++) {
            if ((hours & 1 << h) != 0) {
                day = day.withPerHour(h, PackedHours.bucket(columns, i++));
            }
        }
        return day;
    }

    /** {@link #with} in the per-hour form, of a day in it: the other hours' bytes are copied as they are. */
    private HourDay withPerHour(int h, HourBucket bucket) {
        return new HourDay(hours | 1 << h, PerHourBuckets.with(hours, buckets, h, bucket), false);
    }

    /** {@link #without} in the per-hour form, of a day in it with hour {@code h}. */
    private HourDay withoutPerHour(int h) {
        return new HourDay(hours & ~(1 << h), PerHourBuckets.without(hours, buckets, h), false);
    }

    /** Hands each hour of the day that has a bucket, and its bucket, to {@code each}, in order. */
    void forEach(long day, HourTable.HourConsumer each) throws Exception {
        if (packed) {
            long[][] columns = columnsOf(hours);
            int i = 0;
            for (int h = 0; h < HOURS; h++) {
                if ((hours & 1 << h) != 0) {
                    each.accept(day + h * HOUR_MS, PackedHours.bucket(columns, i++));
                }
            }
            return;
        }
        int offset = 0;
        for (int h = 0; h < HOURS; h++) {
            if ((hours & 1 << h) != 0) {
                each.accept(day + h * HOUR_MS, PerHourBuckets.decode(buckets, offset));
                offset = PerHourBuckets.nextOffset(buckets, offset);
            }
        }
    }

    /** The row of hour {@code h} among the day's hours: how many of them come before it. */
    private int indexOf(int h) {
        return Integer.bitCount(hours & ((1 << h) - 1));
    }
}
