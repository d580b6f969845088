package io.reckon.jobs.reconcile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.function.LongPredicate;
import org.apache.flink.api.common.state.MapState;

/**
 * The hours of a key with RocksDB: one map-state entry per UTC day ({@link HourDay}) while the day's
 * hours still change, one per UTC calendar month ({@link HourMonth}) for the days that have settled.
 * An entry per hour carried a RocksDB key (key group, key, namespace and hour, some 31 bytes) for some
 * 13 bytes of figures; a day's entry carries one key for up to 24 hours, their figures packed in bit
 * columns; a month's one key and one set of column headers for up to 744.
 *
 * <p>A record's hour reads and writes its day, whose other hours are re-packed with it. When days
 * settle ({@link #settle}), the day entries go into their months a week at a time (the weeks of a month
 * end on its 7th, 14th, 21st, 28th and last day) and are removed. A day entry is what its day holds,
 * whether or not the month holds hours of that day too: a late record for a day already in its month
 * copies the day out into an entry of its own, changed, so that a late record re-packs a day, not a
 * month; that entry stays (the month's hours of the day unread) until the day's hours are released.
 * The twelve baseline hours of an hour
 * a tick judges lie in four days (eight when they straddle midnight), each read once by the tick's
 * reader, with the one or two months that hold them.
 */
final class DayHourStore implements HourStore {

    private final MapState<Long, HourDay> days;
    private final MapState<Long, HourMonth> months;
    /**
     * Counts the calls that may write: a reader made before one forgets what it read (a week's days
     * settled during a tick leave their entries for the month, which the reader may hold as it was).
     */
    private long writes;

    private final MonthSettling settling;

    DayHourStore(MapState<Long, HourDay> days, MapState<Long, HourMonth> months) {
        this.days = days;
        this.months = months;
        this.settling = new MonthSettling(days, months);
    }

    @Override
    public HourBucket get(long hour) throws Exception {
        HourDay day = days.get(HourDay.dayOf(hour));
        if (day != null) {
            return day.get(HourDay.hourOfDay(hour));
        }
        long start = HourMonth.monthOf(hour);
        HourMonth month = months.get(start);
        return month == null ? null : month.get(HourMonth.offsetOf(hour, start));
    }

    @Override
    public void put(long hour, HourBucket bucket) throws Exception {
        writes++;
        long start = HourDay.dayOf(hour);
        days.put(start, dayAt(start).with(HourDay.hourOfDay(hour), bucket));
    }

    @Override
    public void remove(long hour) throws Exception {
        writes++;
        long start = HourDay.dayOf(hour);
        HourDay day = dayAt(start);
        HourDay rest = day.without(HourDay.hourOfDay(hour));
        if (rest == day) {
            return;
        }
        if (rest.isEmpty()) {
            days.remove(start);
            removeFromMonth(start);
        } else {
            days.put(start, rest);
        }
    }

    /**
     * The day starting at {@code start} as it stands: its entry, or else its hours in its month (perhaps
     * none: {@link HourDay#EMPTY}).
     */
    private HourDay dayAt(long start) throws Exception {
        HourDay day = days.get(start);
        if (day != null) {
            return day;
        }
        long monthStart = HourMonth.monthOf(start);
        HourMonth month = months.get(monthStart);
        return month == null ? HourDay.EMPTY : month.day(HourMonth.offsetOf(start, monthStart));
    }

    /** Takes the day starting at {@code start} out of its month, if the month holds hours of it. */
    private void removeFromMonth(long start) throws Exception {
        long monthStart = HourMonth.monthOf(start);
        HourMonth month = months.get(monthStart);
        int offset = HourMonth.offsetOf(start, monthStart);
        if (month != null && month.hoursOfDay(offset) != 0) {
            putMonth(monthStart, month.withoutDay(offset));
        }
    }

    private void putMonth(long start, HourMonth month) throws Exception {
        if (month == null) {
            months.remove(start);
        } else {
            months.put(start, month);
        }
    }

    /**
     * Reads and writes each day once, not once per hour: every key's hours of a savepoint with an
     * entry per hour come through here at the first start from it.
     */
    @Override
    public void putAbsent(SortedMap<Long, HourBucket> taken) throws Exception {
        writes++;
        long start = 0;
        HourDay read = null;
        HourDay day = null;
        for (Map.Entry<Long, HourBucket> e : taken.entrySet()) {
            long hourDay = HourDay.dayOf(e.getKey());
            if (day == null || hourDay != start) {
                writeIfChanged(start, read, day);
                start = hourDay;
                read = dayAt(start);
                day = read;
            }
            int h = HourDay.hourOfDay(e.getKey());
            if ((day.hours() & 1 << h) == 0) {
                day = day.with(h, e.getValue());
            }
        }
        writeIfChanged(start, read, day);
    }

