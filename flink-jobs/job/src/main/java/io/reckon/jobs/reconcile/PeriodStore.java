package io.reckon.jobs.reconcile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;

/**
 * A key's periods in state: a map by start, and the ascending index of starts, so that a timer reads
 * its periods with point lookups, not an iterator. While a watermark's timers fire they may be held
 * ({@link PeriodCache}): read once per key and written back once.
 */
final class PeriodStore {

    private final MapState<Long, PeriodState> byStart;
    /** The starts of {@link #byStart}, ascending. */
    private final ValueState<long[]> startIndex;

    private final LegacyLayout legacy;
    private final PeriodCache cache = new PeriodCache();

    PeriodStore(MapState<Long, PeriodState> byStart, ValueState<long[]> startIndex, LegacyLayout legacy) {
        this.byStart = byStart;
        this.startIndex = startIndex;
        this.legacy = legacy;
    }

    /** The period starting at {@code start}, or null. */
    PeriodState get(long start) throws Exception {
        if (cache.active()) {
            return cached().get(start);
        }
        return read(start);
    }

    private PeriodState read(long start) throws Exception {
        PeriodState p = byStart.get(start);
        return p == null ? null : legacy.upgrade(p);
    }

    /** Whether the period starting at {@code start} is in state. */
    boolean contains(long start) throws Exception {
        return cache.active() ? cached().contains(start) : byStart.contains(start);
    }

    /**
     * From now on, until {@link #endHolding}, each key's periods are read once and written back once
     * ({@link PeriodCache}); {@code currentKey} names the keyed context's key.
     */
    void beginHolding(Supplier<Object> currentKey) {
        cache.begin(currentKey);
    }

    /** Whether the periods of enough keys are held that they should be written now ({@link #writeHeld}). */
    boolean holdingFull() {
        return cache.active() && cache.full();
    }

    /** Writes the held periods, each key's after {@code selectKey} made it current; holding goes on. */
    void writeHeld(Consumer<Object> selectKey) throws Exception {
        cache.writeBack(selectKey, this::write);
    }

    /** Writes the held periods and stops holding them. */
    void endHolding(Consumer<Object> selectKey) throws Exception {
        cache.end(selectKey, this::write);
    }

    private PeriodCache.KeyPeriods cached() throws Exception {
        return cache.current(this::readAll);
    }

    private void write(PeriodCache.KeyPeriods changed) throws Exception {
        for (long start : changed.removed()) {
            byStart.remove(start);
        }
        for (long start : changed.written()) {
            byStart.put(start, changed.get(start));
        }
        long[] starts = changed.changedStarts();
        if (starts == null) {
            return;
        }
        if (starts.length == 0) {
            startIndex.clear();
        } else {
            startIndex.update(starts);
        }
    }

    void put(PeriodState p) throws Exception {
        if (cache.active()) {
            cached().put(p);
        } else {
            byStart.put(p.start, p);
        }
    }

    /** Every period in state, ascending. */
    List<PeriodState> all() throws Exception {
        return cache.active() ? cached().all() : readAll();
    }

    private List<PeriodState> readAll() throws Exception {
        long[] starts = readStarts();
        List<PeriodState> all = new ArrayList<>(starts.length);
        for (long start : starts) {
            PeriodState p = read(start);
            if (p == null) {
                // The index and the map are written together, so this is not expected; if it happens,
                // the map is the truth and the index is rebuilt from it.
                startIndex.clear();
                return readAll();
            }
            all.add(p);
        }
        return all;
    }

    /** The keys of the periods map, ascending; built from the map when the index is absent. */
    private long[] readStarts() throws Exception {
        long[] starts = startIndex.value();
        if (starts != null) {
            return starts;
        }
        List<Long> keys = new ArrayList<>();
        for (Long k : byStart.keys()) {
            keys.add(k);
        }
        starts = keys.stream().mapToLong(Long::longValue).sorted().toArray();
        if (starts.length > 0) {
            startIndex.update(starts);
        }
        return starts;
    }

    boolean isEmpty() throws Exception {
        return cache.active() ? cached().isEmpty() : readStarts().length == 0;
    }

    private void index(long start) throws Exception {
        long[] starts = readStarts();
        int at = Arrays.binarySearch(starts, start);
        if (at >= 0) {
            return;
        }
        int insert = -at - 1;
        long[] next = new long[starts.length + 1];
        System.arraycopy(starts, 0, next, 0, insert);
        next[insert] = start;
        System.arraycopy(starts, insert, next, insert + 1, starts.length - insert);
        startIndex.update(next);
    }

    /** Removes a period's state and its index entry. */
    void remove(long start) throws Exception {
        if (cache.active()) {
            cached().remove(start);
            return;
        }
        byStart.remove(start);
        long[] starts = readStarts();
        int at = Arrays.binarySearch(starts, start);
        if (at < 0) {
            return;
        }
        if (starts.length == 1) {
            startIndex.clear();
            return;
        }
        long[] next = new long[starts.length - 1];
        System.arraycopy(starts, 0, next, 0, at);
        System.arraycopy(starts, at + 1, next, at, starts.length - at - 1);
        startIndex.update(next);
    }

    /** Indexes a period written by re-bucketing. */
    void add(PeriodState p) throws Exception {
        if (cache.active()) {
            cached().put(p);
            return;
        }
        put(p);
        index(p.start);
    }
}
