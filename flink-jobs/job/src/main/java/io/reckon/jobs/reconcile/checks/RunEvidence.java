package io.reckon.jobs.reconcile.checks;

import static io.reckon.jobs.reconcile.checks.UsageDetector.DROP_ALPHA;
import static io.reckon.jobs.reconcile.checks.UsageDetector.HOUR_MS;
import static io.reckon.jobs.reconcile.checks.UsageDetector.MAX_RUN;
import static io.reckon.jobs.reconcile.checks.UsageDetector.SPIKE_ALPHA;
import static io.reckon.jobs.reconcile.checks.UsageDetector.SPIKE_RUN;
import static io.reckon.jobs.reconcile.checks.UsageDetector.high;
import static io.reckon.jobs.reconcile.checks.UsageDetector.judgeable;
import static io.reckon.jobs.reconcile.checks.UsageDetector.known;
import static io.reckon.jobs.reconcile.checks.UsageDetector.low;
import static io.reckon.jobs.reconcile.checks.UsageDetector.orEmpty;

import io.reckon.jobs.reconcile.checks.UsageDetector.History;
import io.reckon.jobs.reconcile.checks.UsageDetector.Hour;
import io.reckon.jobs.reconcile.checks.UsageDetector.Settings;
import io.reckon.pricing.Aggregation;

/**
 * The evidence of a run of hours for {@link UsageDetector}: whether an hour that is high (or low)
 * ends a run of such hours whose quantities, record counts or record sizes together are unlikely under
 * the key's usual behaviour, though the hour alone may not be. Each walk goes back hour by hour from
 * the run's last hour and stops at the first hour that is not part of the run or cannot be judged.
 *
 * @param history the key's hours
 * @param hour the run's last hour (its start, epoch milliseconds)
 * @param knownFrom the first hour of the key's history: hours before it are unknown, not empty
 * @param last the usage of the run's last hour
 * @param lastBase the model of the run's last hour
 */
