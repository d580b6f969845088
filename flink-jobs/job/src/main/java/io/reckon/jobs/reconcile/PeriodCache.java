package io.reckon.jobs.reconcile;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The periods of the keys whose timers fire while one watermark advances, read from state at a key's
 * first timer and written back once when the timers are done ({@link ReconcileOperator}).
 *
 * <p>A watermark that moves several hours at once (a catch-up, a replay, a source that was idle) fires
 * each key's tick once per hour it crossed, and every tick reads the key's periods and writes them
 * back: with RocksDB a read, a deserialization, a serialization and a write per period and tick. Here
 * the key's periods are read once per watermark and written once, whatever the number of its ticks.
 * The periods kept are those of at most {@link #MAX_KEYS} keys; past that, the operator has them
 * written before the next timer.
 *
 * <p>Only the keyed context of one watermark's timers uses it: no record, contract or checkpoint is
 * handled while they fire, and the operator writes the periods back before it returns (and before a
 * checkpoint barrier, should one ever come first).
 */
final class PeriodCache {

    /** Keys whose periods are held at most: some kilobytes each. */
    static final int MAX_KEYS = 4_096;

    /** How a key's periods are read from state, ascending by start. */
    interface Loader {
        List<PeriodState> load() throws Exception;
    }

    /** How a key's changes are written to state, with that key current. */
    interface Writer {
        void write(KeyPeriods changed) throws Exception;
    }

    private final Map<Object, KeyPeriods> byKey = new LinkedHashMap<>();
    private Supplier<Object> currentKey;

    /** From now on, periods are held per key; {@code currentKey} names the keyed context's key. */
    void begin(Supplier<Object> currentKey) {
        this.currentKey = currentKey;
    }

    boolean active() {
        return currentKey != null;
    }

    boolean full() {
        return byKey.size() >= MAX_KEYS;
    }

    /** The current key's periods, read with {@code loader} if they are not held yet. */
    KeyPeriods current(Loader loader) throws Exception {
        Object key = currentKey.get();
        KeyPeriods held = byKey.get(key);
        if (held == null) {
            held = new KeyPeriods(loader.load());
            byKey.put(key, held);
        }
        return held;
    }

    /**
     * Writes every held key's changes with {@code writer}, each after {@code selectKey} made it current,
     * and forgets them; periods are held again from the next {@link #current} on while active.
     */
    void writeBack(Consumer<Object> selectKey, Writer writer) throws Exception {
        for (Map.Entry<Object, KeyPeriods> e : byKey.entrySet()) {
            if (e.getValue().changed()) {
                selectKey.accept(e.getKey());
                writer.write(e.getValue());
            }
        }
        byKey.clear();
    }

    /** Writes back ({@link #writeBack}) and stops holding periods. */
    void end(Consumer<Object> selectKey, Writer writer) throws Exception {
        writeBack(selectKey, writer);
        currentKey = null;
    }

    /** One key's periods as state holds them once the changes are written. */
    static final class KeyPeriods {

        private final TreeMap<Long, PeriodState> periods = new TreeMap<>();
        private final Set<Long> written = new HashSet<>();
        private final Set<Long> removed = new HashSet<>();
        private boolean startsChanged;

        KeyPeriods(List<PeriodState> loaded) {
            for (PeriodState p : loaded) {
                periods.put(p.start, p);
            }
        }

        PeriodState get(long start) {
            return periods.get(start);
        }

        boolean contains(long start) {
            return periods.containsKey(start);
        }

        List<PeriodState> all() {
            return new ArrayList<>(periods.values());
        }

        boolean isEmpty() {
            return periods.isEmpty();
        }

        void put(PeriodState p) {
            if (periods.put(p.start, p) == null) {
                startsChanged = true;
            }
            written.add(p.start);
            removed.remove(p.start);
        }

        void remove(long start) {
            if (periods.remove(start) != null) {
                startsChanged = true;
                removed.add(start);
            }
            written.remove(start);
        }

        boolean changed() {
            return startsChanged || !written.isEmpty() || !removed.isEmpty();
        }

        Set<Long> written() {
            return written;
        }

        Set<Long> removed() {
            return removed;
        }

        /** The starts to index when they changed, else null. */
        long[] changedStarts() {
            return startsChanged
                    ? periods.keySet().stream().mapToLong(Long::longValue).toArray()
                    : null;
        }
    }
}
