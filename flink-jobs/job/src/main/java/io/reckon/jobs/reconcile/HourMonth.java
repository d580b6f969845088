package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.ReconSettings.HOUR_MS;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.function.LongPredicate;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The settled hours of one key in one UTC calendar month, the unit of the hours with RocksDB once
 * their days have matured ({@link DayHourStore}): one state entry and one set of {@link PackedHours}
 * columns for up to 744 hours, where an entry per day carried a RocksDB key (some 31 bytes) and its
 * own flags and ten column headers (some 35 bytes) for each day. A calendar month is a billing period
 * of the default anchor day, so a period's hours are one entry.
 *
 * <p>An hour is read without decoding the others: which hours have a bucket is a bit per hour of the
 * month (an hour's row is the count of set bits before it), and a row's figures are read from the
 * columns where they lie. A change re-packs the month; that happens when a week's settled days go in
 * ({@link #withDays}, up to five times a month per key) and when hours are released. Immutable.
 *
 * <p>The layout: the hours as {@link PackedHourTable#writeRuns runs} of offsets from the month's start,
 * then the payload after its length.
 */
final class HourMonth {

    /** The hours of the longest month. */
    static final int MAX_HOURS = 31 * HourDay.HOURS;

    private static final int WORDS = (MAX_HOURS + 63) / 64;

    /** Bit o: the hour o hours after the month's start has a bucket. */
    private final long[] hours;

    private final int n;
    /** The {@link PackedHours} payload of the hours' buckets, in the order of the hours. */
    private final byte[] payload;
    /** The columns' reader, made when the month is read and at the first read of an hour otherwise. */
    private BitColumnReader reader;

    private HourMonth(long[] hours, byte[] payload) {
        this.hours = hours;
        this.payload = payload;
        int count = 0;
        for (long w : hours) {
            count += Long.bitCount(w);
        }
        this.n = count;
    }

    /** The start of the UTC calendar month holding {@code time}. */
    static long monthOf(long time) {
        long day = Math.floorDiv(time, HourDay.DAY_MS);
        return LocalDate.ofEpochDay(day).withDayOfMonth(1).toEpochDay() * HourDay.DAY_MS;
    }

    /** The hours from {@code monthStart} to {@code hour}, the start of an hour of that month. */
    static int offsetOf(long hour, long monthStart) {
        return (int) ((hour - monthStart) / HOUR_MS);
    }

    int size() {
        return n;
    }

    boolean has(int offset) {
        return (hours[offset >>> 6] & 1L << offset) != 0;
    }

    /** The bucket of the hour {@code offset} hours after the month's start (a new object), or null. */
    HourBucket get(int offset) {
        if (!has(offset)) {
            return null;
        }
        try {
            return PackedHours.bucket(reader(), payload[0], rowOf(offset));
        } catch (IOException e) {
            throw new UncheckedIOException("Corrupt packed hours in a month of hours", e);
        }
    }

    /** The hours of the day starting {@code dayOffset} hours after the month's start: bit h, hour h. */
    int hoursOfDay(int dayOffset) {
        int mask = 0;
        for (int h = 0; h < HourDay.HOURS; h++) {
            if (has(dayOffset + h)) {
                mask |= 1 << h;
            }
        }
        return mask;
    }

    /** The day starting {@code dayOffset} hours after the month's start, as it is here (perhaps empty). */
    HourDay day(int dayOffset) {
        int mask = hoursOfDay(dayOffset);
        int[] hoursOfDay = new int[HourDay.HOURS];
        HourBucket[] buckets = new HourBucket[HourDay.HOURS];
        int count = 0;
        for (int h = 0; h < HourDay.HOURS; h++) {
            if ((mask & 1 << h) != 0) {
                hoursOfDay[count] = h;
                buckets[count++] = get(dayOffset + h);
            }
        }
        return HourDay.of(hoursOfDay, buckets, count);
    }

    /**
     * A day's hours ready to go into its month: the offset of its first hour in the month, its hours (bit
     * h: hour h) and their figures as {@link PackedHours} columns.
     */
    record DayColumns(int offset, int hours, long[][] columns) {

        /** The day starting {@code offset} hours after its month's start, or null when a figure has no packed form. */
        static DayColumns of(int offset, HourDay day) {
            long[][] columns = day.columns();
            return columns == null ? null : new DayColumns(offset, day.hours(), columns);
        }
    }

    /**
     * {@code month} (null: none yet) with the hours of each of {@code days} (ascending, distinct, at
     * least one with hours) replaced by the day's: the month is decoded and packed once for all of them.
     */
    static HourMonth withDays(HourMonth month, List<DayColumns> days) {
        int[] offsets = month == null ? new int[0] : month.offsets();
        long[][] columns = month == null ? null : month.columns();
        int bound = offsets.length;
        for (DayColumns d : days) {
            bound += Integer.bitCount(d.hours());
        }
        int[] nextOffsets = new int[bound];
        long[][] next = new long[PackedHours.COLUMNS][bound];
        int i = 0;
        int row = 0;
        for (DayColumns d : days) {
            for (; i < offsets.length && offsets[i] < d.offset(); i++, row++) {
                copyRow(columns, i, next, row);
                nextOffsets[row] = offsets[i];
            }
            while (i < offsets.length && offsets[i] < d.offset() + HourDay.HOURS) {
                i++; // replaced by the day's
            }
            int k = 0;
            for (int h = 0; h < HourDay.HOURS; h++) {
                if ((d.hours() & 1 << h) != 0) {
                    copyRow(d.columns(), k++, next, row);
                    nextOffsets[row++] = d.offset() + h;
                }
            }
        }
        for (; i < offsets.length; i++, row++) {
            copyRow(columns, i, next, row);
            nextOffsets[row] = offsets[i];
        }
        if (row == 0) {
            throw new IllegalArgumentException("no hours to put in a month");
        }
        return of(nextOffsets, next, row);
    }

    private static void copyRow(long[][] from, int i, long[][] to, int row) {
        for (int c = 0; c < PackedHours.COLUMNS; c++) {
            to[c][row] = from[c][i];
        }
    }

    /** This month without the day starting {@code dayOffset} hours after its start; null when nothing is left. */
    HourMonth withoutDay(int dayOffset) {
        return keeping(o -> o < dayOffset || o >= dayOffset + HourDay.HOURS);
    }

    /** This month with only the hours whose offsets {@code keep} accepts: itself when it keeps all, null when none. */
    HourMonth keeping(IntPredicate keep) {
        int[] offsets = offsets();
        boolean[] kept = new boolean[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            kept[i] = keep.test(offsets[i]);
            count += kept[i] ? 1 : 0;
        }
        if (count == n) {
            return this;
        }
        if (count == 0) {
            return null;
        }
        long[][] columns = columns();
        int[] nextOffsets = new int[count];
        long[][] next = new long[PackedHours.COLUMNS][count];
        int row = 0;
        for (int i = 0; i < n; i++) {
            if (kept[i]) {
                nextOffsets[row] = offsets[i];
                copyRow(columns, i, next, row++);
            }
        }
        return of(nextOffsets, next, count);
    }

    /**
     * Hands each hour of the month starting at {@code monthStart} whose day {@code dayWanted} accepts
     * (by the day's start), and its bucket, to {@code each}, in order.
     */
    void forEach(long monthStart, LongPredicate dayWanted, HourTable.HourConsumer each) throws Exception {
        int[] offsets = offsets();
        long[][] columns = columns();
        for (int i = 0; i < n; i++) {
            long hour = monthStart + offsets[i] * HOUR_MS;
            if (dayWanted.test(HourDay.dayOf(hour))) {
                each.accept(hour, PackedHours.bucket(columns, i));
            }
        }
    }

    /** Writes the month as {@link #read} reads it. */
    void write(DataOutputView out) throws IOException {
        int[] offsets = offsets();
        long[] starts = new long[n];
        for (int i = 0; i < n; i++) {
            starts[i] = offsets[i] * HOUR_MS;
        }
        PackedHourTable.writeRuns(starts, n, out);
        PackedHourTable.writePayload(payload, out);
    }

    /** Reads a month {@link #write} wrote, checked: corrupt bytes give an {@link IOException}. */
    static HourMonth read(DataInputView in) throws IOException {
        PackedHourTable.Runs runs = PackedHourTable.readRuns(in, MAX_HOURS);
        long[] hours = new long[WORDS];
        for (int r = 0; r < runs.firsts().length; r++) {
            long first = runs.firsts()[r];
            if (first < 0 || first + runs.lengths()[r] > MAX_HOURS) {
                throw new IOException("Corrupt month of hours: hours " + first + " to " + (first + runs.lengths()[r]));
            }
            for (int o = (int) first; o < first + runs.lengths()[r]; o++) {
                hours[o >>> 6] |= 1L << o;
            }
        }
        HourMonth month = new HourMonth(hours, PackedHourTable.readPayload(in, runs.n()));
        month.reader = PackedHours.reader(month.payload, month.n);
        return month;
    }

    /** The month of the given ascending offsets and the first {@code count} rows of their columns. */
    static HourMonth of(int[] offsets, long[][] columns, int count) {
        long[] hours = new long[WORDS];
        for (int i = 0; i < count; i++) {
            hours[offsets[i] >>> 6] |= 1L << offsets[i];
        }
        return new HourMonth(hours, PackedHours.pack(columns, count));
    }

    /** The offsets of the month's hours, ascending. */
    private int[] offsets() {
        int[] offsets = new int[n];
        int i = 0;
        for (int w = 0; w < WORDS; w++) {
            for (long bits = hours[w]; bits != 0; bits &= bits - 1) {
                offsets[i++] = (w << 6) + Long.numberOfTrailingZeros(bits);
            }
        }
        return offsets;
    }

    private long[][] columns() {
        try {
            return PackedHours.unpack(reader(), payload[0] & 0xFF, n);
        } catch (IOException e) {
            throw new UncheckedIOException("Corrupt packed hours in a month of hours", e);
        }
    }

    /** The row of the hour {@code offset}: how many of the month's hours come before it. */
    private int rowOf(int offset) {
        int row = 0;
        int word = offset >>> 6;
        for (int w = 0; w < word; w++) {
            row += Long.bitCount(hours[w]);
        }
        return row + Long.bitCount(hours[word] & ((1L << offset) - 1));
    }

    private BitColumnReader reader() throws IOException {
        if (reader == null) {
            reader = PackedHours.reader(payload, n);
        }
        return reader;
    }
}
