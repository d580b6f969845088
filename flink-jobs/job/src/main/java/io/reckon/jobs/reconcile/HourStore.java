package io.reckon.jobs.reconcile;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.LongPredicate;

/**
 * Where the current key's hourly buckets are kept. Layouts of the same contents, as for the ids
 * ({@link IdStore}): one keyed-state entry per UTC day ({@link DayHourStore}, for RocksDB, where an
 * entry is read and written on its own and each carries its own key), and one table per key ({@link
 * TableHourStore}, for heap state, where a lookup in the key's map of boxed hours walks a node and a
 * boxed hour per read, and a tick reads some twelve hours of the weeks before each hour it judges).
 * {@link ReconcileOperator} picks the layout by the state backend; a key's hours in the other layout,
 * or in the former one of an entry per hour ({@link EntryHourStore}), are taken over at the first
 * start from a savepoint that holds them.
 */
interface HourStore {

    /** The buckets as one evaluation reads them, valid until the key's next record or timer. */
    interface Reader {
        /** The bucket of {@code hour}, or null. */
        HourBucket get(long hour) throws Exception;
    }

    /** The bucket of {@code hour}, or null. */
    HourBucket get(long hour) throws Exception;

    /** Sets the bucket of {@code hour}: a bucket read and changed is put back (RocksDB writes it). */
    void put(long hour, HourBucket bucket) throws Exception;

    void remove(long hour) throws Exception;

    /** A change of one hour's bucket, made in place on the bucket (a new one when the hour had none). */
    interface BucketChange {
        void apply(long hour, HourBucket bucket) throws Exception;
    }

    /**
     * Changes the buckets of {@code hours} (each once, in any order) with {@code change} and writes them
     * back: a write-out of combined records. A store that keeps hours by day reads and writes each day
     * once for its hours.
     */
    default void change(List<Long> hours, BucketChange change) throws Exception {
        for (long hour : hours) {
            HourBucket bucket = get(hour);
            if (bucket == null) {
                bucket = new HourBucket();
            }
            change.apply(hour, bucket);
            put(hour, bucket);
        }
    }

    /**
     * Sets the bucket of every hour of {@code taken} that has none here: the hours of a layout not in
     * use, taken over at the first start from a savepoint that holds them.
     */
    default void putAbsent(SortedMap<Long, HourBucket> taken) throws Exception {
        for (Map.Entry<Long, HourBucket> e : taken.entrySet()) {
            if (get(e.getKey()) == null) {
                put(e.getKey(), e.getValue());
            }
        }
    }

    /**
     * The day starting at {@code dayStart} has matured: its hours change no more in the usual course of
     * records (a late record still may). A store may re-encode it more compactly; by default nothing.
     */
    default void settle(long dayStart) throws Exception {}

    /** Hands every hour and its bucket to {@code each}. */
    void forEach(HourTable.HourConsumer each) throws Exception;

    /** Forgets the bucket of every hour {@code gone} accepts. */
    void removeIf(LongPredicate gone) throws Exception;

    /** A reader for one evaluation, which reads the key's hours with one state access at most. */
    Reader reader();

    void clear();
}
