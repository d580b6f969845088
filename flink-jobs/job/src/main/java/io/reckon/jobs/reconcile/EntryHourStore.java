package io.reckon.jobs.reconcile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongPredicate;
import org.apache.flink.api.common.state.MapState;

/**
 * The hours of a key as one map-state entry each: the layout of the first state layout, and of
 * RocksDB's until an entry per day ({@link DayHourStore}) replaced it; read only to take a savepoint's
 * hours over.
 */
final class EntryHourStore implements HourStore {

    /** What a {@link Reader} holds for an hour read and found empty. */
    private static final HourBucket EMPTY = new HourBucket();

    private final MapState<Long, HourBucket> hours;

    EntryHourStore(MapState<Long, HourBucket> hours) {
        this.hours = hours;
    }

    @Override
    public HourBucket get(long hour) throws Exception {
        return hours.get(hour);
    }

    @Override
    public void put(long hour, HourBucket bucket) throws Exception {
        hours.put(hour, bucket);
    }

    @Override
    public void remove(long hour) throws Exception {
        hours.remove(hour);
    }

    @Override
    public void forEach(HourTable.HourConsumer each) throws Exception {
        for (Map.Entry<Long, HourBucket> h : hours.entries()) {
            each.accept(h.getKey(), h.getValue());
        }
    }

    @Override
    public void removeIf(LongPredicate gone) throws Exception {
        List<Long> removed = new ArrayList<>();
        for (Long hour : hours.keys()) {
            if (gone.test(hour)) {
                removed.add(hour);
            }
        }
        // Removed one by one after the visit: the heap backend drops a key's map once it is empty.
        for (Long hour : removed) {
            hours.remove(hour);
        }
    }

    /** Each hour is read from state at most once per evaluation: with RocksDB a read is a seek. */
    @Override
    public Reader reader() {
        Map<Long, HourBucket> read = new HashMap<>();
        return hour -> {
            HourBucket b = read.get(hour);
            if (b == null) {
                b = hours.get(hour);
                read.put(hour, b == null ? EMPTY : b);
            }
            return b == EMPTY ? null : b;
        };
    }

    @Override
    public void clear() {
        hours.clear();
    }
}
