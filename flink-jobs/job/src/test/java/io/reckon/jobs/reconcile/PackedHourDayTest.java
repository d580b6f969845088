package io.reckon.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.pricing.Aggregation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.List;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * The packed form of a day of hours ({@link PackedHours} in an {@link HourDay}): any figures, of any
 * scale, sign and size, read back exactly after any changes of the day's hours and through {@link
 * HourDaySerializer}; a day of four hours or more is packed when settled, and stays so, unless a
 * figure is beyond a long; days in the per-hour form read
 * as they were and are packed at their first change; an hour reported as measured costs no more than
 * one without reports; any bytes read as a day give a day or an {@link IOException}.
 */
class PackedHourDayTest {

    record Change(int hour, HourBucket bucket) {}

    @Provide
    Arbitrary<List<Change>> changes() {
        Arbitrary<HourBucket> bucket = Arbitraries.frequencyOf(
                Tuple.of(6, Combinators.combine(agg(), agg()).as(PackedHourDayTest::bucket)),
                Tuple.of(3, agg().map(a -> bucket(a, a.copy()))),
                Tuple.of(2, agg().map(a -> bucket(a, lessReported(a)))),
                Tuple.of(1, Arbitraries.just((HourBucket) null)));
        return Combinators.combine(Arbitraries.integers().between(0, 23), bucket)
                .as(Change::new)
                .list()
                .ofMinSize(1)
                .ofMaxSize(80);
    }

    @Property(tries = 400)
    void anyFiguresReadBackAfterAnyChangesOfTheDay(@ForAll("changes") List<Change> changes) throws IOException {
        HourDay day = HourDay.EMPTY;
        TreeMap<Integer, HourBucket> model = new TreeMap<>();
        for (Change c : changes) {
            if (c.bucket() == null) {
                day = day.without(c.hour());
                model.remove(c.hour());
            } else {
                boolean wasPacked = day.isPacked();
                day = day.with(c.hour(), c.bucket());
                model.put(c.hour(), c.bucket());
                boolean packable = model.values().stream().allMatch(b -> PackedHours.figuresOf(b) != null);
                assertThat(day.isPacked())
                        .as("a packed day stays packed while it has four hours or more")
                        .isEqualTo(packable && model.size() >= HourDay.PACKED_FROM_HOURS && wasPacked);
            }
            assertHolds(day, model);
            if (c.hour() % 5 == 0) {
                day = day.settled();
                assertHolds(day, model);
                boolean packable = model.values().stream().allMatch(b -> PackedHours.figuresOf(b) != null);
                assertThat(day.isPacked())
                        .as("settled: packed with four hours or more")
                        .isEqualTo(packable && model.size() >= HourDay.PACKED_FROM_HOURS);
            }
        }
        HourDay back = read(bytes(day));
        assertHolds(back, model);
        assertThat(back.isPacked()).isEqualTo(day.isPacked());
    }

    @Test
    void aDayInThePerHourFormReadsAsItWasAndIsPackedWhenSettled() throws IOException {
        TreeMap<Integer, HourBucket> model = new TreeMap<>();
        DataOutputSerializer buckets = new DataOutputSerializer(64);
        int hours = 0;
        for (int h = 0; h < 12; h++) {
            HourBucket b = bucket(tenths(h + 1, 9), tenths(h + 1, 9));
            DataOutputSerializer one = new DataOutputSerializer(32);
            HourBucketSerializer.INSTANCE.serialize(b, one);
            buckets.writeByte(one.length());
            buckets.write(one.getCopyOfBuffer());
            hours |= 1 << h;
            model.put(h, b);
        }
        DataOutputSerializer day = new DataOutputSerializer(64);
        day.writeByte(hours);
        day.writeByte(hours >>> 8);
        day.writeByte(hours >>> 16);
        day.writeByte(buckets.length());
        day.write(buckets.getCopyOfBuffer());

        HourDay before = read(day.getCopyOfBuffer());
        assertThat(before.isPacked()).isFalse();
        assertHolds(before, model);
        HourDay changed = before.with(7, bucket(tenths(2, 9), tenths(1, 9)));
        model.put(7, changed.get(7));
        assertThat(changed.isPacked()).isFalse();
        assertHolds(changed, model);
        changed = changed.settled();
        assertThat(changed.isPacked()).isTrue();
        assertHolds(changed, model);
        assertThat(bytes(changed).length).isLessThan(bytes(before).length);
    }

