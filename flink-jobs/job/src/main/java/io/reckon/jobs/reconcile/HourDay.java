package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.ReconSettings.HOUR_MS;

import io.reckon.jobs.records.DecimalCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * The hourly buckets of one key in one UTC day, kept encoded: which of the 24 hours have a bucket (a
 * bit each), and their buckets in {@link HourBucketSerializer}'s encoding, each after its length as a
 * varint, in the order of the hours. Immutable: {@link #with} and {@link #without} return a new day.
 *
 * <p>The unit of the hours with RocksDB ({@link DayHourStore}): one state entry per key and day
 * instead of one per hour, so that a key's 744 hours of a 31-day period carry 31 RocksDB keys (key
 * group, key, namespace and day: some 31 bytes each) instead of 744, and a bucket is decoded only when
 * its hour is read; changing an hour copies the other hours' bytes as they are.
 */
final class HourDay {

    static final int HOURS = 24;
    static final long DAY_MS = HOURS * HOUR_MS;
    static final int ALL_HOURS = (1 << HOURS) - 1;

    static final HourDay EMPTY = new HourDay(0, new byte[0]);

    /** Bit h: hour h of the day has a bucket. */
    private final int hours;
    /** The buckets of the set bits, ascending, each as a varint length and its bytes. */
    private final byte[] buckets;

    private HourDay(int hours, byte[] buckets) {
        this.hours = hours;
        this.buckets = buckets;
    }

    /**
     * A day of the given hours and bytes, as {@link HourDaySerializer} reads them, checked: every hour
     * has a bucket of a length inside the bytes, and nothing follows the last.
     */
    static HourDay of(int hours, byte[] buckets) throws IOException {
        if ((hours & ~ALL_HOURS) != 0) {
            throw new IOException("Corrupt hour day: hours " + Integer.toHexString(hours));
        }
        HourDay day = new HourDay(hours, buckets);
        if (day.offsetOf(HOURS) != buckets.length) {
            throw new IOException(
                    "Corrupt hour day: " + buckets.length + " bytes for " + Integer.bitCount(hours) + " hours");
        }
        return day;
    }

    /** The start of the UTC day holding the hour that starts at {@code hour}. */
    static long dayOf(long hour) {
        return Math.floorDiv(hour, DAY_MS) * DAY_MS;
    }

    /** The hour of its day, 0 to 23, of the hour that starts at {@code hour}. */
    static int hourOfDay(long hour) {
        return (int) Math.floorMod(Math.floorDiv(hour, HOUR_MS), (long) HOURS);
    }

    int hours() {
        return hours;
    }

    byte[] buckets() {
        return buckets;
    }

    boolean isEmpty() {
        return hours == 0;
    }

    /** The bucket of hour {@code h} of the day (a new object each call), or null. */
    HourBucket get(int h) {
        if ((hours & 1 << h) == 0) {
            return null;
        }
        return decode(offsetOf(h));
    }

    /** This day with hour {@code h}'s bucket set to {@code bucket} (not null). */
    HourDay with(int h, HourBucket bucket) {
        if (bucket == null) {
            throw new IllegalArgumentException("an hour without records has no bucket: remove it");
        }
        DataOutputSerializer encoded = new DataOutputSerializer(32);
        try {
            HourBucketSerializer.INSTANCE.serialize(bucket, encoded);
            DataOutputSerializer out = new DataOutputSerializer(buckets.length + encoded.length() + 2);
            int start = offsetOf(h);
            int end = (hours & 1 << h) == 0 ? start : nextOffset(start);
            out.write(buckets, 0, start);
            DecimalCodec.writeUnsigned(out, encoded.length());
            out.write(encoded.getSharedBuffer(), 0, encoded.length());
            out.write(buckets, end, buckets.length - end);
            return new HourDay(hours | 1 << h, out.getCopyOfBuffer());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** This day without hour {@code h}'s bucket (itself when it had none). */
    HourDay without(int h) {
        if ((hours & 1 << h) == 0) {
            return this;
        }
        int start = offsetOf(h);
        int end = nextOffset(start);
        byte[] rest = new byte[buckets.length - (end - start)];
        System.arraycopy(buckets, 0, rest, 0, start);
        System.arraycopy(buckets, end, rest, start, buckets.length - end);
        return new HourDay(hours & ~(1 << h), rest);
    }

    /** Hands each hour of the day that has a bucket, and its bucket, to {@code each}, in order. */
    void forEach(long day, HourTable.HourConsumer each) throws Exception {
        int offset = 0;
        for (int h = 0; h < HOURS; h++) {
            if ((hours & 1 << h) != 0) {
                each.accept(day + h * HOUR_MS, decode(offset));
                offset = nextOffset(offset);
            }
        }
    }

    /** Where the bucket of hour {@code h}, or the first after it, starts (the length when none). */
    private int offsetOf(int h) {
        int offset = 0;
        int before = hours & ((1 << h) - 1);
        for (int i = Integer.bitCount(before); i > 0; i--) {
            offset = nextOffset(offset);
            if (offset > buckets.length) {
                return -1;
            }
        }
        return offset;
    }

    /** The offset after the bucket whose length starts at {@code offset}; past the end when corrupt. */
    private int nextOffset(int offset) {
        long length = 0;
        for (int shift = 0; offset < buckets.length && shift < 35; shift += 7) {
            int b = buckets[offset++];
            length |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return length <= buckets.length - offset ? offset + (int) length : buckets.length + 1;
            }
        }
        return buckets.length + 1;
    }

    private HourBucket decode(int offset) {
        int start = offset;
        while ((buckets[start] & 0x80) != 0) {
            start++;
        }
        start++;
        try {
            return HourBucketSerializer.INSTANCE.deserialize(
                    new DataInputDeserializer(buckets, start, nextOffset(offset) - start));
        } catch (IOException e) {
            throw new UncheckedIOException("Corrupt hour bucket in a day of hours", e);
        }
    }
}
