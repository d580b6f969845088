package io.reckon.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * {@link BitColumns}: any columns of longs read back exactly, in the bits {@link BitColumns#cost}
 * says; any bytes read as columns give values or an {@link IOException}, nothing else.
 */
class BitColumnsTest {

    @Provide
    Arbitrary<List<long[]>> columns() {
        Arbitrary<Long> small = Arbitraries.longs().between(-5, 300);
        Arbitrary<Long> tens = tens();
        Arbitrary<Long> any = Arbitraries.longs();
        Arbitrary<Long> edge = Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L, 1_000_000_000_000_000_000L);
        Arbitrary<Long> value =
                Arbitraries.frequencyOf(Tuple.of(4, small), Tuple.of(4, tens), Tuple.of(2, any), Tuple.of(1, edge));
        // Rows of a day, and now and then of a month (a sparse column's rows are counted in blocks of 64).
        Arbitrary<Integer> rows = Arbitraries.frequencyOf(
                Tuple.of(10, Arbitraries.integers().between(0, 30)),
                Tuple.of(1, Arbitraries.integers().between(31, 744)));
        return rows.flatMap(n -> Arbitraries.frequencyOf(
                        Tuple.of(3, value.array(long[].class).ofSize(n)),
                        Tuple.of(1, value.map(v -> constant(n, v))),
                        Tuple.of(2, mostlyOne(n, value)))
                .list()
                .ofMinSize(1)
                .ofMaxSize(12));
    }

    @Property(tries = 500)
    void anyColumnsReadBackInTheBitsTheirCostSays(@ForAll("columns") List<long[]> columns) throws IOException {
        int n = columns.get(0).length;
        List<long[]> same = columns.stream().filter(c -> c.length == n).toList();
        BitColumnWriter out = new BitColumnWriter(n);
        long bits = 0;
        for (long[] c : same) {
            out.column(c);
            bits += BitColumns.cost(c, n);
        }
        byte[] bytes = out.toBytes();
        assertThat(bytes.length).isEqualTo((int) ((bits + 7) / 8));
        BitColumnReader in = new BitColumnReader(bytes, 0, same.size(), n);
        long[] into = new long[n];
        for (int c = 0; c < same.size(); c++) {
            for (int i = 0; i < n; i++) {
                assertThat(in.get(c, i)).as("column %d, row %d", c, i).isEqualTo(same.get(c)[i]);
            }
            in.column(c, into);
            assertThat(into).as("column %d", c).containsExactly(same.get(c));
        }
    }

    @Test
    void aColumnOfEqualValuesIsItsHeaderAlone() throws IOException {
        BitColumnWriter out = new BitColumnWriter(24);
        out.column(constant(24, 9));
        assertThat(out.toBytes()).containsExactly(0, 18);
        BitColumnWriter zeros = new BitColumnWriter(24);
        zeros.column(constant(24, 0));
        assertThat(zeros.toBytes()).containsExactly(BitColumns.ZEROS);
        assertThat(new BitColumnReader(new byte[] {BitColumns.ZEROS}, 0, 1, 24).get(0, 23))
                .isZero();
        // Tenths at scale 9: eight zeros shifted out, 24 values from 1 to 1000 in ten bits each.
        long[] tenths = new long[24];
        for (int i = 0; i < 24; i++) {
            tenths[i] = (1 + i * 43L) * 100_000_000L;
        }
        assertThat(BitColumns.cost(tenths, 24)).isEqualTo(8 * 3 + 24 * 10);
        assertThat(BitColumns.zerosOf(tenths, 24)).isEqualTo(8);
    }

    @Property(tries = 2000)
    void anyBytesReadAsColumnsGiveValuesOrAnIoException(
            @ForAll byte[] bytes, @ForAll @IntRange(max = 12) int columns, @ForAll @IntRange(max = 30) int n) {
        try {
            BitColumnReader in = new BitColumnReader(bytes, 0, columns, n);
            for (int c = 0; c < columns; c++) {
                for (int i = 0; i < n; i++) {
                    in.get(c, i);
                }
            }
        } catch (IOException expected) {
            // corrupt: the only way out besides values
        }
    }

    @Test
    void headersCutShortOrBitsOfAnotherLengthAreCorrupt() throws IOException {
        BitColumnWriter out = new BitColumnWriter(3);
        out.column(new long[] {5, 6, 7});
        byte[] bytes = out.toBytes();
        assertThatThrownBy(() -> new BitColumnReader(java.util.Arrays.copyOf(bytes, 1), 0, 1, 3))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> new BitColumnReader(java.util.Arrays.copyOf(bytes, bytes.length + 1), 0, 1, 3))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> new BitColumnReader(bytes, 0, 1, 5)).isInstanceOf(IOException.class);
        byte[] padded = bytes.clone();
        padded[padded.length - 1] |= (byte) 0x80;
        assertThatThrownBy(() -> new BitColumnReader(padded, 0, 1, 3)).isInstanceOf(IOException.class);
        assertThat(new BitColumnReader(bytes, 0, 1, 3).get(0, 2)).isEqualTo(7);
    }

    /** A column of one value but in a few rows (at most a third), which another value holds. */
    private static Arbitrary<long[]> mostlyOne(int n, Arbitrary<Long> value) {
        return Combinators.combine(
                        value,
                        value.array(long[].class).ofSize(n),
                        Arbitraries.integers().between(0, n / 3).list().ofSize(n / 3 + 1))
                .as((common, others, rows) -> {
                    long[] c = constant(n, common);
                    for (int row : rows) {
                        if (row < n) {
                            c[row] = others[row];
                        }
                    }
                    return c;
                });
    }

    @Test
    void aColumnOfOneValueButInAFewRowsTakesABitPerRowAndTheOthersValues() throws IOException {
        // A reported sum as its difference from the measured one: 0 in 20 hours, tenths in 4.
        long[] differences = new long[24];
        differences[3] = -5 * 100_000_000L;
        differences[9] = -250 * 100_000_000L;
        differences[14] = -1 * 100_000_000L;
        differences[22] = -499 * 100_000_000L;
        BitColumns.Stats stats = BitColumns.Stats.of(differences, 24);
        assertThat(stats.sparse).isTrue();
        // Header: marker, 8 zeros, common 0, width 9, base -499 (two bytes); a bit per hour; 4 x 9 bits.
        assertThat(stats.bits).isEqualTo(8 * 6 + 24 + 4 * 9);
        // Three quarters of the hours differing: still shorter with a bit per hour, 0 the common value.
        long[] most = differences.clone();
        for (int i = 0; i < 18; i++) {
            most[i] = -(i + 1) * 100_000_000L;
        }
        assertThat(BitColumns.Stats.of(most, 24).sparse).isTrue();
        assertThat(BitColumns.Stats.of(most, 24).common).isZero();
        // Every hour differing: dense.
        long[] dense = most.clone();
        for (int i = 18; i < 24; i++) {
            dense[i] = -(i + 1) * 100_000_000L;
        }
        assertThat(BitColumns.Stats.of(dense, 24).sparse).isFalse();

        BitColumnWriter out = new BitColumnWriter(24);
        out.column(differences, stats);
        out.column(constant(24, 3));
        byte[] bytes = out.toBytes();
        assertThat(bytes.length).isEqualTo((int) ((stats.bits + 16 + 7) / 8));
        BitColumnReader in = new BitColumnReader(bytes, 0, 2, 24);
        long[] back = new long[24];
        in.column(0, back);
        assertThat(back).containsExactly(differences);
        for (int i = 0; i < 24; i++) {
            assertThat(in.get(0, i)).isEqualTo(differences[i]);
            assertThat(in.get(1, i)).isEqualTo(3);
        }
    }

    @Property(tries = 1000)
    void aSparseColumnWithAByteChangedGivesValuesOrAnIoException(
            @ForAll("columns") List<long[]> columns, @ForAll int at, @ForAll byte to) {
        int n = columns.get(0).length;
        List<long[]> same = columns.stream().filter(c -> c.length == n).toList();
        BitColumnWriter out = new BitColumnWriter(n);
        same.forEach(out::column);
        byte[] bytes = out.toBytes();
        if (bytes.length == 0) {
            return;
        }
        bytes[Math.floorMod(at, bytes.length)] = to;
        try {
            BitColumnReader in = new BitColumnReader(bytes, 0, same.size(), n);
            long[] into = new long[n];
            for (int c = 0; c < same.size(); c++) {
                in.column(c, into);
                for (int i = 0; i < n; i++) {
                    assertThat(in.get(c, i)).isEqualTo(into[i]);
                }
            }
        } catch (IOException expected) {
            // corrupt: the only way out besides values
        }
    }

    private static long[] constant(int n, long v) {
        long[] c = new long[n];
        java.util.Arrays.fill(c, v);
        return c;
    }

    /** Values ending in decimal zeros, as quantities at a scale of 9 do. */
    private static Arbitrary<Long> tens() {
        return Arbitraries.longs()
                .between(-100_000, 100_000)
                .flatMap(v -> Arbitraries.integers().between(0, 13).map(z -> v * (long) Math.pow(10, z)));
    }
}
