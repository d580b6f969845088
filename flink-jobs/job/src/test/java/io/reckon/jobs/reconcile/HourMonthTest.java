package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.ReconSettings.HOUR_MS;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.junit.jupiter.api.Test;

/**
 * A month of settled hours ({@link HourMonth}): days put in and replaced in any order, days taken out
 * and hours released leave exactly the hours of a map of the same changes, read by hour, by day and
 * all together, also after {@link HourMonthSerializer}; a day with a figure beyond a long is not put
 * in; the month is UTC's calendar month; a month of busy days takes far fewer bytes than its days as
 * entries; any bytes read as a month give a month or an {@link IOException}.
 */
class HourMonthTest {

    /** A day of the month put in ({@code hours} not null) or taken out, or the hours before one released. */
    record Change(int day, List<Tuple.Tuple2<Integer, HourBucket>> hours, int releasedBefore) {}

    @Provide
    Arbitrary<List<Change>> changes() {
        Arbitrary<Tuple.Tuple2<Integer, HourBucket>> hour = Combinators.combine(
                        Arbitraries.integers().between(0, 23), bucket())
                .as(Tuple::of);
        Arbitrary<Change> put = Combinators.combine(
                        Arbitraries.integers().between(0, 30),
                        hour.list().ofMinSize(1).ofMaxSize(30))
                .as((day, hours) -> new Change(day, hours, -1));
        Arbitrary<Change> takeOut = Arbitraries.integers().between(0, 30).map(day -> new Change(day, null, -1));
        Arbitrary<Change> release =
                Arbitraries.integers().between(0, HourMonth.MAX_HOURS).map(o -> new Change(-1, null, o));
        return Arbitraries.frequencyOf(Tuple.of(10, put), Tuple.of(2, takeOut), Tuple.of(1, release))
                .list()
                .ofMinSize(1)
                .ofMaxSize(60);
    }

    @Property(tries = 300)
    void holdsWhatAMapOfTheSameChangesHolds(@ForAll("changes") List<Change> changes) throws Exception {
        HourMonth month = null;
        TreeMap<Integer, HourBucket> model = new TreeMap<>();
        for (Change c : changes) {
            if (c.releasedBefore() >= 0) {
                month = month == null ? null : month.keeping(o -> o >= c.releasedBefore());
                model.headMap(c.releasedBefore()).clear();
            } else if (c.hours() == null) {
                month = month == null ? null : month.withoutDay(c.day() * HourDay.HOURS);
                model.subMap(c.day() * HourDay.HOURS, (c.day() + 1) * HourDay.HOURS)
                        .clear();
            } else {
                HourDay day = HourDay.EMPTY;
                TreeMap<Integer, HourBucket> hours = new TreeMap<>();
                for (Tuple.Tuple2<Integer, HourBucket> h : c.hours()) {
                    day = day.with(h.get1(), h.get2());
                    hours.put(c.day() * HourDay.HOURS + h.get1(), h.get2());
                }
                HourMonth merged = withDay(month, c.day() * HourDay.HOURS, day);
                boolean beyondALong = hours.values().stream().anyMatch(b -> PackedHours.figuresOf(b) == null);
                assertThat(merged == null).as("refused: a figure beyond a long").isEqualTo(beyondALong);
                if (merged != null) {
                    month = merged;
                    model.subMap(c.day() * HourDay.HOURS, (c.day() + 1) * HourDay.HOURS)
                            .clear();
                    model.putAll(hours);
                }
            }
            assertThat(month == null ? 0 : month.size()).isEqualTo(model.size());
        }
        if (month != null) {
            assertHolds(month, model);
            assertHolds(read(bytes(month)), model);
        }
    }

