package io.reckon.jobs.reconcile.checks;

import io.reckon.pricing.Aggregation;
import io.reckon.pricing.ContractVersion;
import io.reckon.pricing.MeterTerms;
import io.reckon.pricing.Pricer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;

/**
 * What an open billing period of a key will end at: the projected final quantity with an 80 %
 * interval, and their amounts priced exactly with the contract.
 *
 * <p><b>Method.</b> With e hours of the period elapsed (before the cut-off), n hours remaining, so-far
 * quantity S (exact), r records so far and the largest record x:
 *
 * <ul>
 *   <li><b>sum and count</b>: the hourly rate is the period's own run rate S / e blended with the
 *       previous period's (its final quantity over its hours), the previous period weighing as one
 *       week of hours ({@link #PRIOR_HOURS}): early in a period the previous one speaks, later the
 *       period's own weeks do. Projected = S + rate x n, exact decimals (rounded to 6 places).
 *   <li><b>interval</b>: the remaining usage of a Poisson number of records (rate r / e an hour) of
 *       sizes whose second moment is at most u x x (u = S / r, sizes between 0 and the largest, the
 *       Bhatia-Davis bound), plus the uncertainty of the rate itself, which grows with n / e: variance
 *       = n x (r / e) x u x x x (1 + n / e). The interval is projected -/+ 1.2816 standard deviations
 *       (a normal 80 % interval), never below the quantity so far. The statistics are binary floating
 *       point; the projection and the bounds are decimals priced exactly.
 *   <li><b>max</b> (a level): a maximum never falls: projected = the larger of the maximum so far and
 *       the previous period's, and of the maximum so far plus the level's growth carried on when its
 *       typical reading grew ({@link LevelGrowth}); the interval runs from the maximum so far up. At the
 *       period's end, the maximum so far.
 * </ul>
 *
 * Amounts are {@link Pricer#priceMinor} of the three quantities; for volume pricing, where more can cost
 * less, the low and high amounts are the smaller and larger of the three prices.
 */
public final class PeriodForecast {

    /** How many hours of the period's own the previous period's rate weighs as. */
    public static final int PRIOR_HOURS = 168;

    private static final double Z80 = 1.2815515655446004;
    /** The high end of a growing level's interval: this many times the growth carried on. */
    static final BigDecimal GROWTH_HIGH = new BigDecimal("1.5");

    private static final int SCALE = 6;

    private PeriodForecast() {}

    /** The period so far, and the previous period's final quantity (null when not known). */
    public record Inputs(
            Aggregation aggregation,
            int elapsedHours,
            int periodHours,
            BigDecimal soFar,
            long records,
            BigDecimal largestRecord,
            BigDecimal previousQuantity,
            int previousHours,
            Growth growth) {}

    /**
     * How a level (a maximum meter) moved: its typical reading {@code then} and {@code now}, {@code
     * hours} apart (see {@code Forecasts}: medians of hourly maxima a whole number of weeks apart);
     * null when not known.
     */
    public record Growth(BigDecimal then, BigDecimal now, int hours) {}

    public record Projection(BigDecimal quantity, BigDecimal low, BigDecimal high) {}

    public record Priced(Projection projection, long amountMinor, long amountLowMinor, long amountHighMinor) {}

