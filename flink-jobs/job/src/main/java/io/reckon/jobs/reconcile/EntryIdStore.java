package io.reckon.jobs.reconcile;

import java.util.Iterator;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.flink.api.common.state.MapState;

/**
 * The ids as one map-state entry each: a read and a write per record, nothing read that is not needed.
 *
 * <p>Besides the ids, a key that was swept keeps one <em>marker</em>: the empty id (which no record
 * has: {@code InputLimits#id} refuses it) with no copies. Written by hand around a limit of Flink's
 * RocksDB map state, which seeks without an upper bound (FLINK-40584, open): iterating or clearing a
 * key's map reads past the end of the key's range until RocksDB meets a live entry of any key. A sweep
 * removes most of a key's ids at once, and when a bounded input ends every key is swept and then
 * cleared, so each clear walked over the removed ids of all keys after it, a time that grew with the
 * square of the keys: about 40 % of the reconciling threads' time over a 93-day input. A string is
 * written as its length plus one and then its characters, so the empty id sorts first in its key's
 * range, and a walk past a key stops at the next key's marker.
 */
final class EntryIdStore implements IdStore {

    /** The marker's id: sorts first among a key's ids with RocksDB. */
    static final String MARKER_ID = "";

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
            if (!isMarker(c)) {
                each.accept(c);
            }
        }
    }

    @Override
    public void forEachEntry(BiConsumer<String, IdCopies> each) throws Exception {
        for (Map.Entry<String, IdCopies> e : copies.entries()) {
            if (!isMarker(e.getValue())) {
                each.accept(e.getKey(), e.getValue());
            }
        }
    }

    /** Removes the ids and leaves the key's marker (see the class comment), writing it if it was missing. */
    @Override
    public void removeLatestBefore(long cutoff) throws Exception {
        boolean marked = false;
        for (Iterator<IdCopies> it = copies.values().iterator(); it.hasNext(); ) {
            IdCopies c = it.next();
            if (isMarker(c)) {
                marked = true;
            } else if (c.latest() < cutoff) {
                it.remove();
            }
        }
        if (!marked) {
            copies.put(MARKER_ID, new IdCopies());
        }
    }

    /** An id always has a copy; only the marker has none. */
    private static boolean isMarker(IdCopies c) {
        return c.size() == 0;
    }

    @Override
    public void clear() {
        copies.clear();
    }
}
