package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.ReconSettings.HOUR_MS;

import io.reckon.jobs.records.DecimalCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializer of an {@link HourTable} for checkpoints and savepoints: a marker (a varint beyond any count
 * of hours a table can have), then the whole table in one set of bit columns ({@link PackedHourTable}).
 * A table one of whose figures is beyond a long is written by day after another marker: the number of
 * UTC days with hours, then each day, the first as its number since the epoch (zigzag varint) and each
 * next as the days since the one before, followed by its hours as {@link HourDaySerializer} writes a
 * day. Tables written before (by day, or the number of hours, then each hour as its distance from the
 * one before and its bucket in {@link HourBucketSerializer}'s encoding) still read. {@link #copy} is a deep copy: the heap backend
 * copies a key's table before changing it while a snapshot still holds it.
 */
public final class HourTableSerializer extends TypeSerializerSingleton<HourTable> {

    private static final long serialVersionUID = 1L;

    public static final HourTableSerializer INSTANCE = new HourTableSerializer();

    /** More hours than a key can hold: a longer count is corrupt state. */
    private static final long MAX_HOURS = 1L << 24;

    /** Written in place of the number of hours: the table's hours follow by day. */
    private static final long DAYS_MARKER = MAX_HOURS + 1;

    /** Written in place of the number of hours: the table's hours follow as one {@link PackedHourTable}. */
    static final long PACKED_MARKER = MAX_HOURS + 2;

    /** More days than a key's hours can span. */
    private static final long MAX_DAYS = MAX_HOURS / HourDay.HOURS + 1;

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
        check(hours, buckets);
        long[][] columns = PackedHourTable.columnsOf(buckets);
        if (columns != null) {
            DecimalCodec.writeUnsigned(out, PACKED_MARKER);
            PackedHourTable.write(hours, columns, out);
        } else {
            writeDays(hours, buckets, out);
        }
    }

    private static void check(long[] hours, HourBucket[] buckets) throws IOException {
        for (int i = 0; i < hours.length; i++) {
            if (hours[i] % HOUR_MS != 0 || (i > 0 && hours[i] <= hours[i - 1]) || buckets[i] == null) {
                throw new IOException("Hour table holds " + hours[i]
                        + ": not the start of an hour after the one before, with records");
            }
        }
    }

    /** The form of tables with a figure beyond a long: each day as {@link HourDaySerializer} writes it. */
    static void writeDays(long[] hours, HourBucket[] buckets, DataOutputView out) throws IOException {
        int days = 0;
        for (int i = 0; i < hours.length; i++) {
            if (i == 0 || HourDay.dayOf(hours[i]) != HourDay.dayOf(hours[i - 1])) {
                days++;
            }
        }
        DecimalCodec.writeUnsigned(out, DAYS_MARKER);
        DecimalCodec.writeUnsigned(out, days);
        int from = 0;
        long previous = 0;
        while (from < hours.length) {
            long day = HourDay.dayOf(hours[from]) / HourDay.DAY_MS;
            int to = from + 1;
            while (to < hours.length && HourDay.dayOf(hours[to]) == HourDay.dayOf(hours[from])) {
                to++;
            }
            if (from == 0) {
                DecimalCodec.writeZigZag(out, day);
            } else {
                DecimalCodec.writeUnsigned(out, day - previous);
            }
            HourDaySerializer.write(hours, buckets, from, to, out);
            previous = day;
            from = to;
        }
    }

    @Override
    public HourTable deserialize(DataInputView in) throws IOException {
        long n = DecimalCodec.readUnsigned(in);
        if (n == DAYS_MARKER) {
            return readDays(in);
        }
        if (n == PACKED_MARKER) {
            return PackedHourTable.read(in);
        }
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

    private static HourTable readDays(DataInputView in) throws IOException {
        long days = DecimalCodec.readUnsigned(in);
        if (days < 0 || days > MAX_DAYS) {
            throw new IOException("Corrupt hour table: " + days + " days");
        }
        HourTable table = new HourTable();
        long day = 0;
        for (long d = 0; d < days; d++) {
            long step = d == 0 ? DecimalCodec.readZigZag(in) : DecimalCodec.readUnsigned(in);
            if (d > 0 && step <= 0) {
                throw new IOException("Corrupt hour table at day " + d);
            }
            long start;
            try {
                day = d == 0 ? step : Math.addExact(day, step);
                start = Math.multiplyExact(day, HourDay.DAY_MS);
                Math.addExact(start, HourDay.DAY_MS);
            } catch (ArithmeticException e) {
                throw new IOException("Corrupt hour table: day " + step + " out of range", e);
            }
            HourDay hours = HourDaySerializer.INSTANCE.deserialize(in);
            if (hours.isEmpty()) {
                throw new IOException("Corrupt hour table: day " + d + " without hours");
            }
            try {
                hours.forEach(start, table::put);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException("Corrupt hour table at day " + d, e);
            }
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
