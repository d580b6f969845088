package io.reckon.jobs.reconcile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.LongPredicate;
import org.apache.flink.api.common.state.MapState;

/**
 * The hours of a key as one map-state entry per UTC day ({@link HourDay}): the layout for RocksDB.
 * An entry per hour carried a RocksDB key (key group, key, namespace and hour, some 31 bytes) for
 * some 13 bytes of figures; a day's entry carries one key for up to 24 hours, their figures packed in
 * bit columns. A record's hour reads and writes its day, whose other hours are re-packed with it; the
 * twelve baseline hours of an hour a tick judges lie in four days (eight when they straddle midnight),
 * each read once by the tick's reader.
 */
final class DayHourStore implements HourStore {

    private final MapState<Long, HourDay> days;

    DayHourStore(MapState<Long, HourDay> days) {
        this.days = days;
    }

    @Override
    public HourBucket get(long hour) throws Exception {
        HourDay day = days.get(HourDay.dayOf(hour));
        return day == null ? null : day.get(HourDay.hourOfDay(hour));
    }

    @Override
    public void put(long hour, HourBucket bucket) throws Exception {
        long start = HourDay.dayOf(hour);
        HourDay day = days.get(start);
        days.put(start, (day == null ? HourDay.EMPTY : day).with(HourDay.hourOfDay(hour), bucket));
    }

    @Override
    public void remove(long hour) throws Exception {
        long start = HourDay.dayOf(hour);
        HourDay day = days.get(start);
        if (day != null) {
            HourDay rest = day.without(HourDay.hourOfDay(hour));
            if (rest.isEmpty()) {
                days.remove(start);
            } else if (rest != day) {
                days.put(start, rest);
            }
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
                read = days.get(start);
                day = read == null ? HourDay.EMPTY : read;
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

    /** Packs the day's figures in bit columns ({@link HourDay#settled}), once. */
    @Override
    public void settle(long dayStart) throws Exception {
        HourDay day = days.get(dayStart);
        if (day != null) {
            HourDay settled = day.settled();
            if (settled != day) {
                days.put(dayStart, settled);
            }
        }
    }

    @Override
    public void forEach(HourTable.HourConsumer each) throws Exception {
        for (Map.Entry<Long, HourDay> d : days.entries()) {
            d.getValue().forEach(d.getKey(), each);
        }
    }

    @Override
    public void removeIf(LongPredicate gone) throws Exception {
        List<Long> starts = new ArrayList<>();
        List<HourDay> rests = new ArrayList<>();
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
            }
        }
        // Changed after the visit: the heap backend drops a key's map once it is empty.
        for (int i = 0; i < starts.size(); i++) {
            if (rests.get(i).isEmpty()) {
                days.remove(starts.get(i));
            } else {
                days.put(starts.get(i), rests.get(i));
            }
        }
    }

    /**
     * Each day is read from state at most once per evaluation (with RocksDB a read is a seek), and each
     * hour decoded at most once.
     */
    @Override
    public Reader reader() {
        Map<Long, HourDay> read = new HashMap<>();
        Map<Long, HourBucket> decoded = new HashMap<>();
        return hour -> {
            HourBucket b = decoded.get(hour);
            if (b == null && !decoded.containsKey(hour)) {
                long start = HourDay.dayOf(hour);
                HourDay day = read.get(start);
                if (day == null) {
                    day = days.get(start);
                    read.put(start, day == null ? HourDay.EMPTY : day);
                }
                b = day == null ? null : day.get(HourDay.hourOfDay(hour));
                decoded.put(hour, b);
            }
            return b;
        };
    }

    @Override
    public void clear() {
        days.clear();
    }
}
