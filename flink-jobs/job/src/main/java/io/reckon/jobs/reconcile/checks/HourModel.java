package io.reckon.jobs.reconcile.checks;

import static io.reckon.jobs.reconcile.checks.UsageDetector.HOUR_MS;
import static io.reckon.jobs.reconcile.checks.UsageDetector.POISSON_SHARE;
import static io.reckon.jobs.reconcile.checks.UsageDetector.SIZE_CV;
import static io.reckon.jobs.reconcile.checks.UsageDetector.WEEKS;
import static io.reckon.jobs.reconcile.checks.UsageDetector.WEEK_MS;

import io.reckon.jobs.reconcile.checks.UsageDetector.History;
import io.reckon.jobs.reconcile.checks.UsageDetector.Hour;
import io.reckon.pricing.Aggregation;
import java.math.BigDecimal;
import java.util.Arrays;

/**
 * The model of one hour of a key that {@link UsageDetector} judges the hour against: its usual
 * quantity and spread, its usual record count and spread, and the mean and variance of one record's
 * size, from the hours j - 1, j and j + 1 of the previous four weeks (the method is described on
 * {@link UsageDetector}).
 */
final class HourModel {

    private static final BigDecimal TWO = BigDecimal.valueOf(2);

    private HourModel() {}

    /** The model of one hour: usual value, spread (squared), the same for record counts. */
    record Baseline(
            BigDecimal usual,
            double spreadSq,
            double lowSpreadSq,
            double usualRecords,
            double recordSpreadSq,
            double highRecords,
            long records,
            double sizeMean,
            double sizeVariance) {}

    /** The model of {@code hour} from the key's previous four weeks (see {@link UsageDetector}). */
    static Baseline of(History history, long hour, Aggregation agg) throws Exception {
        Hour[][] grid = new Hour[3][WEEKS];
        long allWeeksRecords = 0;
        for (int d = -1; d <= 1; d++) {
            for (int w = 1; w <= WEEKS; w++) {
                Hour h = orEmpty(history.at(hour + d * HOUR_MS - w * WEEK_MS));
                grid[d + 1][w - 1] = h;
                allWeeksRecords += d == 0 ? h.records() : 0;
            }
        }
        int odd = OddWeek.of(grid);
        int weeks = odd < 0 ? WEEKS : WEEKS - 1;
        BigDecimal[] same = new BigDecimal[weeks];
        double[] residuals = new double[3 * weeks];
        double[] recordResiduals = new double[3 * weeks];
        BigDecimal sum = BigDecimal.ZERO;
        BigDecimal largest = BigDecimal.ZERO;
        long records = 0;
        long allRecords = 0;
        double[] hourSums = new double[3 * weeks];
        long[] hourRecords = new long[3 * weeks];
        for (int d = 0; d < 3; d++) {
            BigDecimal[] values = new BigDecimal[weeks];
            long[] counts = new long[weeks];
            int i = 0;
            for (int w = 0; w < WEEKS; w++) {
                if (w == odd) {
                    continue;
                }
                Hour h = grid[d][w];
                values[i] = h.value();
                counts[i] = h.records();
                allRecords += h.records();
                hourSums[d * weeks + i] = h.sum().doubleValue();
                hourRecords[d * weeks + i] = h.records();
                if (h.max().compareTo(largest) > 0) {
                    largest = h.max();
                }
                if (d == 1) {
                    sum = sum.add(h.sum());
                    records += h.records();
                }
                i++;
            }
            BigDecimal median = median(values);
            double countMedian = median(counts);
            for (int w = 0; w < weeks; w++) {
                residuals[d * weeks + w] = values[w].subtract(median).doubleValue();
                recordResiduals[d * weeks + w] = counts[w] - countMedian;
            }
            if (d == 1) {
                System.arraycopy(values, 0, same, 0, weeks);
            }
        }
        BigDecimal usual = median(same);
        int n = 3 * weeks;
        // The key's record rate around this hour, and an upper bound of it (mean + 2 standard errors):
        // a sparse key's four weeks can look calmer than it is.
        double rate = allRecords / (double) n;
        double rateUp = rate + 2 * Math.sqrt(Math.max(rate, 1.0 / n) / n);
        // The usual count from the 12 hours is steadier, the same hour's own (its 4 weeks) follows a
        // rhythm's edge (a busy window opening at 10:00 must not make 09:00 look deserted): a drop is
        // judged against the lower of the two, a spike against the higher.
        double sameHour = records / (double) weeks;
        double recordSpreadSq = Math.max(squares(recordResiduals), POISSON_SHARE * Math.min(rate, sameHour));
        // A count is judged as the sum of records of size 1 (u = x = 1): a meter counted by one system and
        // summed over unit events by another (Stripe) gets the same verdicts.
        double countVariance = recordSpreadSq;
        double floor =
                switch (agg) {
                    // A sum of N records of sizes X: var = E[N] var(X) + var(N) E[X]^2, with var(X) at
                    // most u x (largest - u) for sizes between 0 and the largest seen (Bhatia-Davis).
                    case SUM -> {
                        double u = records == 0 ? 0 : sum.doubleValue() / records;
                        double sizeVariance = Math.max(0, u * (largest.doubleValue() - u));
                        yield rateUp * sizeVariance + countVariance * u * u;
                    }
                    case COUNT -> countVariance;
                    case MAX -> 0;
                };
        double residualSq = trimmedSquares(residuals);
        double spreadSq = Math.max(residualSq, floor);
        double lowSpreadSq = Math.max(residualSq, POISSON_SHARE * floor);
        double[] sizes = sizes(hourSums, hourRecords, largest.doubleValue());
        return new Baseline(
                usual,
                spreadSq,
                lowSpreadSq,
                Math.min(rate, sameHour),
                recordSpreadSq,
                Math.max(rate, sameHour),
                allWeeksRecords,
                sizes[0],
                sizes[1]);
    }

