package io.reckon.jobs.reconcile;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializer of an {@link HourMonth}: a layout byte ({@link #LAYOUT}), then the month as {@link
 * HourMonth#write} writes it. Reading checks the hours against the month and the columns' headers
 * against their bits; a bucket itself is decoded when its hour is read. An {@link HourMonth} is
 * immutable, so a copy is the month itself.
 */
public final class HourMonthSerializer extends TypeSerializerSingleton<HourMonth> {

    private static final long serialVersionUID = 1L;

    public static final HourMonthSerializer INSTANCE = new HourMonthSerializer();

    /** The layout written first, so that a later layout can be told from this one value by value. */
    static final int LAYOUT = 1;

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public HourMonth createInstance() {
        return null;
    }

    @Override
    public HourMonth copy(HourMonth from) {
        return from;
    }

    @Override
    public HourMonth copy(HourMonth from, HourMonth reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(HourMonth month, DataOutputView out) throws IOException {
        out.writeByte(LAYOUT);
        month.write(out);
    }

    /**
     * Writes the month starting at {@code monthStart} of the given hours (ascending starts of hours of
     * that month) and their buckets, as {@link #serialize} writes it: for measuring the layout's size
     * without the state.
     */
    public static void write(long monthStart, long[] hours, HourBucket[] buckets, DataOutputView out)
            throws IOException {
        int[] offsets = new int[hours.length];
        for (int i = 0; i < hours.length; i++) {
            if (HourMonth.monthOf(hours[i]) != monthStart || (i > 0 && hours[i] <= hours[i - 1])) {
                throw new IOException("Hour " + hours[i] + " is not the next hour of the month " + monthStart);
            }
            offsets[i] = HourMonth.offsetOf(hours[i], monthStart);
        }
        long[][] columns = PackedHours.columnsOf(buckets, buckets.length);
        if (columns == null || hours.length == 0) {
            throw new IOException("No hours, or a figure beyond a long: no month of hours");
        }
        INSTANCE.serialize(HourMonth.of(offsets, columns, hours.length), out);
    }

    @Override
    public HourMonth deserialize(DataInputView in) throws IOException {
        int layout = in.readUnsignedByte();
        if (layout != LAYOUT) {
            throw new IOException("Corrupt month of hours: layout " + layout);
        }
        return HourMonth.read(in);
    }

    @Override
    public HourMonth deserialize(HourMonth reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<HourMonth> snapshotConfiguration() {
        return new HourMonthSerializerSnapshot();
    }

    /** Stateless: the snapshot restores the singleton. */
    public static final class HourMonthSerializerSnapshot extends SimpleTypeSerializerSnapshot<HourMonth> {
        public HourMonthSerializerSnapshot() {
            super(() -> INSTANCE);
        }
    }
}