    /** The projection; empty-handed (the quantity so far) when nothing is known yet. */
    public static Projection project(Inputs in) {
        int e = in.elapsedHours();
        int n = Math.max(0, in.periodHours() - e);
        BigDecimal soFar = in.soFar();
        boolean hasPrior = in.previousQuantity() != null && in.previousHours() > 0;
        if (in.aggregation() == Aggregation.MAX) {
            return level(soFar, hasPrior ? in.previousQuantity() : null, in.growth(), n);
        }
        if (n == 0 || (e == 0 && !hasPrior)) {
            return new Projection(soFar, soFar, soFar);
        }
        // rate = (S + prior rate x P) / (e + P), exact to 6 places.
        BigDecimal weightedSum = soFar;
        int weightHours = e;
        if (hasPrior) {
            weightedSum = weightedSum.add(in.previousQuantity()
                    .multiply(BigDecimal.valueOf(PRIOR_HOURS))
                    .divide(BigDecimal.valueOf(in.previousHours()), SCALE + 6, RoundingMode.HALF_EVEN));
            weightHours += PRIOR_HOURS;
        }
        BigDecimal rate = weightedSum.divide(BigDecimal.valueOf(weightHours), SCALE + 6, RoundingMode.HALF_EVEN);
        BigDecimal projected = soFar.add(rate.multiply(BigDecimal.valueOf(n))).setScale(SCALE, RoundingMode.HALF_EVEN);

        double sd = standardDeviation(in, e, n, rate.doubleValue());
        // The half-width is a statistic (a double) made a decimal at 6 places through its shortest decimal
        // form: the exact binary expansion (new BigDecimal(double)) costs a BigInteger power of five per
        // forecast, a tenth of the hourly tick's time.
        BigDecimal half = BigDecimal.valueOf(Z80 * sd).setScale(SCALE, RoundingMode.HALF_UP);
        BigDecimal low = projected.subtract(half).max(soFar);
        BigDecimal high = projected.add(half);
        if (in.aggregation() == Aggregation.COUNT) {
            low = low.setScale(0, RoundingMode.FLOOR).max(soFar);
            high = high.setScale(0, RoundingMode.CEILING);
            projected = projected.setScale(0, RoundingMode.HALF_EVEN);
        }
        return new Projection(projected, low, high);
    }

    /**
     * A maximum (a level): it never falls below the maximum so far M, and reaches the previous period's
     * M_prev again when it holds steady. A level that grew ({@link Growth}: its typical reading now
     * above the one some weeks before) is carried on at that rate g for the n hours left: projected =
     * max(M_prev, M + g x n), the interval from M to max(M_prev, M + {@link #GROWTH_HIGH} x g x n).
     * Storage that grows a few percent a month ends its period above the maximum at mid-period; without
     * the growth, its forecast fell short by the growth of the remaining half. Typical readings, not
     * maxima, measure the growth: one spike raises M (and the period's final maximum with it), not g.
     */
    private static Projection level(BigDecimal soFar, BigDecimal previous, Growth growth, int n) {
        if (n == 0) {
            return new Projection(soFar, soFar, soFar);
        }
        BigDecimal steady = previous == null ? soFar : soFar.max(previous);
        if (growth == null || growth.hours() <= 0 || growth.now().compareTo(growth.then()) <= 0) {
            return new Projection(steady, soFar, steady);
        }
        BigDecimal grown = growth.now()
                .subtract(growth.then())
                .multiply(BigDecimal.valueOf(n))
                .divide(BigDecimal.valueOf(growth.hours()), SCALE, RoundingMode.HALF_EVEN);
        BigDecimal projected = soFar.add(grown).max(steady);
        BigDecimal high = soFar.add(grown.multiply(GROWTH_HIGH))
                .setScale(SCALE, RoundingMode.HALF_EVEN)
                .max(steady);
        return new Projection(projected, soFar, high);
    }

    private static double standardDeviation(Inputs in, int e, int n, double rate) {
        double recordsPerHour;
        double secondMoment;
        if (in.records() > 0 && e > 0) {
            recordsPerHour = (double) in.records() / e;
            double u = in.soFar().doubleValue() / in.records();
            secondMoment = in.aggregation() == Aggregation.COUNT
                    ? 1
                    // Between u² (sizes all alike) and the Bhatia-Davis bound u x x: their mean.
                    : u * (u + in.largestRecord().doubleValue()) / 2;
        } else {
            // Nothing of this period yet: the prior's rate as if it were one record an hour.
            recordsPerHour = 1;
            secondMoment = rate * rate;
        }
        double rateUncertainty = e > 0 ? (double) n / (e + (in.previousQuantity() == null ? 0 : PRIOR_HOURS)) : 1;
        return Math.sqrt(n * recordsPerHour * secondMoment * (1 + rateUncertainty));
    }

    /** The projection priced with the contract of the period starting at {@code periodStart}. */
    public static Priced price(Projection p, ContractVersion contract, MeterTerms terms, Instant periodStart) {
        long mid = Pricer.priceMinor(contract, terms, periodStart, p.quantity());
        long a = Pricer.priceMinor(contract, terms, periodStart, p.low());
        long b = Pricer.priceMinor(contract, terms, periodStart, p.high());
        return new Priced(p, mid, Math.min(mid, Math.min(a, b)), Math.max(mid, Math.max(a, b)));
    }
}
