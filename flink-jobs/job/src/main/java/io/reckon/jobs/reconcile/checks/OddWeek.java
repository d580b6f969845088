package io.reckon.jobs.reconcile.checks;

import static io.reckon.jobs.reconcile.checks.UsageDetector.WEEKS;

import io.reckon.jobs.reconcile.checks.UsageDetector.Hour;

/**
 * Which of the four baseline weeks of an hour {@link HourModel} leaves out, if any: the week whose
 * hours around the judged one held an incident of their own (a spike, a burst, a level reading far
 * above the others). A median of four weeks ignores one odd week, but the record rate and the spreads
 * are means and squares: one earlier 10x spike at the same hour of the week lifts the usual count by
 * three quarters of the spike and the spread by far more, and the key's next spike or drop at that hour
 * is missed. Keys whose incidents recur weekly (a batch job, a weekday outage) are where this matters.
 *
 * <p>An hour (one of the three around the judged hour, in one week) is odd when, against the same hour
 * of the other three weeks, its records exceed 6 M + 4 sqrt(M) + 4 (M their mean: far beyond a
 * Poisson count's noise), or its quantity exceeds 10 times their median while its records do not exceed
 * 2 M + 2 (records of the usual number, each far larger: a summed or level meter's spike). Of the weeks
 * with an odd hour the one that stands out most is left out; only one, so that a key that really
 * changed is not modelled on a single week. When no week stands out upwards, a week whose three hours
 * together held fewer than a third of the other weeks' mean records, so few that a Poisson count of that
 * mean gives them a probability below {@link #SHORTFALL_ALPHA}, is left out (an earlier drop widens the
 * spread of the counts and hides the next drop); a sparse key's empty hours never are that unlikely.
 */
final class OddWeek {

    /** The probability below which a week's shortfall of records makes it odd. */
    static final double SHORTFALL_ALPHA = 1e-4;

    /** No week is left out. */
    static final int NONE = -1;

    private OddWeek() {}

    /**
     * The index (0 = one week back) of the week to leave out, or {@link #NONE}; {@code grid[d][w]} is the
     * hour d - 1 hours from the judged hour's time, w + 1 weeks back.
     */
    static int of(Hour[][] grid) {
        int odd = NONE;
        double most = 1;
        double[] values = new double[WEEKS];
        long[] records = new long[WEEKS];
        for (Hour[] row : grid) {
            long total = 0;
            for (int w = 0; w < WEEKS; w++) {
                values[w] = row[w].value().doubleValue();
                records[w] = row[w].records();
                total += records[w];
            }
            for (int w = 0; w < WEEKS; w++) {
                double excess = excess(values, records, total, w);
                if (excess > most) {
                    most = excess;
                    odd = w;
                }
            }
        }
        if (odd == NONE) {
            double least = SHORTFALL_ALPHA;
            for (int w = 0; w < grid[0].length; w++) {
                double p = shortfall(grid, w);
                if (p < least) {
                    least = p;
                    odd = w;
                }
            }
        }
        return odd;
    }

    /**
     * How likely week w's records over the three hours are, as few as they are, for a Poisson count of
     * the other weeks' mean; 1 when they are not below a third of it.
     */
    static double shortfall(Hour[][] grid, int w) {
        long mine = 0;
        long others = 0;
        for (Hour[] row : grid) {
            for (int k = 0; k < row.length; k++) {
                if (k == w) {
                    mine += row[k].records();
                } else {
                    others += row[k].records();
                }
            }
        }
        double mean = others / (double) (grid[0].length - 1);
        if (mine * 3 >= mean) {
            return 1;
        }
        return CountTails.recordsAtMost(mine, mean, mean);
    }

    /**
     * How far hour {@code w} of a row (its weeks' quantities and records, {@code total} records in all)
     * stands out from the other three (above 1: odd).
     */
    static double excess(double[] values, long[] records, long total, int w) {
        double mean = (total - records[w]) / (double) (WEEKS - 1);
        double byRecords = records[w] / (6 * mean + 4 * Math.sqrt(mean) + 4);
        double median = medianOfOthers(values, w);
        double byQuantity = median > 0 && records[w] <= 2 * mean + 2 ? values[w] / (10 * median) : 0;
        return Math.max(byRecords, byQuantity);
    }

    /** The median of the three values other than {@code w}'s. */
    private static double medianOfOthers(double[] values, int w) {
        double a = values[(w + 1) % WEEKS];
        double b = values[(w + 2) % WEEKS];
        double c = values[(w + 3) % WEEKS];
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }
}
