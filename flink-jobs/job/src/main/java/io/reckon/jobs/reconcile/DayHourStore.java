package io.reckon.jobs.reconcile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
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
 * settle ({@link #settle}), the day entries up to them go into their months, a week of them at a time
 * and at the end of each month, and are removed. A day
 * entry is what its day holds, whether or not the month holds hours of that day too: a late record for
 * a settled day copies the day out of its month into an entry of its own, changed, and the next settle
 * puts it back, so that a late record re-packs a day, not a month. The twelve baseline hours of an hour
 * a tick judges lie in four days (eight when they straddle midnight), each read once by the tick's
 * reader, with the one or two months that hold them.
 */
final class DayHourStore implements HourStore {

    private final MapState<Long, HourDay> days;
    private final MapState<Long, HourMonth> months;

    DayHourStore(MapState<Long, HourDay> days, MapState<Long, HourMonth> months) {
        this.days = days;
        this.months = months;
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
        long start = HourDay.dayOf(hour);
        days.put(start, dayAt(start).with(HourDay.hourOfDay(hour), bucket));
    }

    @Override
    public void remove(long hour) throws Exception {
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

    private void writeIfChanged(long start, HourDay read, HourDay day) throws Exception {
        if (day != null && day != read && !day.isEmpty()) {
            days.put(start, day);
        }
    }

    /**
     * Puts every day entry up to the day starting at {@code dayStart} into its month, each month decoded
     * and packed once, when a week of them waits ({@link #DAYS_PER_MERGE}), the month of {@code dayStart}
     * ends with it, or one of them is of an earlier month; until then each waits packed ({@link
     * HourDay#settled}). A day one of whose figures has no packed form stays an entry.
     */
    @Override
    public void settle(long dayStart) throws Exception {
        TreeMap<Long, HourDay> settled = new TreeMap<>();
        for (Map.Entry<Long, HourDay> d : days.entries()) {
            if (d.getKey() <= dayStart) {
                settled.put(d.getKey(), d.getValue());
            }
        }
        if (settled.isEmpty()) {
            return;
        }
        long month = HourMonth.monthOf(dayStart);
        boolean merge = settled.size() >= DAYS_PER_MERGE
                || HourMonth.monthOf(dayStart + HourDay.DAY_MS) != month
                || settled.firstKey() < month;
        if (!merge) {
            for (Map.Entry<Long, HourDay> d : settled.entrySet()) {
                HourDay packed = d.getValue().settled();
                if (packed != d.getValue()) {
                    days.put(d.getKey(), packed);
                }
            }
            return;
        }
        while (!settled.isEmpty()) {
            long monthStart = HourMonth.monthOf(settled.firstKey());
            SortedMap<Long, HourDay> ofMonth = settled.headMap(HourMonth.monthOf(monthStart + 32 * HourDay.DAY_MS));
            mergeIntoMonth(monthStart, ofMonth);
            ofMonth.clear();
        }
    }

    /**
     * Days waiting in entries before they go into their month together: a month is decoded and packed
     * once a week, not once a day.
     */
    static final int DAYS_PER_MERGE = 7;

    /** Puts {@code settled}, days of the month starting at {@code monthStart}, into it, and removes their entries. */
    private void mergeIntoMonth(long monthStart, SortedMap<Long, HourDay> settled) throws Exception {
        List<HourMonth.DayColumns> merged = new ArrayList<>();
        for (Map.Entry<Long, HourDay> d : settled.entrySet()) {
            HourMonth.DayColumns columns =
                    HourMonth.DayColumns.of(HourMonth.offsetOf(d.getKey(), monthStart), d.getValue());
            if (columns == null) {
                HourDay packed = d.getValue().settled();
                if (packed != d.getValue()) {
                    days.put(d.getKey(), packed);
                }
            } else {
                merged.add(columns);
            }
        }
        if (merged.isEmpty()) {
            return;
        }
        months.put(monthStart, HourMonth.withDays(months.get(monthStart), merged));
        for (HourMonth.DayColumns d : merged) {
            days.remove(monthStart + d.offset() * ReconSettings.HOUR_MS);
        }
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
     * is a seek), and each hour decoded at most once.
     */
    @Override
    public Reader reader() {
        Map<Long, HourDay> read = new HashMap<>();
        Map<Long, HourMonth> readMonths = new HashMap<>();
        Map<Long, HourBucket> decoded = new HashMap<>();
        return hour -> {
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
        days.clear();
        months.clear();
    }
}
