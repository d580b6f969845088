package io.reckon.connectors.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.tuple.Tuple3;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.metrics.SimpleCounter;
import org.junit.jupiter.api.Test;

/**
 * The sink's buffer: rows a later row of the same key supersedes are not written, and the table ends
 * the same as if every row had been written. Rows are (key, as_of, final), the shape of the forecast
 * table's upsert, whose guard is "never an earlier as_of, never a final row replaced by one that is
 * not".
 */
class BufferingWriterTest {

    private static final TypeSerializer<Tuple3<String, Integer, Boolean>> SERIALIZER = new TypeHint<
            Tuple3<String, Integer, Boolean>>() {}.getTypeInfo().createSerializer(new SerializerConfigImpl());

    private static final Supersession.Guard<Tuple3<String, Integer, Boolean>> GUARD =
            (later, earlier) -> (later.f2 || !earlier.f2) && earlier.f1 <= later.f1;

    private static final Supersession<Tuple3<String, Integer, Boolean>> FORECASTS = Supersession.when(r -> r.f0, GUARD);

    @Test
    void aLaterRowOfTheSameKeyTakesTheEarlierOnesPlaceOthersAreKept() throws Exception {
        SimpleCounter superseded = new SimpleCounter();
        BufferingWriter<Tuple3<String, Integer, Boolean>> writer =
                new BufferingWriter<>(SERIALIZER, FORECASTS, superseded);
        write(writer, row("a", 1, false), row("b", 1, false), row("a", 2, false), row("a", 3, true));
        // An older as_of after a newer one, and a forecast that is not final after a final one, are
        // kept: the table's guard refuses them, which it can only do when they are written.
        write(writer, row("b", 0, false), row("a", 4, false));
        assertThat(batch(writer))
                .containsExactly(row("a", 3, true), row("b", 1, false), row("b", 0, false), row("a", 4, false));
        assertThat(superseded.getCount()).isEqualTo(2);
        // The next interval starts afresh.
        write(writer, row("a", 5, true));
        assertThat(batch(writer)).containsExactly(row("a", 5, true));
        assertThat(batch(writer)).isEmpty();
    }

    @Test
    void withoutASupersessionEveryRowIsWritten() throws Exception {
        BufferingWriter<Tuple3<String, Integer, Boolean>> writer =
                new BufferingWriter<>(SERIALIZER, null, new SimpleCounter());
        write(writer, row("a", 1, false), row("a", 2, false));
        assertThat(batch(writer)).containsExactly(row("a", 1, false), row("a", 2, false));
    }

    @Test
    void theWriterKeepsACopyOfEachRowSoObjectReuseIsSafe() throws Exception {
        BufferingWriter<Tuple3<String, Integer, Boolean>> writer =
                new BufferingWriter<>(SERIALIZER, FORECASTS, new SimpleCounter());
        Tuple3<String, Integer, Boolean> reused = row("a", 1, false);
        writer.write(reused, null);
        reused.f0 = "b";
        writer.write(reused, null);
        assertThat(batch(writer)).containsExactly(row("a", 1, false), row("b", 1, false));
    }

    /** Whatever the table held and whatever the rows, writing the batch leaves what writing every row leaves. */
    @Property(tries = 500)
    void theTableEndsTheSameAsIfEveryRowHadBeenWritten(
            @ForAll("tables") Map<String, Tuple3<String, Integer, Boolean>> before,
            @ForAll("rows") List<Tuple3<String, Integer, Boolean>> rows)
            throws Exception {
        BufferingWriter<Tuple3<String, Integer, Boolean>> writer =
                new BufferingWriter<>(SERIALIZER, FORECASTS, new SimpleCounter());
        for (Tuple3<String, Integer, Boolean> r : rows) {
            writer.write(r, null);
        }
        assertThat(upsert(before, batch(writer))).isEqualTo(upsert(before, rows));
    }

    @Provide
    Arbitrary<List<Tuple3<String, Integer, Boolean>>> rows() {
        return row().list().ofMaxSize(12);
    }

    @Provide
    Arbitrary<Map<String, Tuple3<String, Integer, Boolean>>> tables() {
        return row().list().ofMaxSize(3).map(rs -> upsert(Map.of(), rs));
    }

    private static Arbitrary<Tuple3<String, Integer, Boolean>> row() {
        return Combinators.combine(
                        Arbitraries.of("a", "b", "c"),
                        Arbitraries.integers().between(0, 4),
                        Arbitraries.of(true, false))
                .as(BufferingWriterTest::row);
    }

    /** The table after the upsert of each row in turn, under its guard. */
    private static Map<String, Tuple3<String, Integer, Boolean>> upsert(
            Map<String, Tuple3<String, Integer, Boolean>> table, List<Tuple3<String, Integer, Boolean>> rows) {
        Map<String, Tuple3<String, Integer, Boolean>> t = new HashMap<>(table);
        for (Tuple3<String, Integer, Boolean> r : rows) {
            Tuple3<String, Integer, Boolean> held = t.get(r.f0);
            if (held == null || GUARD.overwrites(r, held)) {
                t.put(r.f0, r);
            }
        }
        return t;
    }

    private static Tuple3<String, Integer, Boolean> row(String key, int asOf, boolean isFinal) {
        return Tuple3.of(key, asOf, isFinal);
    }

    @SafeVarargs
    private static void write(
            BufferingWriter<Tuple3<String, Integer, Boolean>> writer, Tuple3<String, Integer, Boolean>... rows)
            throws Exception {
        for (Tuple3<String, Integer, Boolean> r : rows) {
            writer.write(r, null);
        }
    }

    private static List<Tuple3<String, Integer, Boolean>> batch(BufferingWriter<Tuple3<String, Integer, Boolean>> w)
            throws Exception {
        List<Tuple3<String, Integer, Boolean>> out = new ArrayList<>();
        for (RowBatch b : w.prepareCommit()) {
            for (byte[] bytes : b.rows()) {
                out.add(SERIALIZER.deserialize(new DataInputDeserializer(bytes)));
            }
        }
        return out;
    }
}
