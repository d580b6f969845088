package io.reckon.jobs.reconcile.checks;

import java.util.Arrays;

/**
 * A key's usage by day of the week, from the whole days of its previous period and of its period so
 * far, for the period-end forecast ({@link PeriodForecast}): the usual usage of each weekday (the
 * previous period's mean of that weekday), and how much single days stray from the mean of their
 * weekday (the residual variance of every whole day of both periods, over N - 7 degrees of freedom).
 * A key that is quiet at weekends is then projected with the weekends that are left, and its interval
 * is as wide as its days really vary, not as a Poisson count of its records would (steady keys vary
 * less, weekday-only keys more).
 *
 * <p>Days are UTC days; periods start at midnight UTC, so day i of a period is its hours 24 i to 24 i
 * + 23. Statistics in binary floating point, deterministic for the same days.
 */
public final class WeeklyRhythm {

    /** Whole days the previous period needs: every weekday seen at least once. */
    static final int MIN_PRIOR_DAYS = 7;
    /** Degrees of freedom the residual variance needs. */
    static final int MIN_DEGREES = 5;

    private final double[] usual;
    private final double residualVariance;
    private final int degrees;

    /** The days it was computed from, kept for {@link #isOf}. */
    private final double[] prior;

    private final int priorWeekday;
    private final double[] days;
    private final int weekday;

    private WeeklyRhythm(
            double[] usual,
            double residualVariance,
            int degrees,
            double[] prior,
            int priorWeekday,
            double[] days,
            int weekday) {
        this.usual = usual;
        this.residualVariance = residualVariance;
        this.degrees = degrees;
        this.prior = prior;
        this.priorWeekday = priorWeekday;
        this.days = days;
        this.weekday = weekday;
    }

    /**
     * The rhythm of the whole days {@code prior} of the previous period (its first day a {@code
     * priorWeekday}, 0 = Monday) and {@code days} of the period so far (its first a {@code weekday}); null
     * when the previous period holds fewer than a week of whole days or the days fewer than 7 + 5. The
     * arrays are kept ({@link #isOf}): the caller hands copies it does not change.
     */
    public static WeeklyRhythm of(double[] prior, int priorWeekday, double[] days, int weekday) {
        if (prior == null || prior.length < MIN_PRIOR_DAYS) {
            return null;
        }
        int n = prior.length + (days == null ? 0 : days.length);
        if (n - 7 < MIN_DEGREES) {
            return null;
        }
        double[] usual = new double[7];
        int[] seen = new int[7];
        double[] all = new double[7];
        int[] allSeen = new int[7];
        for (int i = 0; i < prior.length; i++) {
            int w = (priorWeekday + i) % 7;
            usual[w] += prior[i];
            seen[w]++;
            all[w] += prior[i];
            allSeen[w]++;
        }
        for (int i = 0; days != null && i < days.length; i++) {
            int w = (weekday + i) % 7;
            all[w] += days[i];
            allSeen[w]++;
        }
        for (int w = 0; w < 7; w++) {
            usual[w] /= seen[w];
            all[w] /= allSeen[w];
        }
        double squares = 0;
        for (int i = 0; i < prior.length; i++) {
            double r = prior[i] - all[(priorWeekday + i) % 7];
            squares += r * r;
        }
        for (int i = 0; days != null && i < days.length; i++) {
            double r = days[i] - all[(weekday + i) % 7];
            squares += r * r;
        }
        return new WeeklyRhythm(usual, squares / (n - 7), n - 7, prior, priorWeekday, days, weekday);
    }

    /**
     * Whether this is the rhythm of the first {@code priorLength} days of {@code prior} and the first
     * {@code dayCount} of {@code days} (the same days, bit for bit, the same weekdays): {@link #of} would
     * compute it again, the same. A period's forecast reads its rhythm at every tick, and its days
     * change once a day or when a late record changes one.
     */
    public boolean isOf(double[] prior, int priorLength, int priorWeekday, double[] days, int dayCount, int weekday) {
        int known = this.days == null ? 0 : this.days.length;
        return priorWeekday == this.priorWeekday
                && weekday == this.weekday
                && Arrays.equals(this.prior, 0, this.prior.length, prior, 0, priorLength)
                && known == dayCount
                && (known == 0 || Arrays.equals(this.days, 0, known, days, 0, dayCount));
    }

    /** The usual usage of one day that is a {@code weekday} (0 = Monday). */
    public double usualDay(int weekday) {
        return usual[weekday];
    }

    /** The mean of the seven usual days. */
    public double usualWeekDay() {
        double s = 0;
        for (double u : usual) {
            s += u;
        }
        return s / 7;
    }

    /** The variance of one day's usage around the usual usage of its weekday. */
    public double dayVariance() {
        return residualVariance;
    }

    /** The degrees of freedom of {@link #dayVariance}: the whole days less the seven weekdays' means. */
    public int degrees() {
        return degrees;
    }

    /**
     * The usual usage of the hours {@code from} to {@code to} (exclusive, counted from a period start
     * whose first day is a {@code weekday}): each hour a 24th of its day's.
     */
    public double usualHours(int weekday, int from, int to) {
        double s = 0;
        for (int h = from; h < to; ) {
            int day = h / 24;
            int end = Math.min(to, (day + 1) * 24);
            s += usual[(weekday + day) % 7] * (end - h) / 24;
            h = end;
        }
        return s;
    }
}
