package io.reckon.jobs.reconcile.checks;

import io.reckon.pricing.Aggregation;
import io.reckon.pricing.ContractVersion;
import io.reckon.pricing.MeterTerms;
import io.reckon.pricing.Pricer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * What an open billing period of a key will end at: the projected final quantity with an 80 %
 * interval, and their amounts priced exactly with the contract.
 *
 * <p><b>Method.</b> With e hours of the period elapsed (before the cut-off), n hours remaining, so-far
 * quantity S (exact), r records so far and the largest record x:
 *
 * <ul>
 *   <li><b>sum and count, with the key's weekly rhythm</b> ({@link WeeklyRhythm}, from the whole days of
 *       the previous period and of this one): the hours left at the usual usage of their weekdays,
 *       scaled by how the period so far compares with its own usual usage; the interval from how whole
 *       days stray from their weekday's usual usage (see {@link #seasonal}).
 *   <li><b>sum and count without it</b> (too few whole days): the hourly rate is the period's own run
 *       rate S / e blended with the previous period's (its final quantity over its hours), the previous
 *       period weighing as one week of hours ({@link #PRIOR_HOURS}): early in a period the previous one
 *       speaks, later the period's own weeks do. Projected = S + rate x n, exact decimals (rounded to 6
 *       places). The interval: the remaining usage of a Poisson number of records (rate r / e an hour)
 *       of sizes whose second moment lies between u² and u x x (u = S / r, sizes between 0 and the
 *       largest, the Bhatia-Davis bound; their mean is taken), plus the uncertainty of the rate itself,
 *       which grows with n / e: variance = n x (r / e) x u x (u + x) / 2 x (1 + n / (e + 168)),
 *       projected -/+ 1.2816 standard deviations.
 *   <li>Either interval is never below the quantity so far. The statistics are binary floating point;
 *       the projection and the bounds are decimals priced exactly.
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
            Growth growth,
            WeeklyRhythm rhythm,
            int startWeekday) {}

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
        BigDecimal projected;
        double halfWidth;
        Seasonal seasonal = in.rhythm() == null ? null : seasonal(in, soFar, e, n);
        if (seasonal != null) {
            projected = seasonal.projected();
            halfWidth = seasonal.halfWidth();
        } else {
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
            projected = soFar.add(rate.multiply(BigDecimal.valueOf(n))).setScale(SCALE, RoundingMode.HALF_EVEN);
            halfWidth = Z80 * standardDeviation(in, e, n, rate.doubleValue());
        }

        // The half-width is a statistic (a double) made a decimal at 6 places through its decimal form
        // (RoundedDouble: the same decimal as BigDecimal.valueOf, cheaper): the exact binary expansion
        // (new BigDecimal(double)) costs a BigInteger power of five per forecast, a tenth of the tick.
        BigDecimal half = RoundedDouble.of(halfWidth, SCALE, RoundingMode.HALF_UP);
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

    private record Seasonal(BigDecimal projected, double halfWidth) {}

    /**
     * With the key's weekly rhythm: the hours left at the usual usage of their weekdays, scaled by how
     * the period so far compares with its own usual usage (a week of the usual usage weighing as the
     * previous period's say, as {@link #PRIOR_HOURS} does for the run rate); the interval from how whole
     * days stray from their weekday's usual usage, over the n / 24 days left, plus the uncertainty of
     * the level itself: variance = n / 24 x v x (1 + n / (e + 168)), and half-width the 90 % quantile
     * of Student's t with the variance's degrees of freedom (v is estimated from 40 days or so) times
     * its square root. Null when the usual usage is 0.
     */
    private static Seasonal seasonal(Inputs in, BigDecimal soFar, int e, int n) {
        WeeklyRhythm rhythm = in.rhythm();
        int weekday = in.startWeekday();
        double week = 7 * rhythm.usualWeekDay();
        double usualSoFar = rhythm.usualHours(weekday, 0, e);
        if (usualSoFar + week <= 0) {
            return null;
        }
        double level = (soFar.doubleValue() + week) / (usualSoFar + week);
        double left = level * rhythm.usualHours(weekday, e, e + n);
        BigDecimal projected = soFar.add(RoundedDouble.of(left, SCALE, RoundingMode.HALF_EVEN));
        // Days are not believed steadier than a quarter of what a Poisson count of the day's records
        // would give them (UsageDetector.POISSON_SHARE, the detector's floor): a key that sent the same
        // every day for six weeks can still move.
        double dayVariance =
                Math.max(rhythm.dayVariance(), UsageDetector.POISSON_SHARE * 24 * poissonHourVariance(in, e, left / n));
        double variance = n / 24.0 * dayVariance * (1 + (double) n / (e + PRIOR_HOURS));
        return new Seasonal(projected, t80(rhythm.degrees()) * Math.sqrt(variance));
    }

    /** Student's t 90 % quantiles by degrees of freedom, computed once (Apache Commons Math). */
    private static final double[] T80 = new double[128];

    static {
        for (int d = 1; d < T80.length; d++) {
            T80[d] = new TDistribution(null, d).inverseCumulativeProbability(0.9);
        }
    }

    private static double t80(int degrees) {
        return degrees < T80.length ? T80[Math.max(1, degrees)] : Z80;
    }

    private static double standardDeviation(Inputs in, int e, int n, double rate) {
        double rateUncertainty = e > 0 ? (double) n / (e + (in.previousQuantity() == null ? 0 : PRIOR_HOURS)) : 1;
        return Math.sqrt(n * poissonHourVariance(in, e, rate) * (1 + rateUncertainty));
    }

    /**
     * One hour's variance as a Poisson number of records (r / e an hour) of sizes whose second moment
     * lies between u² (all alike) and the Bhatia-Davis bound u x x (u = S / r, x the largest): their
     * mean. Before any record of the period, the rate as if it were one record an hour.
     */
    private static double poissonHourVariance(Inputs in, int e, double rate) {
        if (in.records() > 0 && e > 0) {
            double u = in.soFar().doubleValue() / in.records();
            double secondMoment = in.aggregation() == Aggregation.COUNT
                    ? 1
                    : u * (u + in.largestRecord().doubleValue()) / 2;
            return (double) in.records() / e * secondMoment;
        }
        return rate * rate;
    }

    /** The projection priced with the contract of the period starting at {@code periodStart}. */
    public static Priced price(Projection p, ContractVersion contract, MeterTerms terms, Instant periodStart) {
        long mid = Pricer.priceMinor(contract, terms, periodStart, p.quantity());
        long a = Pricer.priceMinor(contract, terms, periodStart, p.low());
        long b = Pricer.priceMinor(contract, terms, periodStart, p.high());
        return new Priced(p, mid, Math.min(mid, Math.min(a, b)), Math.max(mid, Math.max(a, b)));
    }
}
