package io.reckon.jobs.reconcile;

import java.util.function.LongPredicate;
import org.apache.flink.api.common.state.ValueState;

/**
 * The hours of a key as one {@link HourTable} in value state, changed in place: with heap state the
 * value is the object itself, and the backend copies it (with {@link HourTableSerializer#copy}) before
 * a change while a snapshot still holds it, so a checkpoint sees the table as it was. Only for heap
 * state: with RocksDB every access would read and write the key's whole table.
 */
final class TableHourStore implements HourStore {

    private final ValueState<HourTable> table;

    TableHourStore(ValueState<HourTable> table) {
        this.table = table;
    }

    @Override
    public HourBucket get(long hour) throws Exception {
        HourTable t = table.value();
        return t == null ? null : t.get(hour);
    }

    @Override
    public void put(long hour, HourBucket bucket) throws Exception {
        HourTable t = table.value();
        if (t == null) {
            t = new HourTable();
            t.put(hour, bucket);
            table.update(t);
            return;
        }
        t.put(hour, bucket);
    }

    @Override
    public void remove(long hour) throws Exception {
        HourTable t = table.value();
        if (t != null) {
            t.remove(hour);
            if (t.isEmpty()) {
                table.clear();
            }
        }
    }

    @Override
    public void forEach(HourTable.HourConsumer each) throws Exception {
        HourTable t = table.value();
        if (t != null) {
            t.forEach(each);
        }
    }

    @Override
    public void removeIf(LongPredicate gone) throws Exception {
        HourTable t = table.value();
        if (t != null) {
            t.removeIf(gone);
            if (t.isEmpty()) {
                table.clear();
            }
        }
    }

    /**
     * Reads the table from state once, at the first hour asked, and holds it while it has hours: a
     * reader lives within one record or timer of the key, and no snapshot is taken in between, so the
     * table it holds is the one in state, changed in place. A table that was empty or missing is read
     * again, since a bucket put meanwhile starts a new one.
     */
    @Override
    public Reader reader() {
        HourTable[] held = {null};
        return hour -> {
            if (held[0] == null || held[0].isEmpty()) {
                held[0] = table.value();
            }
            return held[0] == null ? null : held[0].get(hour);
        };
    }

    @Override
    public void clear() {
        table.clear();
    }
}