    /**
     * The mean and variance of one record's size around an hour: u = the records' total over their
     * number; the variance from how the hours' sums stray from their records x u (an hour of n records
     * strays by n sigma² on average), doubled against the noise of 12 hours, and at most the
     * Bhatia-Davis bound u x (largest - u) of sizes between 0 and the largest seen.
     */
    static double[] sizes(double[] sums, long[] counts, double largest) {
        double total = 0;
        long n = 0;
        int hours = 0;
        for (int i = 0; i < sums.length; i++) {
            total += sums[i];
            n += counts[i];
            hours += counts[i] > 0 ? 1 : 0;
        }
        if (n == 0) {
            return new double[] {0, 0};
        }
        double u = total / n;
        // Sizes are not believed steadier than a coefficient of variation of SIZE_CV: twelve hours of
        // identical records do not prove the next record cannot differ.
        double floor = SIZE_CV * SIZE_CV * u * u;
        double bound = Math.max(floor, u * (largest - u));
        if (hours < 2) {
            return new double[] {u, bound};
        }
        double squares = 0;
        for (int i = 0; i < sums.length; i++) {
            if (counts[i] > 0) {
                double r = sums[i] - counts[i] * u;
                squares += r * r / counts[i];
            }
        }
        return new double[] {u, Math.max(floor, Math.min(bound, 2 * squares / (hours - 1)))};
    }
    /**
     * Sum of the squares of all but the largest residual, over their degrees of freedom (one per
     * residual left, less one per median: 8 of 12 residuals from 3 medians of 4).
     */
    static double trimmedSquares(double[] residuals) {
        double[] squares = new double[residuals.length];
        for (int i = 0; i < residuals.length; i++) {
            squares[i] = residuals[i] * residuals[i];
        }
        Arrays.sort(squares);
        double sum = 0;
        for (int i = 0; i < squares.length - 1; i++) {
            sum += squares[i];
        }
        return sum / (residuals.length - 4);
    }

    /** Sum of the squares of the residuals over their degrees of freedom (9 of 12: 3 medians of 4). */
    static double squares(double[] residuals) {
        double sum = 0;
        for (double r : residuals) {
            sum += r * r;
        }
        return sum / (residuals.length - 3);
    }

    /** The median; for an even count the mean of the middle two (exact: halving a decimal is exact). */
    public static BigDecimal median(BigDecimal[] values) {
        BigDecimal[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        if (n % 2 == 1) {
            return sorted[n / 2];
        }
        return half(sorted[n / 2 - 1].add(sorted[n / 2]));
    }

    /**
     * {@code x.divide(BigDecimal.valueOf(2))}, the same value and scale: an even unscaled value halved at
     * x's scale, an odd one times 5 at one place more. By hand because the division finds its quotient's
     * scale by dividing out trailing zeros, some 2 % of a long run's reconciling threads for the medians
     * of the hour models; an unscaled value of more than 18 digits is divided as before.
     */
    static BigDecimal half(BigDecimal x) {
        if (x.precision() > 18 || x.scale() == Integer.MAX_VALUE) {
            return x.divide(TWO);
        }
        long unscaled = x.scaleByPowerOfTen(x.scale()).longValue();
        return (unscaled & 1) == 0
                ? BigDecimal.valueOf(unscaled / 2, x.scale())
                : BigDecimal.valueOf(unscaled * 5, x.scale() + 1);
    }

    static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    private static Hour orEmpty(Hour h) {
        return h == null ? Hour.EMPTY : h;
    }
}
