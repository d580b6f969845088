package io.reckon.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** {@link IdCopies}: a single copy held inline behaves exactly as copies held in arrays. */
class IdCopiesTest {

    @Test
    void aSingleCopyKeepsItsQuantityWithItsScaleWhateverItsSize() {
        for (String q : new String[] {
            "12.500000000",
            "5.0",
            "5.00",
            "0",
            "0E-9",
            "999999999999999999",
            "9999999999999999999",
            "1E+30",
            "-3.25",
            "123456789.123456789123"
        }) {
            IdCopies c = IdCopies.of(7L, new BigDecimal(q));
            assertThat(c.size()).isEqualTo(1);
            assertThat(c.time(0)).isEqualTo(7L);
            assertThat(c.quantity(0).toString()).as(q).isEqualTo(new BigDecimal(q).toString());
            assertThat(c.contains(7L, new BigDecimal(q))).isTrue();
            assertThat(c.latest()).isEqualTo(7L);
        }
    }

    @Test
    void aCopyOfTheSameValueWithAnotherScaleIsAnotherCopy() {
        IdCopies c = IdCopies.of(7L, new BigDecimal("5.0"));
        assertThat(c.contains(7L, new BigDecimal("5.00"))).isFalse();
        IdCopies two = c.with(7L, new BigDecimal("5.00"));
        assertThat(two.size()).isEqualTo(2);
        assertThat(two.quantity(0).scale()).isEqualTo(1);
        assertThat(two.quantity(1).scale()).isEqualTo(2);
    }

    @Test
    void furtherCopiesAreKeptInCopyRuleOrderWhicheverArrivesFirst() {
        IdCopies a = IdCopies.of(30L, new BigDecimal("2"))
                .with(10L, new BigDecimal("9"))
                .with(30L, new BigDecimal("1"));
        IdCopies b = IdCopies.of(10L, new BigDecimal("9"))
                .with(30L, new BigDecimal("1"))
                .with(30L, new BigDecimal("2"));
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.times()).containsExactly(10L, 30L, 30L);
        assertThat(a.quantity(1)).isEqualByComparingTo("1");
        assertThat(a.latest()).isEqualTo(30L);
    }

    @Test
    void aCopyOfThePreviousLayoutHasNoQuantity() {
        IdCopies legacy = IdCopies.of(5L, null);
        assertThat(legacy.hasLegacyCopy()).isTrue();
        assertThat(legacy.quantity(0)).isNull();
        assertThat(IdCopies.of(5L, BigDecimal.ONE).hasLegacyCopy()).isFalse();
    }
}