    @Test
    void theMonthIsTheUtcCalendarMonth() {
        long leapDayEnd = Instant.parse("2024-02-29T23:00:00Z").toEpochMilli();
        long february = Instant.parse("2024-02-01T00:00:00Z").toEpochMilli();
        assertThat(HourMonth.monthOf(leapDayEnd)).isEqualTo(february);
        assertThat(HourMonth.offsetOf(leapDayEnd, february)).isEqualTo(29 * 24 - 1);
        assertThat(HourMonth.monthOf(Instant.parse("1969-12-31T23:00:00Z").toEpochMilli()))
                .isEqualTo(Instant.parse("1969-12-01T00:00:00Z").toEpochMilli());
        assertThat(HourMonth.monthOf(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli()))
                .isEqualTo(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
        long lastHour = Instant.parse("2026-12-31T23:00:00Z").toEpochMilli();
        long december = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
        assertThat(HourMonth.offsetOf(lastHour, december)).isEqualTo(HourMonth.MAX_HOURS - 1);
    }

    /**
     * 31 days of three records an hour, every reported sum short by a tenth in the first hours: a day
     * as an entry repeats its hour bits, flags, ten column headers and length; the month has them once.
     */
    @Test
    void aMonthOfBusyDaysTakesFarFewerBytesThanItsDays() throws IOException {
        HourMonth month = null;
        long days = 0;
        for (int d = 0; d < 31; d++) {
            HourDay day = HourDay.EMPTY;
            for (int h = 0; h < HourDay.HOURS; h++) {
                Agg usage = new Agg();
                Agg reported = new Agg();
                for (int r = 0; r < 3; r++) {
                    BigDecimal q =
                            BigDecimal.valueOf((d * 24L + h) * 37 % 1000 + r, 1).setScale(9);
                    usage.add(q);
                    reported.add(h < 6 && r == 0 ? q.subtract(BigDecimal.valueOf(1, 1)) : q);
                }
                day = day.with(h, CompactSerializers.bucket(usage, reported));
            }
            day = day.settled();
            days += CompactSerializers.bytes(HourDaySerializer.INSTANCE, day).length;
            month = withDay(month, d * HourDay.HOURS, day);
        }
        long monthBytes = bytes(month).length;
        // A day's hour bits, marker, length, flags and column headers take some 25 bytes here; the
        // month saves 20 or more of them a day (2,166 bytes against 2,936 when written).
        assertThat(monthBytes).isLessThan(days - 31 * 20);
        assertThat(read(bytes(month)).size()).isEqualTo(744);
    }

    @Property(tries = 2000)
    void anyBytesReadAsAMonthGiveAMonthOrAnIoException(@ForAll byte[] bytes) {
        HourMonth month;
        try {
            month = HourMonthSerializer.INSTANCE.deserialize(new DataInputDeserializer(bytes));
        } catch (IOException corrupt) {
            return;
        }
        try {
            for (int o = 0; o < HourMonth.MAX_HOURS; o++) {
                month.get(o);
            }
            month.forEach(0L, day -> true, (hour, b) -> {});
        } catch (UncheckedIOException corruptFigure) {
            assertThat(corruptFigure.getCause()).isInstanceOf(IOException.class);
        } catch (Exception e) {
            throw new AssertionError("a month read from any bytes fails only as corrupt", e);
        }
    }

    @Property(tries = 300)
    void bytesOfAMonthWithAByteChangedGiveAMonthOrAnIoException(
            @ForAll("changes") List<Change> changes, @ForAll int position, @ForAll byte value) throws Exception {
        HourMonth month = null;
        for (Change c : changes) {
            if (c.hours() != null) {
                HourDay day = HourDay.EMPTY;
                for (Tuple.Tuple2<Integer, HourBucket> h : c.hours()) {
                    day = day.with(h.get1(), h.get2());
                }
                HourMonth merged = withDay(month, c.day() * HourDay.HOURS, day);
                month = merged == null ? month : merged;
            }
        }
        if (month != null) {
            anyBytesReadAsAMonthGiveAMonthOrAnIoException(
                    CompactSerializers.withAByteChanged(bytes(month), position, value));
        }
    }

    private static void assertHolds(HourMonth month, TreeMap<Integer, HourBucket> model) throws Exception {
        for (int o = 0; o < HourMonth.MAX_HOURS; o++) {
            HourBucket expected = model.get(o);
            assertThat(month.has(o)).isEqualTo(expected != null);
            assertThat(expected == null ? month.get(o) == null : CompactSerializers.same(month.get(o), expected))
                    .as("hour %d", o)
                    .isTrue();
        }
        for (int d = 0; d < 31; d++) {
            HourDay day = month.day(d * HourDay.HOURS);
            for (int h = 0; h < HourDay.HOURS; h++) {
                HourBucket expected = model.get(d * HourDay.HOURS + h);
                assertThat(expected == null ? day.get(h) == null : CompactSerializers.same(day.get(h), expected))
                        .isTrue();
            }
        }
        TreeMap<Integer, HourBucket> seen = new TreeMap<>();
        month.forEach(0L, day -> true, (hour, b) -> seen.put((int) (hour / HOUR_MS), b));
        assertThat(seen.keySet()).isEqualTo(model.keySet());
        for (Map.Entry<Integer, HourBucket> e : seen.entrySet()) {
            assertThat(CompactSerializers.same(e.getValue(), model.get(e.getKey())))
                    .isTrue();
        }
    }

    /**
     * Buckets of one to fifty records of tenths at scales 0 to 12, reports as measured, short or over;
     * now and then a sum beyond a long.
     */
    private static Arbitrary<HourBucket> bucket() {
        return Combinators.combine(
                        Arbitraries.longs().between(1, 50),
                        Arbitraries.integers().between(0, 12),
                        Arbitraries.integers().between(-2, 2),
                        Arbitraries.frequencyOf(
                                Tuple.of(40, Arbitraries.just(false)), Tuple.of(1, Arbitraries.just(true))))
                .as((records, scale, reportedOff, big) -> {
                    Agg usage = new Agg();
                    Agg reported = new Agg();
                    for (long i = 0; i < records; i++) {
                        BigDecimal q = BigDecimal.valueOf(i * 37 + 1, 1).setScale(scale, java.math.RoundingMode.DOWN);
                        usage.add(big ? q.add(new BigDecimal(BigInteger.TEN.pow(30))) : q);
                        reported.add(i == 0 ? q.add(BigDecimal.valueOf(reportedOff)) : q);
                    }
                    return CompactSerializers.bucket(usage, reported);
                });
    }

    /**
     * {@code month} with the hours of the day starting {@code dayOffset} hours after its start replaced
     * by those of {@code day}, or null when a figure of the day has no packed form.
     */
    private static HourMonth withDay(HourMonth month, int dayOffset, HourDay day) {
        HourMonth.DayColumns columns = HourMonth.DayColumns.of(dayOffset, day);
        return columns == null ? null : HourMonth.withDays(month, List.of(columns));
    }

    private static byte[] bytes(HourMonth month) throws IOException {
        return CompactSerializers.bytes(HourMonthSerializer.INSTANCE, month);
    }

    private static HourMonth read(byte[] bytes) throws IOException {
        return CompactSerializers.read(HourMonthSerializer.INSTANCE, bytes, null);
    }
}
