package io.reckon.jobs.reconcile.checks;

import io.reckon.jobs.reconcile.checks.HeldOutUsage.Incident;
import io.reckon.jobs.reconcile.checks.HeldOutUsage.Key;

/**
 * The ceiling of drop recall on the held-out generator: an oracle that knows each key's exact law of
 * records per hour ({@link HeldOutUsage.CountLaw}) and judges a drop that thinned the records by the
 * exact probability, under that law, of as few records as the drop left over the most telling window
 * of consecutive hours inside it. A drop that scaled the quantities (the records kept, each a tenth)
 * is taken as found: its evidence is the sizes, which this oracle does not weigh, so the ceiling is
 * generous. It makes no correction for testing many windows and estimates nothing, so no detector that
 * judges a thinned drop at the same probability finds more (a thinned drop keeps the sizes of the
 * records it keeps: its records' count is all the evidence there is); one that must learn each key's
 * law from its history finds less.
 */
final class DropOracle {

    private DropOracle() {}

    /** The smallest probability, over the windows of the drop, of at most its records there. */
    static double evidence(Key key, Incident drop) {
        if (key.scaled()) {
            return 0;
        }
        int first = index(drop.start());
        int end = index(drop.end());
        double best = 1;
        for (int a = first; a < end; a++) {
            double[] law = {1};
            int seen = 0;
            for (int b = a; b < end; b++) {
                law = convolve(law, key.law().at(b));
                seen += key.hours().get(b).size();
                best = Math.min(best, atMost(law, seen));
            }
        }
        return best;
    }

    /**
     * How many of the 4 weeks before the drop held an incident of the key at the same hours of the week
     * (or an hour either side), which the detector's baseline of that hour reads as the key's usual.
     */
    static int echoes(Key key, Incident drop) {
        int weeks = 0;
        for (int w = 1; w <= UsageDetector.WEEKS; w++) {
            long from = drop.start() - w * UsageDetector.WEEK_MS - HeldOutUsage.HOUR_MS;
            long to = drop.end() - w * UsageDetector.WEEK_MS + HeldOutUsage.HOUR_MS;
            for (Incident other : key.incidents()) {
                if (other.start() < to && other.end() > from) {
                    weeks++;
                    break;
                }
            }
        }
        return weeks;
    }

    private static int index(long t) {
        return (int) ((t - HeldOutUsage.ORIGIN) / HeldOutUsage.HOUR_MS);
    }

    /** The law of the sum of two independent counts, up to the counts a window can hold here. */
    private static double[] convolve(double[] x, double[] y) {
        double[] z = new double[Math.min(x.length + y.length - 1, 2_000)];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < y.length && i + j < z.length; j++) {
                z[i + j] += x[i] * y[j];
            }
        }
        return z;
    }

    private static double atMost(double[] law, int k) {
        double total = 0;
        for (int i = 0; i <= k && i < law.length; i++) {
            total += law[i];
        }
        return total;
    }
}
