package io.reckon.jobs.reconcile.checks;

import static io.reckon.jobs.reconcile.checks.UsageDetector.DAY_MS;
import static io.reckon.jobs.reconcile.checks.UsageDetector.HOUR_MS;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * How a level (a maximum meter) moved within its period, for the forecast ({@link
 * PeriodForecast.Growth}): the median of the hourly maxima of the {@link #WINDOW_DAYS} days before the
 * cut-off against the same days of the week k weeks earlier, k the most whole weeks the period so far holds.
 * Medians of whole days a whole number of weeks apart, so that neither a daily nor a weekly rhythm nor one spike reads
 * as growth, and only a rise beyond the two medians' own error ({@link #SIGNIFICANCE} standard errors). Unknown
 * (null) before the period holds a week and the window, or when either window has fewer than two readings.
 */
public final class LevelGrowth {

    /** The days each median reads: two, so that a level read three times a day has six readings. */
    public static final int WINDOW_DAYS = 2;

    private static final long WINDOW_MS = WINDOW_DAYS * DAY_MS;

    /** The maximum reading of one hour, null when it has none. */
    @FunctionalInterface
    public interface HourlyMax {
        BigDecimal at(long hour) throws Exception;
    }

    private LevelGrowth() {}

    /** The growth of the period starting at {@code periodStart} as of {@code cutoff}, or null. */
    public static PeriodForecast.Growth of(HourlyMax readings, long periodStart, long cutoff) throws Exception {
        long weeks = (cutoff - WINDOW_MS - periodStart) / UsageDetector.WEEK_MS;
        if (weeks < 1) {
            return null;
        }
        long gap = weeks * UsageDetector.WEEK_MS;
        Window now = Window.of(readings, cutoff - WINDOW_MS);
        Window then = Window.of(readings, cutoff - WINDOW_MS - gap);
        if (now == null || then == null) {
            return null;
        }
        // Only a rise beyond what the two medians vary by on their own is growth (a statistic in
        // binary floating point; the growth itself stays a decimal).
        double rise = now.median.subtract(then.median).doubleValue();
        if (rise <= SIGNIFICANCE * Math.sqrt(now.errorSq + then.errorSq)) {
            return null;
        }
        return new PeriodForecast.Growth(then.median, now.median, (int) (gap / HOUR_MS));
    }

    /** How many standard errors of the two medians a rise must exceed to be taken as growth. */
    static final double SIGNIFICANCE = 2;

    /**
     * One window's hourly maxima: their median, and its squared standard error from their median absolute
     * deviation (a normal's: 1.4826 MAD for the spread, 1.2533 spread / sqrt(k) for the median of k);
     * null with fewer than two readings, whose spread is unknown.
     */
    private record Window(BigDecimal median, double errorSq) {

        static Window of(HourlyMax readings, long from) throws Exception {
            List<BigDecimal> maxima = new ArrayList<>(WINDOW_DAYS * 24);
            for (long h = from; h < from + WINDOW_MS; h += HOUR_MS) {
                BigDecimal m = readings.at(h);
                if (m != null) {
                    maxima.add(m);
                }
            }
            if (maxima.size() < 2) {
                return null;
            }
            BigDecimal median = HourModel.median(maxima.toArray(BigDecimal[]::new));
            List<BigDecimal> deviations = new ArrayList<>(maxima.size());
            for (BigDecimal m : maxima) {
                deviations.add(m.subtract(median).abs());
            }
            double spread = 1.4826
                    * HourModel.median(deviations.toArray(BigDecimal[]::new)).doubleValue();
            double error = 1.2533 * spread / Math.sqrt(maxima.size());
            return new Window(median, error * error);
        }
    }
}
