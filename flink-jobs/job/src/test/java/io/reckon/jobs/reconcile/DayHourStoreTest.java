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
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

/**
 * {@link DayHourStore} against a sorted map of the same hours: after any sequence of puts,
 * replacements, removals, removals by range, hours taken over where absent and days settled (into
 * their months), the store holds exactly the map's hours and buckets, a reader sees them, every day is
 * an entry of its own start holding only its own hours, every month an entry of its own start, a day
 * entry's hours supersede its month's, and each day's and month's bytes read back by {@link
 * HourDaySerializer} and {@link HourMonthSerializer} hold the same. Puts and removals after a settle
 * change settled days, as late records do. Hours come in runs of neighbours
 * and far apart (before 1970 too, where a day's start is below its hours' and floor division
 * matters), with buckets of every size, quantities at several scales among them.
 */
class DayHourStoreTest {

    private static final long BASE = 490_000L * HOUR_MS;

    sealed interface Op permits Put, Remove, RemoveRange, PutAbsent, Settle, Change {}

    record Put(long hour, long records, int scale) implements Op {}

    record Remove(long hour) implements Op {}

    record RemoveRange(long from, long to) implements Op {}

    /** The days up to the one of {@code hour} settle: into their months. */
    record Settle(long hour) implements Op {}

    /** Hours of another layout taken over: each sets its bucket only where the store has none. */
    record PutAbsent(List<Put> puts) implements Op {}

