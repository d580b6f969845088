package io.reckon.jobs.reconcile;

import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.flink.api.common.state.ValueState;

/**
 * The ids of a key as one {@link IdTable} in value state, changed in place: with heap state the value
 * is the object itself, and the backend copies it (with {@link IdTableSerializer#copy}) before a
 * change while a snapshot still holds it, so a checkpoint sees the table as it was. Only for heap
 * state: with RocksDB every access would read and write the key's whole table.
 */
final class TableIdStore implements IdStore {

    private final ValueState<IdTable> table;

    TableIdStore(ValueState<IdTable> table) {
        this.table = table;
    }

    @Override
    public IdCopies get(String id) throws Exception {
        IdTable t = table.value();
        return t == null ? null : t.get(id);
    }

    @Override
    public IdCopies putIfAbsent(String id, IdCopies copies) throws Exception {
        IdTable t = table.value();
        if (t == null) {
            put(id, copies);
            return null;
        }
        return t.putIfAbsent(id, copies);
    }

    @Override
    public void put(String id, IdCopies copies) throws Exception {
        IdTable t = table.value();
        if (t == null) {
            t = new IdTable();
            t.put(id, copies);
            table.update(t);
            return;
        }
        t.put(id, copies);
    }

    @Override
    public boolean contains(String id) throws Exception {
        IdTable t = table.value();
        return t != null && t.contains(id);
    }

    @Override
    public void forEach(Consumer<IdCopies> each) throws Exception {
        IdTable t = table.value();
        if (t != null) {
            t.forEach(each);
        }
    }

    @Override
    public void forEachEntry(BiConsumer<String, IdCopies> each) throws Exception {
        IdTable t = table.value();
        if (t != null) {
            t.forEachEntry(each);
        }
    }

    @Override
    public void removeLatestBefore(long cutoff) throws Exception {
        IdTable t = table.value();
        if (t != null) {
            t.removeLatestBefore(cutoff);
            if (t.isEmpty()) {
                table.clear();
            }
        }
    }

    @Override
    public void clear() {
        table.clear();
    }
}