record RunEvidence(
        History history,
        long hour,
        long knownFrom,
        Aggregation agg,
        Settings s,
        Hour last,
        HourModel.Baseline lastBase) {

    /**
     * Whether the run of consecutive high (or low) hours ending with {@code hour}, itself high (low),
     * holds enough evidence together: in its quantity, or in its record count.
     */
    boolean run(boolean up) throws Exception {
        double total = last.value().doubleValue();
        double usual = lastBase.usual().doubleValue();
        double variance = up ? lastBase.spreadSq() : lastBase.lowSpreadSq();
        double records = last.records();
        double usualRecords = lastBase.usualRecords();
        double recordVariance = up ? lastBase.highRecords() : lastBase.recordSpreadSq();
        double k = s.dropDeviations();
        for (int back = 1; back < MAX_RUN; back++) {
            Step step = at(back);
            if (step == null) {
                return false;
            }
            Hour h = step.hour();
            HourModel.Baseline b = step.model();
            double q = h.value().doubleValue();
            double m = b.usual().doubleValue();
            if (!(up ? high(q, m, s) : low(q, m, s)) || (!up && h.records() == 0)) {
                return false;
            }
            total += q;
            usual += m;
            variance += up ? b.spreadSq() : b.lowSpreadSq();
            records += h.records();
            usualRecords += b.usualRecords();
            recordVariance += up ? b.highRecords() : b.recordSpreadSq();
            if (up) {
                if (total > usual + k * Math.sqrt(variance)
                        || (records > s.ratio() * usualRecords
                                && records > usualRecords + k * Math.sqrt(recordVariance))) {
                    return true;
                }
            } else if (total < usual - k * Math.sqrt(variance)
                    || (records * s.dropRatio() < usualRecords
                            && records < usualRecords - k * Math.sqrt(recordVariance))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the run of 1 to {@link #MAX_RUN} judgeable hours ending with {@code hour}, low in total, holds
     * so few records ({@link CountTails#recordsAtMost}), or for a sum records so small given their number
     * ({@link CountTails#quantityAtMost}), that the key's usual behaviour gives it a probability below
     * {@link #DROP_ALPHA}. Each run length is a test of its own; the evidence accumulates with the run.
     */
    boolean countedDrop() throws Exception {
        Counts run = new Counts();
        double usual = 0;
        EmptyHours empty = new EmptyHours();
        int emptyHours = 0;
        empty.add(history, hour + HOUR_MS, lastBase);
        empty.add(history, hour, lastBase);
        for (int back = 0; back < MAX_RUN; back++) {
            long j = hour - back * HOUR_MS;
            Step at = at(back);
            if (at == null) {
                return false;
            }
            Hour h = at.hour();
            HourModel.Baseline b = at.model();
            empty.add(history, j - HOUR_MS, b);
            run.add(h, b, b.usualRecords());
            usual += b.usual().doubleValue();
            emptyHours += h.records() == 0 ? 1 : 0;
            if (run.total * s.dropRatio() >= usual) {
                continue; // not low in total (yet)
            }
            double p = CountTails.recordsAtMost(run.records, run.mean, run.variance);
            // Each empty hour of the run, whether or not others kept a record, is weighed by how often
            // the key's baseline hours were really empty (a thinned hour often keeps one record).
            p *= Math.pow(empty.calibration(), emptyHours);
            if (agg == Aggregation.SUM) {
                double sizes = CountTails.quantityAtMost(run.total, run.records, lastBase.sizeMean(), run.sizeVariance);
                p = 2 * Math.min(p, sizes);
            }
            if (p < DROP_ALPHA) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the run of 1 to {@link #SPIKE_RUN} high hours ending with {@code hour} holds so many
     * records ({@link CountTails#recordsAtLeast}), or for a sum records so large given their number
     * ({@link CountTails#quantityAtLeast}), that the key's usual behaviour gives it a probability below
     * {@link #SPIKE_ALPHA}.
     */
    boolean countedSpike() throws Exception {
        Counts run = new Counts();
        for (int back = 0; back < SPIKE_RUN; back++) {
            Step at = at(back);
            // The last hour is high (the caller's test); each earlier one must be too.
            if (at == null
                    || (back > 0
                            && !high(
                                    at.hour().value().doubleValue(),
                                    at.model().usual().doubleValue(),
                                    s))) {
                return false;
            }
            Hour h = at.hour();
            HourModel.Baseline b = at.model();
            run.add(h, b, b.highRecords());
            double p = CountTails.recordsAtLeast(run.records, run.mean, Math.max(run.variance, run.mean));
            if (agg == Aggregation.SUM) {
                double sizes =
                        CountTails.quantityAtLeast(run.total, run.records, lastBase.sizeMean(), run.sizeVariance);
                p = 2 * Math.min(p, sizes);
            }
            if (p < SPIKE_ALPHA) {
                return true;
            }
        }
        return false;
    }

    /**
     * The record counts of a run so far, summed over its hours (the expected count per hour as the caller
     * chooses it): what the count and size tails of the counted walks read.
     */
    private static final class Counts {
        double total;
        long records;
        double mean;
        double variance;
        double sizeVariance;
        private int hours;

        void add(Hour h, HourModel.Baseline b, double expectedRecords) {
            total += h.value().doubleValue();
            records += h.records();
            mean += expectedRecords;
            variance += b.recordSpreadSq();
            // The size variance of the run's hours pooled: one hour's model from 12 hours of one to three
            // records can make sizes look steadier than they are.
            sizeVariance = (sizeVariance * hours + b.sizeVariance()) / (hours + 1);
            hours++;
        }
    }

    /** One earlier hour of a run: its usage and its model. */
    private record Step(Hour hour, HourModel.Baseline model) {}

    /**
     * The hour {@code back} hours before the run's last one (0: the last one) and its model, or null when
     * the run cannot reach it: its history is not known or it cannot be judged (the walks above stop there).
     */
    private Step at(int back) throws Exception {
        if (back == 0) {
            return new Step(last, lastBase);
        }
        long j = hour - back * HOUR_MS;
        if (!known(j, knownFrom)) {
            return null;
        }
        HourModel.Baseline b = HourModel.of(history, j, agg);
        return judgeable(b, s) ? new Step(orEmpty(history.at(j)), b) : null;
    }
}
