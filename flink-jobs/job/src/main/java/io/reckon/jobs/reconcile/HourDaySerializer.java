package io.reckon.jobs.reconcile;

import io.reckon.jobs.records.DecimalCodec;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializer of an {@link HourDay}: its hours as three bytes (bit h of the 24: hour h has a bucket),
 * then, for a day in the per-hour form, the length of its buckets' bytes as a varint and those bytes as
 * the day holds them; for a packed day a zero byte (no day of hours has no bytes in the per-hour form),
 * the payload's length as a varint and the payload. Reading checks that the bytes hold one bucket per
 * hour and nothing more (the packed columns' headers against their bits); a bucket itself is decoded
 * when its hour is read. An {@link HourDay} is immutable, so a copy is the day itself.
 */
public final class HourDaySerializer extends TypeSerializerSingleton<HourDay> {

    private static final long serialVersionUID = 1L;

    public static final HourDaySerializer INSTANCE = new HourDaySerializer();

    /**
     * More bytes than 24 buckets of any real hour take (a figure of 100 digits, more than a sum of any
     * number of quantities of the 76 digits input allows, takes some 45 bytes; an hour of four such, some
     * 200): a longer day is corrupt state, refused before its bytes are allocated.
     */
    private static final long MAX_BYTES = 1L << 16;

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public HourDay createInstance() {
        return HourDay.EMPTY;
    }

    @Override
    public HourDay copy(HourDay from) {
        return from;
    }

    @Override
    public HourDay copy(HourDay from, HourDay reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(HourDay day, DataOutputView out) throws IOException {
        int hours = day.hours();
        out.writeByte(hours);
        out.writeByte(hours >>> 8);
        out.writeByte(hours >>> 16);
        byte[] buckets = day.buckets();
        if (day.isPacked()) {
            out.writeByte(0);
        }
        DecimalCodec.writeUnsigned(out, buckets.length);
        out.write(buckets);
    }

    /**
     * Writes the day of the given hours (starts of hours of one UTC day) and their buckets, as {@link
     * #serialize} writes it: for measuring the layout's size without the state.
     */
    public static void write(long[] hours, HourBucket[] buckets, DataOutputView out) throws IOException {
        write(hours, buckets, 0, hours.length, out);
    }

    /** {@link #write} of the hours from index {@code from} (inclusive) to {@code to} (exclusive). */
    static void write(long[] hours, HourBucket[] buckets, int from, int to, DataOutputView out) throws IOException {
        int[] hoursOfDay = new int[HourDay.HOURS];
        HourBucket[] inOrder = new HourBucket[HourDay.HOURS];
        int n = 0;
        for (int i = from; i < to; i++) {
            if (HourDay.dayOf(hours[i]) != HourDay.dayOf(hours[from]) || (i > from && hours[i] <= hours[i - 1])) {
                throw new IOException("Hours " + hours[from] + " and " + hours[i] + " are not ascending in one day");
            }
            hoursOfDay[n] = HourDay.hourOfDay(hours[i]);
            inOrder[n++] = buckets[i];
        }
        INSTANCE.serialize(HourDay.of(hoursOfDay, inOrder, n), out);
    }

    @Override
    public HourDay deserialize(DataInputView in) throws IOException {
        int hours = in.readUnsignedByte() | in.readUnsignedByte() << 8 | in.readUnsignedByte() << 16;
        long length = DecimalCodec.readUnsigned(in);
        boolean packed = length == 0 && hours != 0;
        if (packed) {
            length = DecimalCodec.readUnsigned(in);
        }
        if (length < 0 || length > MAX_BYTES) {
            throw new IOException("Corrupt hour day: " + length + " bytes");
        }
        byte[] buckets = new byte[(int) length];
        in.readFully(buckets);
        return packed ? HourDay.packed(hours, buckets) : HourDay.of(hours, buckets);
    }

    @Override
    public HourDay deserialize(HourDay reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<HourDay> snapshotConfiguration() {
        return new HourDaySerializerSnapshot();
    }

    /** Stateless: the snapshot restores the singleton. */
    public static final class HourDaySerializerSnapshot extends SimpleTypeSerializerSnapshot<HourDay> {
        public HourDaySerializerSnapshot() {
            super(() -> INSTANCE);
        }
    }
}