    @Test
    void aFigureBeyondALongKeepsTheDayPerHourUntilItIsGone() throws IOException {
        Agg big = new Agg();
        big.add(new BigDecimal(BigInteger.TEN.pow(30), 9));
        HourDay day = HourDay.EMPTY.with(2, bucket(big, new Agg()));
        for (int h = 3; h < 7; h++) {
            day = day.with(h, bucket(tenths(h, 9), tenths(h, 9)));
        }
        assertThat(day.settled().isPacked()).isFalse();
        assertThat(CompactSerializers.same(read(bytes(day)).get(2), bucket(big, new Agg())))
                .isTrue();
        assertThat(day.without(2).settled().isPacked()).isTrue();
        HourDay packed = day.with(2, bucket(tenths(1, 9), tenths(1, 9))).settled();
        assertThat(packed.isPacked()).isTrue();
        assertThat(packed.with(2, bucket(big, new Agg())).isPacked()).isFalse();
    }

    @Test
    void summariesCountingOtherThanTheirRecordsKeepTheDayPerHourUntilTheyAreGone() throws IOException {
        Agg summary = new Agg();
        summary.addSummary(new BigDecimal("40"));
        HourDay day = HourDay.EMPTY.with(2, bucket(tenths(400, 0), summary));
        for (int h = 3; h < 7; h++) {
            day = day.with(h, bucket(tenths(h, 9), tenths(h, 9)));
        }
        assertThat(day.settled().isPacked()).isFalse();
        HourBucket back = read(bytes(day.settled())).get(2);
        assertThat(CompactSerializers.same(back, bucket(tenths(400, 0), summary)))
                .isTrue();
        assertThat(back.reported.value(Aggregation.COUNT)).isEqualByComparingTo("40");
        assertThat(day.without(2).settled().isPacked()).isTrue();
    }

    @Test
    void anHourReportedAsMeasuredCostsNoMoreThanOneWithoutReports() {
        HourDay measured = HourDay.EMPTY;
        HourDay unreported = HourDay.EMPTY;
        for (int h = 0; h < HourDay.HOURS; h++) {
            Agg usage = tenths(1 + h * 37 % 900, 9);
            usage.merge(tenths(h + 2, 9));
            measured = measured.with(h, bucket(usage, usage.copy()));
            unreported = unreported.with(h, bucket(usage, new Agg()));
        }
        measured = measured.settled();
        unreported = unreported.settled();
        assertThat(measured.buckets().length).isEqualTo(unreported.buckets().length);
        // Counts of 2 and 24 sums of tenths at scale 9 (11 bits) and maxima (10 bits), and the headers.
        assertThat(measured.buckets().length).isLessThanOrEqualTo(24 * 21 / 8 + 1 + 10 * 4);
    }

    @Test
    void hoursReportedAsMeasuredButAFewCostBitsOfDifferenceOnlyInTheFew() {
        HourDay measured = HourDay.EMPTY;
        HourDay fewLess = HourDay.EMPTY;
        for (int h = 0; h < HourDay.HOURS; h++) {
            Agg usage = tenths(1 + h * 37 % 900, 9);
            usage.merge(tenths(h + 2, 9));
            usage.merge(tenths(1000 - h * 13, 9));
            measured = measured.with(h, bucket(usage, usage.copy()));
            fewLess = fewLess.with(h, bucket(usage, h % 4 == 0 ? lessReported(usage) : usage.copy()));
        }
        measured = measured.settled();
        fewLess = fewLess.settled();
        // Six hours' reports miss half their largest record: the reported sums and maxima differ there.
        // Per column a bit per hour, six differences of at most 11 bits and a header of at most 6 bytes
        // (24 differences of 11 bits each, 33 bytes a column, had every hour its own).
        assertThat(fewLess.buckets().length - measured.buckets().length)
                .isLessThanOrEqualTo(2 * ((24 + 6 * 11) / 8 + 1 + 6));
    }

    /** {@code a} with half its largest record missing: the report of a metering pipeline that lost it. */
    private static Agg lessReported(Agg a) {
        Agg less = a.copy();
        if (a.count > 0 && a.max.signum() > 0) {
            BigDecimal half = a.max.divide(BigDecimal.valueOf(2)).setScale(a.max.scale(), RoundingMode.DOWN);
            less.sum = a.sum.subtract(half);
            less.max = a.max.subtract(half);
        }
        return less;
    }

