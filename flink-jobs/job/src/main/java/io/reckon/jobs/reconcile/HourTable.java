package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.ReconSettings.HOUR_MS;

import java.util.function.LongPredicate;

/**
 * The hourly buckets of one key, by hour start, in two parallel arrays: the layout of the hours with
 * heap state ({@link TableHourStore}). Open addressing with linear probing over the hour's number,
 * at most half the slots used; removal shifts back the entries after the freed slot that probed past
 * it, so no tombstones are needed.
 *
 * <p>Written here rather than taken from a library: none of the job's dependencies has a map keyed by
 * a primitive long (Flink's copies of such maps are shaded internals), and fastutil would add some
 * 20 MB to the job's jar for this one class. A {@code HashMap<Long, HourBucket>}, Flink's map state
 * with heap state, costs a node and a boxed hour per bucket, and a lookup walks both: a key keeps
 * one bucket per hour with records of its periods and of the four weeks before, about 2,000.
 *
 * <p>Not thread-safe; one instance per key, changed in place (see {@link TableHourStore}).
 */
final class HourTable {

    /** Receives the hours of a table. */
    interface HourConsumer {
        void accept(long hour, HourBucket bucket) throws Exception;
    }

    private static final int MIN_SLOTS = 16;

    private long[] hours = new long[MIN_SLOTS];
    /** Per slot: the hour's bucket; null marks a free slot. */
    private HourBucket[] buckets = new HourBucket[MIN_SLOTS];

    private int used;

    int size() {
        return used;
    }

    boolean isEmpty() {
        return used == 0;
    }

    /** The bucket of the hour starting at {@code hour}, or null. */
    HourBucket get(long hour) {
        int mask = buckets.length - 1;
        for (int i = slotOf(hour, mask); ; i = (i + 1) & mask) {
            HourBucket b = buckets[i];
            if (b == null || hours[i] == hour) {
                return b;
            }
        }
    }

    /** Sets the bucket of {@code hour} (not null), replacing any it had. */
    void put(long hour, HourBucket bucket) {
        if (bucket == null) {
            throw new IllegalArgumentException("an hour without records has no bucket: remove it");
        }
        int mask = buckets.length - 1;
        int i = slotOf(hour, mask);
        while (buckets[i] != null) {
            if (hours[i] == hour) {
                buckets[i] = bucket;
                return;
            }
            i = (i + 1) & mask;
        }
        if ((used + 1) * 2 > buckets.length) {
            grow();
            put(hour, bucket);
            return;
        }
        hours[i] = hour;
        buckets[i] = bucket;
        used++;
    }

    /** Forgets the bucket of {@code hour}, if it has one. */
    void remove(long hour) {
        int mask = buckets.length - 1;
        for (int i = slotOf(hour, mask); buckets[i] != null; i = (i + 1) & mask) {
            if (hours[i] == hour) {
                free(i);
                return;
            }
        }
    }

    /** Forgets the bucket of every hour {@code gone} accepts. */
    void removeIf(LongPredicate gone) {
        int i = 0;
        while (i < buckets.length) {
            // free(i) may shift a later entry into slot i: look at it again before moving on. An entry
            // that wrapped around from the end into the start is visited twice at most, harmlessly.
            if (buckets[i] != null && gone.test(hours[i])) {
                free(i);
            } else {
                i++;
            }
        }
    }

    /** Hands every hour and its bucket to {@code each}, in no particular order. */
    void forEach(HourConsumer each) throws Exception {
        for (int i = 0; i < buckets.length; i++) {
            if (buckets[i] != null) {
                each.accept(hours[i], buckets[i]);
            }
        }
    }

    /** A copy that shares nothing changeable with this table (buckets are changed in place). */
    HourTable copy() {
        HourTable t = new HourTable();
        t.hours = hours.clone();
        t.buckets = new HourBucket[buckets.length];
        for (int i = 0; i < buckets.length; i++) {
            if (buckets[i] != null) {
                t.buckets[i] = HourBucketSerializer.INSTANCE.copy(buckets[i]);
            }
        }
        t.used = used;
        return t;
    }

    /** Empties slot {@code free} and moves back the entries after it that probed past it. */
    private void free(int free) {
        int mask = buckets.length - 1;
        int hole = free;
        for (int i = (hole + 1) & mask; buckets[i] != null; i = (i + 1) & mask) {
            int home = slotOf(hours[i], mask);
            // The entry at i may fill the hole when its home slot is not within (hole, i] cyclically.
            if (((i - home) & mask) >= ((i - hole) & mask)) {
                hours[hole] = hours[i];
                buckets[hole] = buckets[i];
                hole = i;
            }
        }
        buckets[hole] = null;
        used--;
    }

    private void grow() {
        long[] oldHours = hours;
        HourBucket[] oldBuckets = buckets;
        hours = new long[oldBuckets.length * 2];
        buckets = new HourBucket[oldBuckets.length * 2];
        used = 0;
        for (int i = 0; i < oldBuckets.length; i++) {
            if (oldBuckets[i] != null) {
                put(oldHours[i], oldBuckets[i]);
            }
        }
    }

    /**
     * The home slot of {@code hour}: its number since the epoch, scrambled (Fibonacci hashing), so
     * that the consecutive hours of a key spread evenly over the slots whatever their count.
     */
    private static int slotOf(long hour, int mask) {
        long n = Math.floorDiv(hour, HOUR_MS);
        return (int) ((n * 0x9E3779B97F4A7C15L) >>> 40) & mask;
    }
}
