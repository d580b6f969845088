package io.reckon.jobs.reconcile.checks;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A statistic (a double) made an exact decimal of a few places as {@code
 * BigDecimal.valueOf(x).setScale(scale, mode)} makes it: through the double's decimal form
 * ({@link Double#toString}), then rounded to the nearest. The result is always that one, bit for bit;
 * only the way to it is cheaper where it can be.
 *
 * <p>Why by hand: {@code Double.toString} builds the shortest decimal digits of the double and a
 * {@code BigDecimal} parses them back, about a microsecond for the two statistics a period-end forecast
 * turns into decimals at every tick, a quarter of the forecast's time. Rounding the double itself
 * gives the same answer except near a tie: x and its decimal form d differ by at most half a unit in
 * the last place of x, and x x 10^scale is off by at most half a unit of its own last place, so when
 * x x 10^scale lies more than a few of those units away from a point halfway between two integers, x
 * and d round to the same integer, whatever the rounding mode between the three that round to the
 * nearest. Every other case (near a tie, outside the range where the product and its integer part are
 * exact in a double, not a number) takes the exact way.
 */
public final class RoundedDouble {

    /** Powers of ten exact in a double. */
    private static final double[] POWERS = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};

    /** Above this a scaled value's integer part is not exact in a double (2^52). */
    private static final double EXACT = 0x1p52;

    /** Units of the scaled value's last place the shortcut keeps away from a tie (1.5 can separate x and d). */
    private static final double MARGIN_ULPS = 4;

    private RoundedDouble() {}

    /**
     * {@code BigDecimal.valueOf(x).setScale(scale, mode)}, for a scale of 0 to 9 and a mode that rounds
     * to the nearest ({@code HALF_UP}, {@code HALF_EVEN}, {@code HALF_DOWN}); any other scale or mode
     * is computed that way.
     */
    public static BigDecimal of(double x, int scale, RoundingMode mode) {
        if (scale >= 0 && scale < POWERS.length && toNearest(mode)) {
            double scaled = x * POWERS[scale];
            if (Math.abs(scaled) < EXACT) {
                double floor = Math.floor(scaled);
                double fraction = scaled - floor; // exact: both below 2^52, floor no larger in magnitude
                if (Math.abs(fraction - 0.5) > MARGIN_ULPS * Math.ulp(scaled)) {
                    return BigDecimal.valueOf((long) floor + (fraction > 0.5 ? 1 : 0), scale);
                }
            }
        }
        return BigDecimal.valueOf(x).setScale(scale, mode);
    }

    private static boolean toNearest(RoundingMode mode) {
        return mode == RoundingMode.HALF_UP || mode == RoundingMode.HALF_EVEN || mode == RoundingMode.HALF_DOWN;
    }
}
