package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.ReconSettings.HOUR_MS;

import io.reckon.jobs.records.DecimalCodec;
import java.io.IOException;
import java.util.Arrays;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializer of an {@link HourTable} for checkpoints and savepoints: the number of hours as a varint,
 * then the hours in ascending order, the first as its number since the epoch (zigzag varint) and each
 * next as the hours since the one before (a varint, one byte for neighbouring hours), each followed by
 * its bucket in {@link HourBucketSerializer}'s encoding. {@link #copy} is a deep copy: the heap backend
 * copies a key's table before changing it while a snapshot still holds it.
 */
public final class HourTableSerializer extends TypeSerializerSingleton<HourTable> {

    private static final long serialVersionUID = 1L;

    public static final HourTableSerializer INSTANCE = new HourTableSerializer();

    /** More hours than a key can hold: a longer count is corrupt state. */
    private static final long MAX_HOURS = 1L << 24;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public HourTable createInstance() {
        return new HourTable();
    }

    @Override
    public HourTable copy(HourTable from) {
        return from == null ? null : from.copy();
    }

    @Override
    public HourTable copy(HourTable from, HourTable reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(HourTable table, DataOutputView out) throws IOException {
        long[] hours = new long[table.size()];
        HourBucket[] byHour = new HourBucket[hours.length];
        int[] n = {0};
        try {
            table.forEach((hour, bucket) -> hours[n[0]++] = hour);
        } catch (Exception e) {
            throw new IOException(e);
        }
        Arrays.sort(hours);
        for (int i = 0; i < hours.length; i++) {
            byHour[i] = table.get(hours[i]);
        }
        write(hours, byHour, out);
    }

    /**
     * Writes a table of the given hours (ascending starts of hours) and their buckets, as {@link
     * #serialize} writes one: for measuring the layout's size without building a table.
     */
    public static void write(long[] hours, HourBucket[] buckets, DataOutputView out) throws IOException {
        DecimalCodec.writeUnsigned(out, hours.length);
        for (int i = 0; i < hours.length; i++) {
            if (hours[i] % HOUR_MS != 0 || (i > 0 && hours[i] <= hours[i - 1]) || buckets[i] == null) {
                throw new IOException("Hour table holds " + hours[i]
                        + ": not the start of an hour after the one before, with records");
            }
            if (i == 0) {
                DecimalCodec.writeZigZag(out, hours[0] / HOUR_MS);
            } else {
                DecimalCodec.writeUnsigned(out, (hours[i] - hours[i - 1]) / HOUR_MS);
            }
            HourBucketSerializer.INSTANCE.serialize(buckets[i], out);
        }
    }

    @Override
    public HourTable deserialize(DataInputView in) throws IOException {
        long n = DecimalCodec.readUnsigned(in);
        if (n < 0 || n > MAX_HOURS) {
            throw new IOException("Corrupt hour table: count " + n);
        }
        HourTable table = new HourTable();
        long hour = 0;
        for (long i = 0; i < n; i++) {
            long step = i == 0 ? DecimalCodec.readZigZag(in) : DecimalCodec.readUnsigned(in);
            hour = i == 0 ? step * HOUR_MS : hour + step * HOUR_MS;
            HourBucket bucket = HourBucketSerializer.INSTANCE.deserialize(in);
            if (bucket == null || (i > 0 && step <= 0)) {
                throw new IOException("Corrupt hour table at hour " + i);
            }
            table.put(hour, bucket);
        }
        return table;
    }

    @Override
    public HourTable deserialize(HourTable reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<HourTable> snapshotConfiguration() {
        return new HourTableSerializerSnapshot();
    }

    /** Stateless: the snapshot restores the singleton. */
    public static final class HourTableSerializerSnapshot extends SimpleTypeSerializerSnapshot<HourTable> {
        public HourTableSerializerSnapshot() {
            super(() -> INSTANCE);
        }
    }
}