    /** Records of several hours written out together: each hour's bucket gets its records added. */
    record Change(List<Put> puts) implements Op {}

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Long> near = Arbitraries.longs().between(0, 240).map(h -> BASE + h * HOUR_MS);
        Arbitrary<Long> far = Arbitraries.longs().between(-200_000, 600_000).map(h -> h * HOUR_MS);
        Arbitrary<Long> hour = Arbitraries.frequencyOf(Tuple.of(6, near), Tuple.of(1, far));
        Arbitrary<Op> put = Combinators.combine(
                        hour,
                        Arbitraries.longs().between(1, 300),
                        Arbitraries.integers().between(0, 12))
                .as(Put::new);
        Arbitrary<Op> remove = hour.map(Remove::new);
        Arbitrary<Op> range = Combinators.combine(near, Arbitraries.longs().between(0, 60))
                .as((from, hours) -> new RemoveRange(from, from + hours * HOUR_MS));
        Arbitrary<Op> putAbsent = put.map(Put.class::cast).list().ofMaxSize(60).map(PutAbsent::new);
        Arbitrary<Op> settle = hour.map(Settle::new);
        Arbitrary<Op> change = put.map(Put.class::cast)
                .list()
                .ofMaxSize(30)
                .uniqueElements(Put::hour)
                .map(Change::new);
        return Arbitraries.frequencyOf(
                        Tuple.of(12, put),
                        Tuple.of(4, remove),
                        Tuple.of(1, range),
                        Tuple.of(1, putAbsent),
                        Tuple.of(2, settle),
                        Tuple.of(3, change))
                .list()
                .ofMinSize(1)
                .ofMaxSize(400);
    }

    @Property(tries = 300)
    void holdsWhatAMapOfTheSameHoursHolds(@ForAll("operations") List<Op> ops) throws Exception {
        InMemoryState.OfMap<Long, HourDay> days = new InMemoryState.OfMap<>();
        InMemoryState.OfMap<Long, HourMonth> months = new InMemoryState.OfMap<>();
        DayHourStore store = new DayHourStore(days, months);
        TreeMap<Long, HourBucket> model = new TreeMap<>();
        for (Op op : ops) {
            if (op instanceof Put p) {
                HourBucket b = bucket(p.records(), p.scale());
                store.put(p.hour(), b);
                model.put(p.hour(), b);
                assertThat(CompactSerializers.same(store.get(p.hour()), b)).isTrue();
            } else if (op instanceof Remove r) {
                store.remove(r.hour());
                model.remove(r.hour());
                assertThat(store.get(r.hour())).isNull();
            } else if (op instanceof Settle st) {
                long day = HourDay.dayOf(st.hour());
                store.settle(day);
                assertSettled(days, day);
            } else if (op instanceof Change c) {
                Map<Long, HourBucket> added = new java.util.HashMap<>();
                c.puts().forEach(p -> added.put(p.hour(), bucket(p.records(), p.scale())));
                store.change(c.puts().stream().map(Put::hour).toList(), (hour, b) -> {
                    b.usage.merge(added.get(hour).usage);
                    b.reported.merge(added.get(hour).reported);
                });
                added.forEach((hour, add) -> model.compute(hour, (k, old) -> {
                    HourBucket merged = new HourBucket();
                    if (old != null) {
                        merged.usage.merge(old.usage);
                        merged.reported.merge(old.reported);
                    }
                    merged.usage.merge(add.usage);
                    merged.reported.merge(add.reported);
                    return merged;
                }));
            } else if (op instanceof PutAbsent a) {
                TreeMap<Long, HourBucket> taken = new TreeMap<>();
                a.puts().forEach(p -> taken.put(p.hour(), bucket(p.records(), p.scale())));
                store.putAbsent(taken);
                taken.forEach(model::putIfAbsent);
            } else {
                RemoveRange r = (RemoveRange) op;
                store.removeIf(h -> r.from() <= h && h < r.to());
                model.subMap(r.from(), r.to()).clear();
            }
        }
        assertHolds(store, days, months, model);
    }

    /**
     * Days settle into their month a week at a time, the weeks ending on the 7th, 14th, 21st, 28th and
     * last of the month; a late record's day is copied out of its month into an entry that supersedes
     * the month's hours of it.
     */
    @Test
    void settledDaysGoIntoTheirMonthAWeekAtATime() throws Exception {
        InMemoryState.OfMap<Long, HourDay> days = new InMemoryState.OfMap<>();
        InMemoryState.OfMap<Long, HourMonth> months = new InMemoryState.OfMap<>();
        DayHourStore store = new DayHourStore(days, months);
        TreeMap<Long, HourBucket> model = new TreeMap<>();
        long november20 = utc("2025-11-20");
        long november = HourMonth.monthOf(november20);
        for (long hour = november20; hour < november20 + 13 * HourDay.DAY_MS; hour += HOUR_MS) {
            HourBucket b = bucket(hour / HOUR_MS % 7 + 1, 9);
            store.put(hour, b);
            model.put(hour, b);
        }
        store.settle(november20); // waits, packed
        assertThat(months.isEmpty()).isTrue();
        assertThat(days.get(november20).isPacked()).isTrue();
        store.settle(utc("2025-11-21")); // the week of the 15th to the 21st
        assertThat(months.get(november).size()).isEqualTo(2 * 24);
        assertThat(days.contains(november20)).isFalse();
        for (long d = utc("2025-11-22"); d <= utc("2025-11-27"); d += HourDay.DAY_MS) {
            store.settle(d);
        }
        assertThat(months.get(november).size()).isEqualTo(2 * 24);
        store.settle(utc("2025-11-28"));
        assertThat(months.get(november).size()).isEqualTo(9 * 24);
        store.settle(utc("2025-11-29"));
        store.settle(utc("2025-11-30")); // the month's last day
        assertThat(months.get(november).size()).isEqualTo(11 * 24);
        assertThat(days.contains(utc("2025-11-29"))).isFalse();

        long late = utc("2025-11-22") + 5 * HOUR_MS;
        HourBucket changed = bucket(40, 2);
        store.put(late, changed);
        model.put(late, changed);
        assertThat(days.get(utc("2025-11-22")).hours()).isEqualTo(HourDay.ALL_HOURS);
        assertHolds(store, days, months, model);
        store.settle(utc("2025-12-01"));
        store.settle(utc("2025-12-02"));
        assertThat(months.contains(utc("2025-12-01"))).isFalse();
        store.settle(utc("2025-12-07"));
        assertThat(months.get(utc("2025-12-01")).size()).isEqualTo(2 * 24);
        assertThat(days.contains(utc("2025-11-22")))
                .as("the late day keeps its entry")
                .isTrue();
        assertHolds(store, days, months, model);

        assertThat(MonthSettling.weekOf(utc("2024-02-29"))).isEqualTo(utc("2024-02-29"));
        assertThat(MonthSettling.weekOf(utc("2026-02-28"))).isEqualTo(utc("2026-02-22"));
        assertThat(MonthSettling.weekOf(utc("2026-01-31"))).isEqualTo(utc("2026-01-29"));
        assertThat(MonthSettling.weekOf(utc("1969-12-14"))).isEqualTo(utc("1969-12-08"));
        assertThat(MonthSettling.weekOf(utc("2026-01-30"))).isEqualTo(MonthSettling.NO_WEEK);
    }

    /**
     * A tick's reader that read a month before a week of days went into it (the tick settles days
     * between its reads) sees those days' hours after, not the month as it read it.
     */
    @Test
    void aReaderSeesTheHoursOfAWeekThatWentIntoItsMonthWhileItRead() throws Exception {
        InMemoryState.OfMap<Long, HourDay> days = new InMemoryState.OfMap<>();
        InMemoryState.OfMap<Long, HourMonth> months = new InMemoryState.OfMap<>();
        DayHourStore store = new DayHourStore(days, months);
        TreeMap<Long, HourBucket> model = new TreeMap<>();
        long first = utc("2025-11-01");
        for (long hour = first; hour < first + 14 * HourDay.DAY_MS; hour += HOUR_MS) {
            HourBucket b = bucket(hour / HOUR_MS % 5 + 1, 9);
            store.put(hour, b);
            model.put(hour, b);
        }
        for (long d = first; d < first + 7 * HourDay.DAY_MS; d += HourDay.DAY_MS) {
            store.settle(d);
        }
        HourStore.Reader reader = store.reader();
        long read = first + 12 * HOUR_MS;
        assertThat(CompactSerializers.same(reader.get(read), model.get(read))).isTrue(); // from the month
        for (long d = first + 7 * HourDay.DAY_MS; d < first + 14 * HourDay.DAY_MS; d += HourDay.DAY_MS) {
            store.settle(d);
        }
        assertThat(days.isEmpty()).as("the second week went into the month").isTrue();
        for (long hour = first; hour < first + 14 * HourDay.DAY_MS; hour += HOUR_MS) {
            assertThat(CompactSerializers.same(reader.get(hour), model.get(hour)))
                    .as("hour %d", hour)
                    .isTrue();
        }
    }

    private static long utc(String date) {
        return java.time.LocalDate.parse(date).toEpochDay() * HourDay.DAY_MS;
    }

    @Test
    void anHourChangedInItsDayLeavesTheOtherHoursAsTheyWere() throws Exception {
        HourDay day = HourDay.EMPTY;
        for (int h = 0; h < HourDay.HOURS; h++) {
            day = day.with(h, bucket(h + 1, 9));
        }
        HourDay changed = day.with(7, bucket(500, 1));
        for (int h = 0; h < HourDay.HOURS; h++) {
            HourBucket expected = h == 7 ? bucket(500, 1) : bucket(h + 1, 9);
            assertThat(CompactSerializers.same(changed.get(h), expected))
                    .as("hour %d", h)
                    .isTrue();
        }
        assertThat(day.without(7).get(7)).isNull();
        assertThat(day.without(7).without(7).hours()).isEqualTo(day.without(7).hours());
        assertThat(changed.get(7)).isNotSameAs(changed.get(7));
    }

    @Test
    void aDayWhoseBytesDoNotHoldItsHoursIsCorrupt() throws Exception {
        HourDay day = HourDay.EMPTY.with(3, bucket(2, 9)).with(20, bucket(5, 0));
        byte[] bytes = bytes(day);
        // Hour bits: one hour more than the bytes hold; one fewer.
        assertThatThrownBy(() -> read(withHours(bytes, day.hours() | 1 << 11))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> read(withHours(bytes, day.hours() & ~(1 << 20))))
                .isInstanceOf(IOException.class);
        // The first bucket's length (after the three bytes of hours and the one of the day's length)
        // past the end of the day.
        byte[] beyond = bytes.clone();
        beyond[4] = 0x7F;
        assertThatThrownBy(() -> read(beyond)).isInstanceOf(IOException.class);
        // A length byte cut short.
        assertThatThrownBy(() -> read(java.util.Arrays.copyOf(bytes, bytes.length - 1)))
                .isInstanceOf(IOException.class);
        assertThat(read(bytes).hours()).isEqualTo(day.hours());
    }

    /**
     * After {@code day} settled: when it ends a week of its month, no day of that week has an entry left
     * (they went into their month); otherwise its entry, if any, is packed when it has four hours or
     * more.
     */
    private static void assertSettled(InMemoryState.OfMap<Long, HourDay> days, long day) {
        long weekStart = MonthSettling.weekOf(day);
        if (weekStart == MonthSettling.NO_WEEK) {
            HourDay d = days.get(day);
            assertThat(d == null || d.isPacked() || Integer.bitCount(d.hours()) < HourDay.PACKED_FROM_HOURS)
                    .as("a settled day waiting for its week's end is packed")
                    .isTrue();
            return;
        }
        for (long d = weekStart; d <= day; d += HourDay.DAY_MS) {
            assertThat(days.contains(d))
                    .as("a day of a week that ended is in its month")
                    .isFalse();
        }
    }

    private static void assertHolds(
            DayHourStore store,
            InMemoryState.OfMap<Long, HourDay> days,
            InMemoryState.OfMap<Long, HourMonth> months,
            TreeMap<Long, HourBucket> model)
            throws Exception {
        Map<Long, HourBucket> seen = new TreeMap<>();
        store.forEach(seen::put);
        assertThat(seen.keySet()).isEqualTo(model.keySet());
        HourStore.Reader reader = store.reader();
        for (Map.Entry<Long, HourBucket> e : model.entrySet()) {
            assertThat(CompactSerializers.same(seen.get(e.getKey()), e.getValue()))
                    .isTrue();
            assertThat(CompactSerializers.same(reader.get(e.getKey()), e.getValue()))
                    .isTrue();
            assertThat(reader.get(e.getKey() + HOUR_MS) == null).isEqualTo(!model.containsKey(e.getKey() + HOUR_MS));
        }
        for (Map.Entry<Long, HourDay> d : days.entries()) {
            assertThat(d.getKey() % HourDay.DAY_MS).isZero();
            assertThat(d.getValue().isEmpty()).as("an empty day is removed").isFalse();
            HourDay back = read(bytes(d.getValue()));
            assertThat(back.hours()).isEqualTo(d.getValue().hours());
            back.forEach(d.getKey(), (hour, b) -> {
                assertThat(HourDay.dayOf(hour)).isEqualTo(d.getKey());
                assertThat(CompactSerializers.same(b, model.get(hour))).isTrue();
            });
        }
        for (Map.Entry<Long, HourMonth> m : months.entries()) {
            assertThat(HourMonth.monthOf(m.getKey())).isEqualTo(m.getKey());
            assertThat(m.getValue().size()).as("an empty month is removed").isPositive();
            HourMonth back = CompactSerializers.read(
                    HourMonthSerializer.INSTANCE,
                    CompactSerializers.bytes(HourMonthSerializer.INSTANCE, m.getValue()),
                    null);
            back.forEach(m.getKey(), day -> !days.contains(day), (hour, b) -> {
                assertThat(HourMonth.monthOf(hour)).isEqualTo(m.getKey());
                assertThat(CompactSerializers.same(b, model.get(hour)))
                        .as("hour %d of a month", hour)
                        .isTrue();
            });
        }
    }

    /** A bucket of {@code records} usage records, reported as measured but for every third hour. */
    private static HourBucket bucket(long records, int scale) {
        HourBucket b = new HourBucket();
        for (long i = 0; i < records; i++) {
            BigDecimal q = BigDecimal.valueOf(i * 37 + 1, 1).setScale(scale, java.math.RoundingMode.DOWN);
            b.usage.add(q);
            b.reported.add(records % 3 == 0 ? q.add(BigDecimal.ONE) : q);
        }
        return b;
    }

    private static byte[] bytes(HourDay day) throws IOException {
        return CompactSerializers.bytes(HourDaySerializer.INSTANCE, day);
    }

    private static HourDay read(byte[] bytes) throws IOException {
        return CompactSerializers.read(HourDaySerializer.INSTANCE, bytes, null);
    }

    private static byte[] withHours(byte[] bytes, int hours) {
        byte[] b = bytes.clone();
        b[0] = (byte) hours;
        b[1] = (byte) (hours >>> 8);
        b[2] = (byte) (hours >>> 16);
        return b;
    }
}
