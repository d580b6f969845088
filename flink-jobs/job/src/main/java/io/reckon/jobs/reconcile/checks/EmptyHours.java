package io.reckon.jobs.reconcile.checks;

import static io.reckon.jobs.reconcile.checks.UsageDetector.DAY_MS;

import io.reckon.jobs.reconcile.checks.UsageDetector.History;

/**
 * How often a key's hours were really empty against how often its count model says they would be, over
 * the same hour of day of each of the previous {@link #DAYS} days, for every hour of a run of judged
 * hours and its neighbours (the run's hours and the hour after it, and the hour before it).
 *
 * <p>The count model knows a key's mean and variance only, and a key steadier than Poisson is modelled
 * as a binomial, which still gives an empty hour a probability of a few percent. A key that sends one
 * to three records every hour has none: its hours show no empty hour where the model expects
 * several. The <i>calibration</i> (Z + 1) / (E + 1), at most 1, with Z the empty hours seen and E
 * the empty hours the model of the judged hour expects among them, scales the probability the model
 * gives a run, once per empty hour of the run (a drop that thins a key's records often leaves one in some
 * of its hours; the empty ones are still the evidence). For a key whose empty hours the model predicts
 * well, Z is near E and nothing changes; with E empty hours expected and none seen by chance
 * (probability e^-E), the run needs about one more empty hour to be judged a drop.
 *
 * <p>Why every day and not only the same weekday, as the model: the four same-weekday hours of a short
 * run expect one or two empty hours at most, too few to tell a key that is never empty from one that
 * is by chance; 28 days expect seven times as many. A key with a weekly rhythm (quiet weekends) shows
 * more empty hours on the other days than its weekday model expects, and is left as the model says
 * (the calibration is at most 1). A late record that fills or empties an hour therefore re-judges the
 * runs of the same hour of day for 28 days ({@code Dirt}).
 */
public final class EmptyHours {

    /** How many days back the same hour of day is read. */
    public static final int DAYS = 28;

    private double seen;
    private double expected;

    /** Adds the hours one to {@link #DAYS} days before {@code hour}, expected as in {@code model}. */
    void add(History history, long hour, HourModel.Baseline model) throws Exception {
        double empty = CountTails.recordsAtMost(0, model.usualRecords(), model.recordSpreadSq());
        for (int d = 1; d <= DAYS; d++) {
            if (!history.heldUsage(hour - d * DAY_MS)) {
                seen++;
            }
            expected += empty;
        }
    }

    /** (Z + 1) / (E + 1), at most 1. */
    double calibration() {
        return Math.min(1, (seen + 1) / (expected + 1));
    }
}
