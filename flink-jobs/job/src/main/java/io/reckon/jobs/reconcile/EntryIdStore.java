package io.reckon.jobs.reconcile;

import java.util.Iterator;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.flink.api.common.state.MapState;

/** The ids as one map-state entry each: a read and a write per record, nothing read that is not needed. */
final class EntryIdStore implements IdStore {

    private final MapState<String, IdCopies> copies;

    EntryIdStore(MapState<String, IdCopies> copies) {
        this.copies = copies;
    }

    @Override
    public IdCopies get(String id) throws Exception {
        return copies.get(id);
    }

    /** A read, and a write when the id is new: RocksDB has no lookup that also inserts. */
    @Override
    public IdCopies putIfAbsent(String id, IdCopies c) throws Exception {
        IdCopies known = copies.get(id);
        if (known == null) {
            copies.put(id, c);
        }
        return known;
    }

    @Override
    public void put(String id, IdCopies c) throws Exception {
        copies.put(id, c);
    }

    @Override
    public boolean contains(String id) throws Exception {
        return copies.contains(id);
    }

    @Override
    public void forEach(Consumer<IdCopies> each) throws Exception {
        for (IdCopies c : copies.values()) {
            each.accept(c);
        }
    }

    @Override
    public void forEachEntry(BiConsumer<String, IdCopies> each) throws Exception {
        for (Map.Entry<String, IdCopies> e : copies.entries()) {
            each.accept(e.getKey(), e.getValue());
        }
    }

    @Override
    public void removeLatestBefore(long cutoff) throws Exception {
        for (Iterator<IdCopies> it = copies.values().iterator(); it.hasNext(); ) {
            if (it.next().latest() < cutoff) {
                it.remove();
            }
        }
    }

    @Override
    public void clear() {
        copies.clear();
    }
}
