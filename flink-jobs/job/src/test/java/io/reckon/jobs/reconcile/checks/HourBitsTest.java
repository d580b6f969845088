package io.reckon.jobs.reconcile.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hour bits against java.util.BitSet on random ranges, word boundaries included. */
class HourBitsTest {

    @Test
    void answersAsABitSetDoes() {
        Random r = new Random(11);
        for (int round = 0; round < 2_000; round++) {
            int hours = 1 + r.nextInt(744);
            long[] bits = HourBits.create(hours);
            BitSet reference = new BitSet(hours);
            for (int i = 0; i < r.nextInt(40); i++) {
                int h = r.nextInt(hours);
                HourBits.set(bits, h);
                reference.set(h);
            }
            if (r.nextBoolean() && reference.cardinality() > 0) {
                int h = reference.nextSetBit(0);
                HourBits.clear(bits, h);
                reference.clear(h);
            }
            int from = r.nextInt(hours);
            int to = from + r.nextInt(hours - from + 1);
            int clear = reference.nextClearBit(from);
            assertThat(HourBits.nextClear(bits, from, to)).isEqualTo(clear < to ? clear : -1);
            int next = reference.nextSetBit(from);
            assertThat(HourBits.nextSet(bits, from, to)).isEqualTo(next >= 0 && next < to ? next : -1);
            int previous = reference.previousSetBit(to - 1);
            assertThat(HourBits.previousSet(bits, from, to)).isEqualTo(previous >= from ? previous : -1);
            assertThat(HourBits.count(bits, from, to))
                    .isEqualTo(reference.get(from, to).cardinality());
            assertThat(HourBits.any(bits)).isEqualTo(!reference.isEmpty());
            for (int h = from; h < to; h++) {
                assertThat(HourBits.get(bits, h)).isEqualTo(reference.get(h));
            }
        }
    }

    @Test
    void outOfRangeIsClearAndEmptyRangesFindNothing() {
        long[] bits = HourBits.create(744);
        HourBits.set(bits, 743);
        assertThat(HourBits.get(bits, 744)).isFalse();
        assertThat(HourBits.get(bits, -1)).isFalse();
        assertThat(HourBits.nextSet(bits, 100, 100)).isEqualTo(-1);
        assertThat(HourBits.previousSet(bits, 5, 2)).isEqualTo(-1);
        assertThat(HourBits.count(bits, 743, 744)).isEqualTo(1);
        assertThat(HourBits.nextSet(bits, 0, 10_000)).isEqualTo(743);
    }
}
