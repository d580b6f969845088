package io.reckon.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * {@link IdTable} against a plain map of the same ids: after any sequence of puts, puts if absent,
 * replacements and removals by time, the table holds exactly the map's ids and copies. The ids are drawn from a small
 * set in groups that share their String hash ("Aa" and "BB" hash alike, so "evt-3AaBB" and "evt-3BBAa"
 * do), so that probing, collisions, runs that wrap around the end of the slots and the shifting back on
 * removal are exercised, not just the common case of an id alone in its slot; and with segments small
 * enough that every try splits the table.
 */
class IdTableTest {

    /** 40 ids in groups of four that share their hash, and a long one with characters beyond Latin-1. */
    private static final List<String> IDS = ids();

    private static List<String> ids() {
        List<String> ids = new ArrayList<>();
        String[] halves = {"Aa", "BB"};
        for (int prefix = 0; prefix < 10; prefix++) {
            for (int i = 0; i < 4; i++) {
                ids.add("evt-" + prefix + halves[i & 1] + halves[(i >> 1) & 1]);
            }
        }
        ids.add("é-ünïcode-" + "x".repeat(200));
        return ids;
    }

    /** One operation on the table and the model. */
    sealed interface Op permits Put, PutIfAbsent, RemoveBefore, CopyAndDiverge {}

    record Put(String id, IdCopies copies) implements Op {}

    /** Stores the copies only for an id without any, and must return the copies it had. */
    record PutIfAbsent(String id, IdCopies copies) implements Op {}

    record RemoveBefore(long cutoff) implements Op {}

