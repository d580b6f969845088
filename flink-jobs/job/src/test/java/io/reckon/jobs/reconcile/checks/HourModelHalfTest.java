package io.reckon.jobs.reconcile.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * {@link HourModel#half} is {@code x.divide(2)}, value and scale (the usual quantity an anomaly shows is
 * a median of two middle hours): for unscaled values of every length, odd and even, of either sign,
 * at any scale.
 */
class HourModelHalfTest {

    @Property(tries = 2000)
    void halvesAsTheExactDivisionDoes(
            @ForAll long unscaled,
            @ForAll @IntRange(min = 0, max = 19) int digits,
            @ForAll @IntRange(min = -30, max = 30) int scale) {
        // Unscaled values of up to 19 digits and beyond (a long times a power of ten), so that both the
        // quick way and the division are taken.
        BigInteger u = BigInteger.valueOf(unscaled % (digits == 0 ? 10 : (long) Math.pow(10, Math.min(digits, 18))))
                .multiply(BigInteger.TEN.pow(digits > 18 ? 3 : 0));
        for (BigInteger v : new BigInteger[] {u, u.add(BigInteger.ONE), u.negate()}) {
            BigDecimal x = new BigDecimal(v, scale);
            BigDecimal expected = x.divide(BigDecimal.valueOf(2));
            BigDecimal actual = HourModel.half(x);
            assertThat(actual).as("%s (scale %d)", x, x.scale()).isEqualTo(expected);
            assertThat(actual.scale()).isEqualTo(expected.scale());
        }
    }

    @Test
    void keepsTheScaleOfAnEvenSumAndAddsAPlaceForAnOddOne() {
        assertThat(HourModel.half(new BigDecimal("4.20"))).isEqualTo(new BigDecimal("2.10"));
        assertThat(HourModel.half(new BigDecimal("4.21"))).isEqualTo(new BigDecimal("2.105"));
        assertThat(HourModel.half(new BigDecimal("-3"))).isEqualTo(new BigDecimal("-1.5"));
        assertThat(HourModel.half(new BigDecimal("1E+3"))).isEqualTo(new BigDecimal("5E+2"));
        assertThat(HourModel.half(BigDecimal.ZERO.setScale(9))).isEqualTo(BigDecimal.ZERO.setScale(9));
        assertThat(HourModel.median(new BigDecimal[] {
                    new BigDecimal("1"), new BigDecimal("4"), new BigDecimal("2.5"), new BigDecimal("9")
                }))
                .isEqualTo(new BigDecimal("3.25"));
    }
}
