package io.reckon.jobs.reconcile.checks;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * USAGE_SPIKE and USAGE_DROP: one hour of a key against its own seasonal baseline.
 *
 * <p>Method. The baseline of an hour is the median m of the same hour of the week in the previous
 * four weeks (a seasonal naive forecast: it follows the daily and weekly rhythm of each key, and the
 * median ignores one odd week). The spread is s = 1.5 x MAD, the median absolute deviation of those
 * four values from m (1.5 approximates the 1.4826 that makes MAD a standard deviation for normal
 * noise, and keeps the arithmetic exact). The hour is a
 *
 * <ul>
 *   <li>spike when q &gt; m + k x s and q &gt; r x m,
 *   <li>drop when q &lt; m - k x s and r x q &lt; m,
 * </ul>
 *
 * with k = {@code reconcile.spike-deviations} (5) and r = {@code reconcile.spike-ratio} (3). Both a
 * statistical and a relative bound must be crossed: the first keeps steady keys from flagging noise,
 * the second keeps keys with a tiny spread from flagging small moves. A key needs four full weeks of
 * history before it is judged; an hour is judged only when each of the four weeks had at least
 * {@code reconcile.spike-min-records} (20) usage records in it (with a handful of events per hour, one
 * event more or less is already a factor of three: noise, not a signal), and only when it usually has
 * usage (m &gt; 0). All arithmetic is exact decimal.
 */
public final class SeasonalBaseline {

    public static final int WEEKS = 4;
    /** The history an hour's verdict reads: the same hour of the week, {@link #WEEKS} weeks back. */
    public static final long HISTORY_MS = WEEKS * 7 * 24 * 3_600_000L;

    private static final BigDecimal MAD_SCALE = new BigDecimal("1.5");

    private SeasonalBaseline() {}

    /** The verdict on one hour: the type of signal, and the baseline it was judged against. */
    public record Verdict(AnomalyType type, BigDecimal baseline) {}

    /**
     * @param quantity the hour's usage
     * @param samples the same hour of the week in each of the previous weeks; null where unknown
     */
    public static Optional<Verdict> judge(BigDecimal quantity, List<BigDecimal> samples, int deviations, int ratio) {
        if (samples.size() < WEEKS || samples.stream().anyMatch(s -> s == null)) {
            return Optional.empty();
        }
        BigDecimal m = median(samples);
        List<BigDecimal> deviationsFromMedian = new ArrayList<>();
        for (BigDecimal s : samples) {
            deviationsFromMedian.add(s.subtract(m).abs());
        }
        BigDecimal spread = median(deviationsFromMedian).multiply(MAD_SCALE);
        BigDecimal band = spread.multiply(BigDecimal.valueOf(deviations));
        BigDecimal r = BigDecimal.valueOf(ratio);
        if (m.signum() == 0) {
            // An hour that usually has no usage has no scale to judge by: a sparse key's every
            // active hour would look like a spike.
            return Optional.empty();
        }
        if (quantity.compareTo(m.add(band)) > 0 && quantity.compareTo(m.multiply(r)) > 0) {
            return Optional.of(new Verdict(AnomalyType.USAGE_SPIKE, m));
        }
        if (quantity.compareTo(m.subtract(band)) < 0 && quantity.multiply(r).compareTo(m) < 0) {
            return Optional.of(new Verdict(AnomalyType.USAGE_DROP, m));
        }
        return Optional.empty();
    }

    /** The median; for an even count the mean of the middle two (exact: halving a decimal is exact). */
    public static BigDecimal median(List<BigDecimal> values) {
        BigDecimal[] sorted = values.toArray(new BigDecimal[0]);
        Arrays.sort(sorted);
        int n = sorted.length;
        if (n % 2 == 1) {
            return sorted[n / 2];
        }
        return sorted[n / 2 - 1].add(sorted[n / 2]).divide(BigDecimal.valueOf(2));
    }
}