    /** Takes a copy, changes the original, and checks that the copy did not change. */
    record CopyAndDiverge(String id) implements Op {}

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<String> id = Arbitraries.of(IDS);
        Arbitrary<Long> time = Arbitraries.longs().between(0, 100);
        Arbitrary<BigDecimal> narrow = Combinators.combine(
                        Arbitraries.longs().between(-1_000_000_000_000L, 1_000_000_000_000L),
                        Arbitraries.integers().between(-3, 12))
                .as(BigDecimal::valueOf);
        Arbitrary<BigDecimal> wide = Arbitraries.integers()
                .between(0, 9)
                .map(s -> new BigDecimal(BigInteger.TEN.pow(25).add(BigInteger.valueOf(s)), 9));
        Arbitrary<BigDecimal> scaleOutOfByte = Arbitraries.of(BigDecimal.valueOf(7, 200), BigDecimal.valueOf(7, -200));
        Arbitrary<IdCopies> one = Combinators.combine(
                        time,
                        Arbitraries.frequencyOf(
                                net.jqwik.api.Tuple.of(8, narrow),
                                net.jqwik.api.Tuple.of(1, wide),
                                net.jqwik.api.Tuple.of(1, scaleOutOfByte),
                                net.jqwik.api.Tuple.of(1, Arbitraries.just((BigDecimal) null))))
                .as(IdCopies::one);
        Arbitrary<IdCopies> several =
                Combinators.combine(one, time, narrow).as((c, t, q) -> c.contains(t, q) ? c : c.with(t, q));
        Arbitrary<Op> put = Combinators.combine(
                        id, Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, one), net.jqwik.api.Tuple.of(1, several)))
                .as(Put::new);
        Arbitrary<Op> putIfAbsent = Combinators.combine(id, one).as(PutIfAbsent::new);
        Arbitrary<Op> remove = time.map(RemoveBefore::new);
        Arbitrary<Op> copy = id.map(CopyAndDiverge::new);
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(12, put),
                        net.jqwik.api.Tuple.of(6, putIfAbsent),
                        net.jqwik.api.Tuple.of(1, remove),
                        net.jqwik.api.Tuple.of(1, copy))
                .list()
                .ofMaxSize(300);
    }

    @Property(tries = 300)
    void holdsExactlyTheIdsOfAPlainMap(
            @ForAll("operations") List<Op> ops, @ForAll boolean smallSegments, @ForAll boolean stringHash)
            throws Exception {
        // Segments of 16 slots split after 9 ids: the ids of every try spread over several segments.
        // Under String.hashCode the ids of a group share their hash (the keyed hash spreads them).
        IdTable table = new IdTable(
                smallSegments ? IdSlots.MIN_SLOTS : IdTable.MAX_SEGMENT_SLOTS,
                stringHash ? String::hashCode : IdTable::keyedHash);
        Map<String, IdCopies> model = new HashMap<>();
        for (Op op : ops) {
            if (op instanceof Put p) {
                table.put(p.id(), p.copies());
                model.put(p.id(), p.copies());
            } else if (op instanceof PutIfAbsent p) {
                assertThat(table.putIfAbsent(p.id(), p.copies()))
                        .as("copies of %s before", p.id())
                        .isEqualTo(model.putIfAbsent(p.id(), p.copies()));
            } else if (op instanceof RemoveBefore r) {
                table.removeLatestBefore(r.cutoff());
                model.values().removeIf(c -> c.latest() < r.cutoff());
            } else if (op instanceof CopyAndDiverge c) {
                IdTable copy = table.copy();
                Map<String, IdCopies> before = new HashMap<>(model);
                table.put(c.id(), IdCopies.one(1_000, BigDecimal.ONE));
                model.put(c.id(), IdCopies.one(1_000, BigDecimal.ONE));
                assertSame(copy, before);
            }
            assertSame(table, model);
        }
        assertSame(roundTrip(table), model);
    }

    @Test
    void growsAndShrinksWithItsIds() {
        // 10,000 ids: more than one segment of the default size holds.
        IdTable table = new IdTable();
        for (int i = 0; i < 10_000; i++) {
            table.put("evt-" + i, IdCopies.one(i, BigDecimal.valueOf(i, 9)));
        }
        assertThat(table.size()).isEqualTo(10_000);
        table.removeLatestBefore(9_990);
        Map<String, IdCopies> left = entries(table);
        assertThat(left).hasSize(10).containsKey("evt-9990").containsKey("evt-9999");
        assertThat(table.get("evt-9989")).isNull();
        assertThat(table.get("evt-9995")).isEqualTo(IdCopies.one(9_995, BigDecimal.valueOf(9_995, 9)));
    }

    @Test
    void idsMadeToShareAHashDoNotShareAProbe() {
        // 2^15 ids of one String.hashCode, as a hostile producer could send: "Aa" and "BB" hash alike.
        List<String> flood = new ArrayList<>();
        for (int i = 0; i < 1 << 15; i++) {
            StringBuilder id = new StringBuilder("evt-");
            for (int bit = 0; bit < 15; bit++) {
                id.append(((i >> bit) & 1) == 0 ? "Aa" : "BB");
            }
            flood.add(id.toString());
        }
        assertThat(flood.stream().mapToInt(String::hashCode).distinct().count()).isEqualTo(1);
        IdTable keyed = new IdTable();
        IdTable byStringHash = new IdTable(IdTable.MAX_SEGMENT_SLOTS, String::hashCode);
        for (int i = 0; i < 4_096; i++) {
            byStringHash.putIfAbsent(flood.get(i), IdCopies.one(i, BigDecimal.ONE));
        }
        for (int i = 0; i < flood.size(); i++) {
            keyed.putIfAbsent(flood.get(i), IdCopies.one(i, BigDecimal.ONE));
        }
        // Under String.hashCode each new id is compared with every one before it.
        assertThat(byStringHash.longestProbe()).isEqualTo(4_096);
        assertThat(keyed.size()).isEqualTo(1 << 15);
        assertThat(keyed.longestProbe()).isLessThan(100);
        assertThat(keyed.get(flood.get(12_345))).isEqualTo(IdCopies.one(12_345, BigDecimal.ONE));
    }

    private static void assertSame(IdTable table, Map<String, IdCopies> model) {
        assertThat(table.size()).isEqualTo(model.size());
        assertThat(entries(table)).isEqualTo(model);
        for (String id : IDS) {
            assertThat(table.get(id)).as(id).isEqualTo(model.get(id));
            assertThat(table.contains(id)).as(id).isEqualTo(model.containsKey(id));
        }
        List<IdCopies> all = new ArrayList<>();
        table.forEach(all::add);
        assertThat(all).containsExactlyInAnyOrderElementsOf(model.values());
    }

    private static Map<String, IdCopies> entries(IdTable table) {
        Map<String, IdCopies> m = new HashMap<>();
        table.forEachEntry(
                (id, c) -> assertThat(m.put(id, c)).as("%s listed twice", id).isNull());
        return m;
    }

    private static IdTable roundTrip(IdTable table) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(256);
        IdTableSerializer.INSTANCE.serialize(table, out);
        return IdTableSerializer.INSTANCE.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }
}
