package io.reckon.jobs.reconcile.checks;

import org.apache.commons.math3.special.Gamma;

/**
 * Lower tail probabilities for the drop test of {@link UsageDetector}: how likely a run of hours holds
 * as few records (or records as small) as it does when the key behaves as usual. A normal
 * approximation cannot say this for a sparse key (its lower tail reaches below zero records long
 * before a Poisson's does), so the counts are modelled as what they are:
 *
 * <ul>
 *   <li>records: negative binomial with the usual mean M and variance V when V &gt; M (over-dispersed
 *       keys, a gamma mixture of Poisson rates), Poisson when V = M, and binomial with p = 1 - V / M
 *       when V &lt; M (keys steadier than Poisson: an empty hour is rarer than Poisson says);
 *   <li>the quantity of R records, given R: a gamma with R times the shape of one record's size
 *       (mean u, variance sigma²), i.e. the sum of R sizes of that mean and variance.
 * </ul>
 *
 * The regularized incomplete gamma function comes from Apache Commons Math (shipped with Flink).
 */
final class CountTails {

    private CountTails() {}

    /** P(N &lt;= r) for N with mean {@code mean} and variance {@code variance} (see the class comment). */
    static double recordsAtMost(long r, double mean, double variance) {
        if (mean <= 0) {
            return 1;
        }
        double pmf;
        double total = 0;
        if (variance > mean * (1 + 1e-9)) {
            double size = mean * mean / (variance - mean);
            double q = mean / (size + mean);
            pmf = Math.exp(size * Math.log(size / (size + mean)));
            for (long k = 0; k <= r; k++) {
                total += pmf;
                pmf *= (k + size) / (k + 1) * q;
            }
        } else if (variance >= mean * (1 - 1e-9)) {
            pmf = Math.exp(-mean);
            for (long k = 0; k <= r; k++) {
                total += pmf;
                pmf *= mean / (k + 1);
            }
        } else {
            double p = 1 - variance / mean;
            double n = mean / p;
            pmf = Math.exp(n * Math.log(1 - p));
            for (long k = 0; k <= r && k < n; k++) {
                total += pmf;
                pmf *= (n - k) / (k + 1) * p / (1 - p);
            }
        }
        return Math.min(1, total);
    }

    /** P(N &gt;= r) for N as in {@link #recordsAtMost}. */
    static double recordsAtLeast(long r, double mean, double variance) {
        if (r <= 0) {
            return 1;
        }
        if (mean <= 0) {
            return 0;
        }
        // The probabilities of r, r + 1, ... summed directly: 1 - P(N < r) would lose a small tail.
        double total = 0;
        if (variance > mean * (1 + 1e-9)) {
            double size = mean * mean / (variance - mean);
            double q = mean / (size + mean);
            double logPmf = size * Math.log(size / (size + mean))
                    + Gamma.logGamma(r + size)
                    - Gamma.logGamma(size)
                    - Gamma.logGamma(r + 1.0)
                    + r * Math.log(q);
            double pmf = Math.exp(logPmf);
            for (long k = r; k < r + 100_000 && pmf > total * 1e-16; k++) {
                total += pmf;
                pmf *= (k + size) / (k + 1) * q;
            }
        } else if (variance >= mean * (1 - 1e-9)) {
            double pmf = Math.exp(-mean + r * Math.log(mean) - Gamma.logGamma(r + 1.0));
            for (long k = r; k < r + 100_000 && pmf > total * 1e-16; k++) {
                total += pmf;
                pmf *= mean / (k + 1);
            }
        } else {
            double p = 1 - variance / mean;
            double n = mean / p;
            if (r > n) {
                return 0;
            }
            double pmf = Math.exp(Gamma.logGamma(n + 1)
                    - Gamma.logGamma(r + 1.0)
                    - Gamma.logGamma(n - r + 1)
                    + r * Math.log(p)
                    + (n - r) * Math.log(1 - p));
            for (long k = r; k <= n && pmf > total * 1e-16; k++) {
                total += pmf;
                pmf *= (n - k) / (k + 1) * p / (1 - p);
            }
        }
        return Math.min(1, total);
    }

    /** P(S &gt;= quantity) for S as in {@link #quantityAtMost}. */
    static double quantityAtLeast(double quantity, long records, double sizeMean, double sizeVariance) {
        if (records <= 0 || sizeMean <= 0 || sizeVariance <= 0) {
            return 1;
        }
        double shape = records * sizeMean * sizeMean / sizeVariance;
        double scale = sizeVariance / sizeMean;
        return Gamma.regularizedGammaQ(shape, Math.max(0, quantity) / scale);
    }

    /**
     * P(S &lt;= quantity) for S the sum of {@code records} sizes of mean {@code sizeMean} and variance
     * {@code sizeVariance}, as a gamma of the same mean and variance.
     */
    static double quantityAtMost(double quantity, long records, double sizeMean, double sizeVariance) {
        if (records <= 0 || sizeMean <= 0 || sizeVariance <= 0) {
            return 1;
        }
        double shape = records * sizeMean * sizeMean / sizeVariance;
        double scale = sizeVariance / sizeMean;
        return Gamma.regularizedGammaP(shape, Math.max(0, quantity) / scale);
    }
}
