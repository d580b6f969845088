package io.reckon.jobs.reconcile.checks;

import static io.reckon.jobs.reconcile.checks.UsageDetector.WEEKS;
import static io.reckon.jobs.reconcile.checks.UsageDetector.WEEK_MS;

import io.reckon.jobs.reconcile.checks.UsageDetector.History;
import io.reckon.jobs.reconcile.checks.UsageDetector.Hour;

/**
 * How often a key's baseline hours were really empty against how often its count model says they
 * would be, over the distinct baseline hours of a run of judged hours (the run's hours and their
 * neighbours, one to four weeks back: the hours the run's models read anyway, so a late record that
 * changes one re-judges the run as before).
 *
 * <p>The count model knows a key's mean and variance only, and a key steadier than Poisson is modelled
 * as a binomial, which still gives an empty hour a probability of a few percent. A key that sends one
 * to three records every hour has none: its baseline hours show no empty hour where the model expects
 * several. The <i>calibration</i> (Z + 1) / (E + 1), at most 1, with Z the empty baseline hours and E
 * the empty hours the model expects among them, scales the probability the model gives a run, once
 * per empty hour of the run (a drop that thins a key's records often leaves one in some of its hours;
 * the empty ones are still the evidence). For a key whose empty hours the model predicts well, Z is near E and
 * nothing changes; with E empty hours expected and none seen by chance (probability e^-E), the run
 * needs about one more empty hour to be judged a drop.
 */
final class EmptyHours {

    private double seen;
    private double expected;

    /** Adds the baseline hours of {@code hour} (one to four weeks back), expected as in {@code model}. */
    void add(History history, long hour, HourModel.Baseline model) throws Exception {
        double empty = CountTails.recordsAtMost(0, model.usualRecords(), model.recordSpreadSq());
        for (int w = 1; w <= WEEKS; w++) {
            Hour h = history.at(hour - w * WEEK_MS);
            if (h == null || h.records() == 0) {
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
