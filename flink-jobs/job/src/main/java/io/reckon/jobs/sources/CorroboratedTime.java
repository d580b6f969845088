package io.reckon.jobs.sources;

import java.util.Arrays;
import java.util.Objects;

/**
 * The largest event time that at least {@code k} records with distinct ids have reached: the time an
 * input partition's watermark may follow. Pure logic, no Flink types.
 *
 * <p>Keeps the {@code k} largest event times seen, one per id (a copy of a record, resent by a producer
 * that retries, corroborates nothing), in O(k) memory and O(k) time per record. The answer is the
 * smallest of them once there are {@code k}: one record dated a year ahead is then the largest, and
 * moves nothing until {@code k - 1} others with distinct ids have reached a time as late. With
 * {@code k = 1} it is the largest event time, Flink's bounded out-of-orderness.
 *
 * <pre>{@code
 * CorroboratedTime t = new CorroboratedTime(3);
 * t.add("e-1", 100); t.add("e-2", 5_000); t.add("e-3", 120);
 * t.time(); // 100: three records have reached it
 * t.add("e-4", 130);
 * t.time(); // 120
 * }</pre>
 */
public final class CorroboratedTime {

    /** What {@link #time()} answers before {@code k} records with distinct ids were seen. */
    public static final long NONE = Long.MIN_VALUE;

    private final int k;
    /** The up to k largest times, ascending, with their ids at the same index. */
    private final long[] times;

    private final String[] ids;
    private int size;

    public CorroboratedTime(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, was " + k);
        }
        this.k = k;
        this.times = new long[k];
        this.ids = new String[k];
    }

    /** Notes a record {@code id} (null: a record without one, always distinct) at {@code time}. */
    public void add(String id, long time) {
        if (size == k && time <= times[0]) {
            return;
        }
        if (id != null) {
            for (int i = 0; i < size; i++) {
                if (Objects.equals(ids[i], id)) {
                    if (time > times[i]) {
                        remove(i);
                        insert(id, time);
                    }
                    return;
                }
            }
        }
        if (size == k) {
            remove(0);
        }
        insert(id, time);
    }

    /** The largest time {@code k} distinct records have reached, or {@link #NONE}. */
    public long time() {
        return size == k ? times[0] : NONE;
    }

    private void remove(int i) {
        System.arraycopy(times, i + 1, times, i, size - i - 1);
        System.arraycopy(ids, i + 1, ids, i, size - i - 1);
        size--;
        ids[size] = null;
    }

    private void insert(String id, long time) {
        int at = size;
        while (at > 0 && times[at - 1] > time) {
            at--;
        }
        System.arraycopy(times, at, times, at + 1, size - at);
        System.arraycopy(ids, at, ids, at + 1, size - at);
        times[at] = time;
        ids[at] = id;
        size++;
    }

    @Override
    public String toString() {
        return "CorroboratedTime{k=" + k + ", times=" + Arrays.toString(Arrays.copyOf(times, size)) + "}";
    }
}