    /** Reads and writes each day once for its hours among {@code hours}, as {@link #putAbsent} does. */
    @Override
    public void change(List<Long> hours, BucketChange change) throws Exception {
        writes++;
        long start = 0;
        HourDay read = null;
        HourDay day = null;
        for (long hour : hours) {
            long hourDay = HourDay.dayOf(hour);
            if (day == null || hourDay != start) {
                writeIfChanged(start, read, day);
                start = hourDay;
                read = dayAt(start);
                day = read;
            }
            int h = HourDay.hourOfDay(hour);
            HourBucket bucket = day.get(h);
            if (bucket == null) {
                bucket = new HourBucket();
            }
            change.apply(hour, bucket);
            day = day.with(h, bucket);
        }
        writeIfChanged(start, read, day);
    }

    private void writeIfChanged(long start, HourDay read, HourDay day) throws Exception {
        if (day != null && day != read && !day.isEmpty()) {
            days.put(start, day);
        }
    }

    /** The day starting at {@code dayStart} has matured: see {@link MonthSettling#settle}. */
    @Override
    public void settle(long dayStart) throws Exception {
        writes++;
        settling.settle(dayStart);
    }

    @Override
    public void forEach(HourTable.HourConsumer each) throws Exception {
        Set<Long> entries = new HashSet<>();
        for (Map.Entry<Long, HourDay> d : days.entries()) {
            entries.add(d.getKey());
            d.getValue().forEach(d.getKey(), each);
        }
        for (Map.Entry<Long, HourMonth> m : months.entries()) {
            m.getValue().forEach(m.getKey(), day -> !entries.contains(day), each);
        }
    }

    /**
     * Forgets the hours {@code gone} accepts, in the day entries and in the months. A day entry left
     * without hours is removed, and its day from its month too: the month's hours of it were
     * superseded by the entry.
     */
    @Override
    public void removeIf(LongPredicate gone) throws Exception {
        writes++;
        List<Long> starts = new ArrayList<>();
        List<HourDay> rests = new ArrayList<>();
        Set<Long> emptied = new HashSet<>();
        for (Map.Entry<Long, HourDay> d : days.entries()) {
            int keep = d.getValue().hours();
            for (int h = 0; h < HourDay.HOURS; h++) {
                if ((keep & 1 << h) != 0 && gone.test(d.getKey() + h * ReconSettings.HOUR_MS)) {
                    keep &= ~(1 << h);
                }
            }
            HourDay rest = d.getValue().keeping(keep);
            if (rest != d.getValue()) {
                starts.add(d.getKey());
                rests.add(rest);
                if (rest.isEmpty()) {
                    emptied.add(d.getKey());
                }
            }
        }
        List<Long> monthStarts = new ArrayList<>();
        List<HourMonth> monthRests = new ArrayList<>();
        for (Map.Entry<Long, HourMonth> m : months.entries()) {
            long start = m.getKey();
            HourMonth rest = m.getValue().keeping(offset -> {
                long hour = start + offset * ReconSettings.HOUR_MS;
                return !gone.test(hour) && !emptied.contains(HourDay.dayOf(hour));
            });
            if (rest != m.getValue()) {
                monthStarts.add(start);
                monthRests.add(rest);
            }
        }
        // Changed after the visits: the heap backend drops a key's map once it is empty.
        for (int i = 0; i < starts.size(); i++) {
            if (rests.get(i).isEmpty()) {
                days.remove(starts.get(i));
            } else {
                days.put(starts.get(i), rests.get(i));
            }
        }
        for (int i = 0; i < monthStarts.size(); i++) {
            putMonth(monthStarts.get(i), monthRests.get(i));
        }
    }

    /**
     * Each day entry and each month is read from state at most once per evaluation (with RocksDB a read
     * is a seek), and each hour decoded at most once, until the store is written to: then they are read
     * again.
     */
    @Override
    public Reader reader() {
        Map<Long, HourDay> read = new HashMap<>();
        Map<Long, HourMonth> readMonths = new HashMap<>();
        Map<Long, HourBucket> decoded = new HashMap<>();
        long[] seen = {writes};
        return hour -> {
            if (seen[0] != writes) {
                read.clear();
                readMonths.clear();
                decoded.clear();
                seen[0] = writes;
            }
            HourBucket b = decoded.get(hour);
            if (b == null && !decoded.containsKey(hour)) {
                long start = HourDay.dayOf(hour);
                HourDay day = read.get(start);
                if (day == null) {
                    day = days.get(start);
                    day = day == null ? HourDay.EMPTY : day;
                    read.put(start, day);
                }
                if (day != HourDay.EMPTY) {
                    b = day.get(HourDay.hourOfDay(hour));
                } else {
                    long monthStart = HourMonth.monthOf(hour);
                    HourMonth month = readMonths.get(monthStart);
                    if (month == null && !readMonths.containsKey(monthStart)) {
                        month = months.get(monthStart);
                        readMonths.put(monthStart, month);
                    }
                    b = month == null ? null : month.get(HourMonth.offsetOf(hour, monthStart));
                }
                decoded.put(hour, b);
            }
            return b;
        };
    }

    @Override
    public void clear() {
        writes++;
        days.clear();
        months.clear();
    }
}
