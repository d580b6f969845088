package io.reckon.jobs.reconcile;

import io.reckon.jobs.records.DecimalCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * The per-hour form of a day's buckets ({@link HourDay}): for each hour of the day with a bucket (bit h
 * of {@code hours}), ascending, the bucket's length as a varint and its {@link HourBucketSerializer}
 * encoding. A change of one hour copies the other hours' bytes as they are.
 */
final class PerHourBuckets {

    private PerHourBuckets() {}

    /** The bytes with hour {@code h}'s bucket set to {@code bucket}, in place of any it had. */
    static byte[] with(int hours, byte[] buckets, int h, HourBucket bucket) {
        DataOutputSerializer encoded = new DataOutputSerializer(32);
        try {
            HourBucketSerializer.INSTANCE.serialize(bucket, encoded);
            DataOutputSerializer out = new DataOutputSerializer(buckets.length + encoded.length() + 2);
            int start = offsetOf(hours, buckets, h);
            int end = (hours & 1 << h) == 0 ? start : nextOffset(buckets, start);
            out.write(buckets, 0, start);
            DecimalCodec.writeUnsigned(out, encoded.length());
            out.write(encoded.getSharedBuffer(), 0, encoded.length());
            out.write(buckets, end, buckets.length - end);
            return out.getCopyOfBuffer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bytes without hour {@code h}'s bucket, which they hold. */
    static byte[] without(int hours, byte[] buckets, int h) {
        int start = offsetOf(hours, buckets, h);
        int end = nextOffset(buckets, start);
        byte[] remaining = new byte[buckets.length - (end - start)];
        System.arraycopy(buckets, 0, remaining, 0, start);
        System.arraycopy(buckets, end, remaining, start, buckets.length - end);
        return remaining;
    }

    /** Where the bucket of hour {@code h}, or the first after it, starts (the length when none; -1 when corrupt). */
    static int offsetOf(int hours, byte[] buckets, int h) {
        int offset = 0;
        int before = hours & ((1 << h) - 1);
        for (int i = Integer.bitCount(before); i > 0; i--) {
            offset = nextOffset(buckets, offset);
            if (offset > buckets.length) {
                return -1;
            }
        }
        return offset;
    }

    /** The offset after the bucket whose length starts at {@code offset}; past the end when corrupt. */
    static int nextOffset(byte[] buckets, int offset) {
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

    /** The bucket whose length starts at {@code offset}. */
    static HourBucket decode(byte[] buckets, int offset) {
        int start = offset;
        while ((buckets[start] & 0x80) != 0) {
            start++;
        }
        start++;
        try {
            return HourBucketSerializer.INSTANCE.deserialize(
                    new DataInputDeserializer(buckets, start, nextOffset(buckets, offset) - start));
        } catch (IOException e) {
            throw new UncheckedIOException("Corrupt hour bucket in a day of hours", e);
        }
    }
}
