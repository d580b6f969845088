package io.reckon.jobs.reconcile.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * {@link RoundedDouble} gives {@code BigDecimal.valueOf(x).setScale(scale, mode)} bit for bit (value and
 * scale): on doubles of every magnitude and sign, on any bit pattern, and where the shortcut is most at
 * risk, the doubles next to a tie (k + 1/2 units of the last place kept).
 */
class RoundedDoubleTest {

    private static final RoundingMode[] MODES = {
        RoundingMode.HALF_UP, RoundingMode.HALF_EVEN, RoundingMode.HALF_DOWN, RoundingMode.FLOOR
    };

    @Property(tries = 300)
    void equalsTheDecimalFormRoundedOnDoublesOfEveryMagnitude(
            @ForAll long seed, @ForAll @IntRange(min = 0, max = 10) int scale) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 200; i++) {
            double x = (r.nextBoolean() ? 1 : -1) * r.nextDouble() * Math.pow(10, r.nextInt(-12, 18));
            assertSame(x, scale);
        }
    }

    @Property(tries = 300)
    void equalsTheDecimalFormRoundedNextToEveryTie(@ForAll long seed, @ForAll @IntRange(min = 0, max = 9) int scale) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 50; i++) {
            long k = r.nextLong(-(1L << r.nextInt(1, 53)), 1L << r.nextInt(1, 53));
            double tie = (k + 0.5) / Math.pow(10, scale);
            double below = tie;
            double above = tie;
            assertSame(tie, scale);
            for (int step = 0; step < 12; step++) {
                below = Math.nextDown(below);
                above = Math.nextUp(above);
                assertSame(below, scale);
                assertSame(above, scale);
            }
        }
    }

    @Property(tries = 300)
    void equalsTheDecimalFormRoundedOnAnyBitPattern(@ForAll long bits, @ForAll @IntRange(min = 0, max = 9) int scale) {
        double x = Double.longBitsToDouble(bits);
        if (Double.isFinite(x)) {
            assertSame(x, scale);
        }
    }

    @Test
    void roundsExamplesAsAFinanceTeamWould() {
        assertThat(RoundedDouble.of(1234.5678904, 6, RoundingMode.HALF_EVEN)).isEqualTo(new BigDecimal("1234.567890"));
        assertThat(RoundedDouble.of(-0.0000015, 6, RoundingMode.HALF_UP)).isEqualTo(new BigDecimal("-0.000002"));
        assertThat(RoundedDouble.of(0.0000025, 6, RoundingMode.HALF_EVEN)).isEqualTo(new BigDecimal("0.000002"));
        assertThat(RoundedDouble.of(-0.0, 6, RoundingMode.HALF_EVEN)).isEqualTo(new BigDecimal("0.000000"));
        assertThat(RoundedDouble.of(2.5, 0, RoundingMode.HALF_EVEN)).isEqualTo(new BigDecimal("2"));
        assertThat(RoundedDouble.of(2.5, 0, RoundingMode.HALF_UP)).isEqualTo(new BigDecimal("3"));
    }

    @Test
    void refusesWhatIsNotANumberAsBigDecimalDoes() {
        assertThatThrownBy(() -> RoundedDouble.of(Double.NaN, 6, RoundingMode.HALF_UP))
                .isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> RoundedDouble.of(Double.POSITIVE_INFINITY, 6, RoundingMode.HALF_UP))
                .isInstanceOf(NumberFormatException.class);
    }

    private static void assertSame(double x, int scale) {
        for (RoundingMode mode : MODES) {
            BigDecimal expected = BigDecimal.valueOf(x).setScale(scale, mode);
            BigDecimal actual = RoundedDouble.of(x, scale, mode);
            assertThat(actual.unscaledValue())
                    .as("%s (%s) at %d places, %s", x, Double.toHexString(x), scale, mode)
                    .isEqualTo(expected.unscaledValue());
            assertThat(actual.scale()).isEqualTo(scale);
        }
    }
}
