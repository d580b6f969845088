package io.reckon.jobs.reconcile;

import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Where the current key's deduplication ids of one input and their copies are kept. Two layouts of
 * the same contents: one keyed-state entry per id ({@link EntryIdStore}, for RocksDB, where an entry
 * is read and written on its own) and one table per key ({@link TableIdStore}, for heap state, where
 * an entry per id costs objects the garbage collector keeps copying). {@link ReconcileOperator} picks
 * the layout by the state backend; a key's ids in the other layout are taken over at the first start
 * from a savepoint that holds them.
 */
interface IdStore {

    /** The copies of {@code id}, or null. */
    IdCopies get(String id) throws Exception;

    /**
     * The copies of {@code id} when it has any (nothing changes), else null after setting {@code
     * copies} for it.
     */
    IdCopies putIfAbsent(String id, IdCopies copies) throws Exception;

    /** Sets the copies of {@code id}, replacing any it had. */
    void put(String id, IdCopies copies) throws Exception;

    boolean contains(String id) throws Exception;

    /** Hands the copies of every id to {@code each}. */
    void forEach(Consumer<IdCopies> each) throws Exception;

    /** Hands every id and its copies to {@code each}. */
    void forEachEntry(BiConsumer<String, IdCopies> each) throws Exception;

    /** Forgets every id whose latest copy is before {@code cutoff}. */
    void removeLatestBefore(long cutoff) throws Exception;

    void clear();
}
