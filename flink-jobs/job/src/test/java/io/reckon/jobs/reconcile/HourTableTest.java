package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.ReconSettings.HOUR_MS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@link HourTable} against a sorted map of the same hours: after any sequence of puts, replacements,
 * removals and removals by range, the table holds exactly the map's hours and buckets, and so does its
 * copy and what {@link HourTableSerializer} reads back from its bytes (the whole table packed in one
 * set of columns), as tables written by day or hour by hour before still do. The hours are drawn from runs of
 * neighbouring hours and from hours far apart (before 1970 too), enough of them that every try grows
 * the table several times, so that probing, runs that wrap around the end of the slots and the
 * shifting back on removal are exercised.
 */
class HourTableTest {

    private static final long BASE = 490_000L * HOUR_MS;

    /** One operation on the table and the model. */
    sealed interface Op permits Put, Remove, RemoveRange, CopyAndDiverge {}

    record Put(long hour, long records) implements Op {}

    record Remove(long hour) implements Op {}

    record RemoveRange(long from, long to) implements Op {}

    /** Takes a copy, changes the original's bucket of {@code hour} in place, and checks the copy. */
    record CopyAndDiverge(long hour) implements Op {}

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Long> near = Arbitraries.longs().between(0, 300).map(h -> BASE + h * HOUR_MS);
        Arbitrary<Long> far = Arbitraries.longs().between(-200_000, 600_000).map(h -> h * HOUR_MS);
        Arbitrary<Long> hour = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, near), net.jqwik.api.Tuple.of(1, far));
        Arbitrary<Op> put =
                Combinators.combine(hour, Arbitraries.longs().between(1, 1_000)).as(Put::new);
        Arbitrary<Op> remove = hour.map(Remove::new);
        Arbitrary<Op> range = Combinators.combine(near, Arbitraries.longs().between(0, 100))
                .as((from, hours) -> new RemoveRange(from, from + hours * HOUR_MS));
        Arbitrary<Op> diverge = hour.map(CopyAndDiverge::new);
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(12, put),
                        net.jqwik.api.Tuple.of(4, remove),
                        net.jqwik.api.Tuple.of(1, range),
                        net.jqwik.api.Tuple.of(1, diverge))
                .list()
                .ofMinSize(1)
                .ofMaxSize(600);
    }

    @Property(tries = 300)
    void holdsWhatAMapOfTheSameHoursHolds(@ForAll("operations") List<Op> ops) throws Exception {
        HourTable table = new HourTable();
        TreeMap<Long, Long> model = new TreeMap<>();
        for (Op op : ops) {
            long hour;
            if (op instanceof Put p) {
                hour = p.hour();
                table.put(hour, bucket(p.records()));
                model.put(hour, p.records());
            } else if (op instanceof Remove r) {
                hour = r.hour();
                table.remove(hour);
                model.remove(hour);
            } else if (op instanceof RemoveRange r) {
                hour = r.from();
                table.removeIf(h -> r.from() <= h && h < r.to());
                model.subMap(r.from(), r.to()).clear();
            } else {
                hour = ((CopyAndDiverge) op).hour();
                HourTable copy = table.copy();
                HourBucket original = table.get(hour);
                BigDecimal before = original == null ? null : original.usage.sum;
                if (original != null) {
                    original.usage.sum = before.add(BigDecimal.ONE);
                }
                assertHolds(copy, model);
                if (original != null) {
                    original.usage.sum = before;
                }
            }
            HourBucket now = table.get(hour);
            assertThat(now == null ? null : now.usage.count).isEqualTo(model.get(hour));
        }
        assertHolds(table, model);
        assertHolds(roundTrip(table), model);
    }

    @Test
    void aTableReadBackFromItsBytesHoldsTheSameFiguresInAQuarterOfItsBucketsBytes() throws Exception {
        HourTable table = new HourTable();
        for (int h = 0; h < 744; h++) {
            HourBucket b = bucket(3);
            b.reported.add(new BigDecimal("0.000000001"));
            table.put(BASE + h * HOUR_MS, b);
        }
        HourTable back = roundTrip(table);
        assertThat(back.size()).isEqualTo(744);
        HourBucket last = back.get(BASE + 743 * HOUR_MS);
        assertThat(last.usage.sum).isEqualByComparingTo("3");
        assertThat(last.reported.max).isEqualTo(new BigDecimal("0.000000001"));
        assertThat(bytes(table).length).isLessThan(744 * bytes(bucket(3), "0.000000001").length / 4);
    }

    @Test
    void aTableWrittenHourByHourBeforeTheDaysStillReads() throws Exception {
        TreeMap<Long, Long> model = new TreeMap<>();
        DataOutputSerializer out = new DataOutputSerializer(64);
        long[] hours = {-5 * HOUR_MS, BASE, BASE + HOUR_MS, BASE + 30 * HOUR_MS};
        io.reckon.jobs.records.DecimalCodec.writeUnsigned(out, hours.length);
        for (int i = 0; i < hours.length; i++) {
            if (i == 0) {
                io.reckon.jobs.records.DecimalCodec.writeZigZag(out, hours[0] / HOUR_MS);
            } else {
                io.reckon.jobs.records.DecimalCodec.writeUnsigned(out, (hours[i] - hours[i - 1]) / HOUR_MS);
            }
            HourBucketSerializer.INSTANCE.serialize(bucket(i + 1), out);
            model.put(hours[i], (long) i + 1);
        }
        HourTable read = HourTableSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertHolds(read, model);
        assertHolds(roundTrip(read), model);
    }

    @Test
    void aWholeTableInOneSetOfColumnsSavesTheHeadersOfItsDays() throws Exception {
        long[] hours = new long[744];
        HourBucket[] buckets = new HourBucket[hours.length];
        for (int h = 0; h < hours.length; h++) {
            hours[h] = BASE + h * HOUR_MS;
            buckets[h] = bucket(1 + h % 4);
        }
        DataOutputSerializer byDay = new DataOutputSerializer(64);
        HourTableSerializer.writeDays(hours, buckets, byDay);
        DataOutputSerializer whole = new DataOutputSerializer(64);
        HourTableSerializer.write(hours, buckets, whole);
        assertThat(whole.length()).isLessThan(byDay.length() - 31 * 20);

        // Both read back as the same table (the days' form is still read, as written before).
        TreeMap<Long, Long> model = new TreeMap<>();
        for (int h = 0; h < hours.length; h++) {
            model.put(hours[h], 1L + h % 4);
        }
        assertHolds(read(byDay.getCopyOfBuffer()), model);
        assertHolds(read(whole.getCopyOfBuffer()), model);
    }

    @Test
    void aTableWithAFigureBeyondALongIsWrittenByDayAndReadsExactly() throws Exception {
        HourTable table = new HourTable();
        for (int h = 0; h < 50; h++) {
            table.put(BASE + h * HOUR_MS, bucket(2));
        }
        HourBucket wide = bucket(1);
        wide.reported.add(new BigDecimal("92233720368547758080.123456789"));
        table.put(BASE + 7 * HOUR_MS, wide);
        byte[] b = bytes(table);
        assertThat(io.reckon.jobs.records.DecimalCodec.readUnsigned(new DataInputDeserializer(b)))
                .isNotEqualTo(HourTableSerializer.PACKED_MARKER);
        HourTable back = read(b);
        assertThat(back.size()).isEqualTo(50);
        assertThat(back.get(BASE + 7 * HOUR_MS).reported.sum)
                .isEqualTo(new BigDecimal("92233720368547758080.123456789"));
        assertThat(back.get(BASE + 8 * HOUR_MS).usage.sum).isEqualTo(new BigDecimal("2"));
    }

    @Property(tries = 2000)
    void anyBytesAfterTheMarkerOfAWholeTableGiveATableOrAnIoException(@ForAll byte[] bytes) {
        DataOutputSerializer out = new DataOutputSerializer(16);
        try {
            io.reckon.jobs.records.DecimalCodec.writeUnsigned(out, HourTableSerializer.PACKED_MARKER);
            out.write(bytes);
            read(out.getCopyOfBuffer());
        } catch (IOException corrupt) {
            // refused: the outcome corrupt bytes must have
        } catch (Exception e) {
            throw new AssertionError("a table read from any bytes fails only as corrupt", e);
        }
    }

    @Property(tries = 300)
    void bytesOfAWholeTableWithAByteChangedGiveATableOrAnIoException(
            @ForAll("operations") List<Op> ops, @ForAll int position, @ForAll byte value) throws Exception {
        HourTable table = new HourTable();
        for (Op op : ops) {
            if (op instanceof Put p) {
                table.put(p.hour(), bucket(p.records()));
            }
        }
        byte[] b = bytes(table);
        b[Math.floorMod(position, b.length)] = value;
        try {
            read(b);
        } catch (IOException corrupt) {
            // refused
        }
    }

    @Test
    void anHourThatIsNotTheStartOfAnHourIsRefusedWhenWritten() {
        HourTable table = new HourTable();
        table.put(BASE + 1, bucket(1));
        assertThatThrownBy(() -> bytes(table)).isInstanceOf(IOException.class).hasMessageContaining("start of an hour");
        assertThatThrownBy(() -> table.put(BASE, null)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void assertHolds(HourTable table, TreeMap<Long, Long> model) throws Exception {
        assertThat(table.size()).isEqualTo(model.size());
        Map<Long, Long> seen = new TreeMap<>();
        table.forEach((hour, b) -> seen.put(hour, b.usage.count));
        assertThat(seen).isEqualTo(model);
        for (Map.Entry<Long, Long> e : model.entrySet()) {
            assertThat(table.get(e.getKey()).usage.sum).isEqualTo(BigDecimal.valueOf(e.getValue()));
            assertThat(table.get(e.getKey() + HOUR_MS) == null).isEqualTo(!model.containsKey(e.getKey() + HOUR_MS));
        }
    }

    /** A bucket of {@code records} usage records of 1 each. */
    private static HourBucket bucket(long records) {
        HourBucket b = new HourBucket();
        for (long i = 0; i < records; i++) {
            b.usage.add(BigDecimal.ONE);
        }
        return b;
    }

    private static HourTable roundTrip(HourTable table) throws IOException {
        return read(bytes(table));
    }

    private static HourTable read(byte[] bytes) throws IOException {
        return HourTableSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes));
    }

    private static byte[] bytes(HourTable table) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        HourTableSerializer.INSTANCE.serialize(table, out);
        return out.getCopyOfBuffer();
    }

    private static byte[] bytes(HourBucket b, String reported) throws IOException {
        HourBucket copy = HourBucketSerializer.INSTANCE.copy(b);
        copy.reported.add(new BigDecimal(reported));
        DataOutputSerializer out = new DataOutputSerializer(64);
        HourBucketSerializer.INSTANCE.serialize(copy, out);
        return out.getCopyOfBuffer();
    }
}