    @Property(tries = 3000)
    void anyBytesReadAsADayGiveADayOrAnIoException(@ForAll byte[] bytes) {
        HourDay day;
        try {
            day = readAny(bytes);
        } catch (IOException corrupt) {
            return;
        }
        try {
            for (int h = 0; h < HourDay.HOURS; h++) {
                day.get(h);
            }
            day.forEach(0L, (hour, b) -> {});
        } catch (UncheckedIOException corruptFigure) {
            assertThat(corruptFigure.getCause()).isInstanceOf(IOException.class);
        } catch (Exception e) {
            throw new AssertionError("a day read from any bytes fails only as corrupt", e);
        }
    }

    @Property(tries = 300)
    void bytesOfAPackedDayWithAByteChangedGiveADayOrAnIoException(
            @ForAll("changes") List<Change> changes, @ForAll int position, @ForAll byte value) throws IOException {
        HourDay day = HourDay.EMPTY;
        for (Change c : changes) {
            day = c.bucket() == null ? day.without(c.hour()) : day.with(c.hour(), c.bucket());
        }
        byte[] b = bytes(day.settled());
        b[Math.floorMod(position, b.length)] = value;
        anyBytesReadAsADayGiveADayOrAnIoException(b);
    }

    private static void assertHolds(HourDay day, TreeMap<Integer, HourBucket> model) throws IOException {
        for (int h = 0; h < HourDay.HOURS; h++) {
            HourBucket expected = model.get(h);
            assertThat(expected == null ? day.get(h) == null : CompactSerializers.same(day.get(h), expected))
                    .as("hour %d", h)
                    .isTrue();
        }
        TreeMap<Integer, HourBucket> seen = new TreeMap<>();
        try {
            day.forEach(0L, (hour, b) -> seen.put(HourDay.hourOfDay(hour), b));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(seen.keySet()).isEqualTo(model.keySet());
        seen.forEach(
                (h, b) -> assertThat(CompactSerializers.same(b, model.get(h))).isTrue());
    }

    /** Aggregates of any figures: counts, sums and maxima of any sign, scale and size, zeros at any scale. */
    private static Arbitrary<Agg> agg() {
        Arbitrary<BigDecimal> decimal = Combinators.combine(
                        Arbitraries.frequencyOf(
                                Tuple.of(5, Arbitraries.longs().between(-2_000, 2_000_000)),
                                Tuple.of(3, Arbitraries.longs().between(1, 1000).map(v -> v * 100_000_000L)),
                                Tuple.of(2, Arbitraries.longs()),
                                Tuple.of(1, Arbitraries.just(0L))),
                        Arbitraries.frequencyOf(
                                Tuple.of(6, Arbitraries.just(9)),
                                Tuple.of(2, Arbitraries.integers().between(-3, 20))),
                        Arbitraries.frequencyOf(
                                Tuple.of(20, Arbitraries.just(false)), Tuple.of(1, Arbitraries.just(true))))
                .as((unscaled, scale, big) -> new BigDecimal(
                        big ? BigInteger.valueOf(unscaled).shiftLeft(70) : BigInteger.valueOf(unscaled), scale));
        // Now and then reported summaries, whose count aggregate is not their count.
        Arbitrary<BigDecimal> excess =
                Arbitraries.frequencyOf(Tuple.of(15, Arbitraries.just(BigDecimal.ZERO)), Tuple.of(1, decimal));
        return Combinators.combine(Arbitraries.longs().between(0, 5_000), decimal, decimal, excess)
                .as((count, sum, max, countExcess) -> {
                    Agg a = new Agg();
                    a.count = count;
                    a.sum = sum;
                    a.max = max;
                    a.countExcess = countExcess;
                    return a;
                });
    }

    private static Agg tenths(long tenths, int scale) {
        Agg a = new Agg();
        a.add(BigDecimal.valueOf(tenths, 1).setScale(scale));
        return a;
    }

    private static HourBucket bucket(Agg usage, Agg reported) {
        return CompactSerializers.bucket(usage, reported);
    }

    private static byte[] bytes(HourDay day) throws IOException {
        return CompactSerializers.bytes(HourDaySerializer.INSTANCE, day);
    }

    /** Every byte written is read. */
    private static HourDay read(byte[] bytes) throws IOException {
        return CompactSerializers.read(HourDaySerializer.INSTANCE, bytes, null);
    }

    /** Bytes of any origin, as a state entry's value: what follows a day is left unread. */
    private static HourDay readAny(byte[] bytes) throws IOException {
        return HourDaySerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes));
    }
}
