package io.reckon.jobs.reconcile.checks;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.reconcile.checks.UsageDetector.Hour;
import io.reckon.pricing.Aggregation;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The empty-hour calibration of the drop test, and what it does to the verdicts. */
class EmptyHoursTest {

    private static final long H = UsageDetector.HOUR_MS;
    private static final long START = 1_767_571_200_000L; // Monday 2026-01-05
    private static final UsageDetector.Settings DEFAULTS =
            io.reckon.jobs.reconcile.ReconSettings.defaults().detector();

    @Test
    void aKeyThatIsNeverEmptyIsCalibratedFarDownAndAPoissonKeyOnlyAsFarAsItsModelOverstatesItsEmptyHours()
            throws Exception {
        long judged = START + 35 * 24 * H + 10 * H;
        // No empty hour among the 280 read (ten hours of day, 28 days) where the model expects about 20.
        Map<Long, Hour> steady = key(new SplittableRandom(1), true);
        EmptyHours never = calibrationOver(steady, judged);
        assertThat(never.calibration()).isLessThan(0.1);

        // A Poisson key of mean 2 is empty one hour in seven; its model, from 9 to 12 hours, spreads its
        // counts wider than Poisson and expects more (0.42 measured).
        Map<Long, Hour> poisson = key(new SplittableRandom(1), false);
        EmptyHours often = calibrationOver(poisson, judged);
        assertThat(often.calibration()).isGreaterThan(0.3).isGreaterThan(5 * never.calibration());
    }

    @Test
    void fourEmptyHoursAreADropOnANeverEmptyKeyButNotOnAPoissonKeyOfTheSameRate() throws Exception {
        long from = START + 35 * 24 * H + 10 * H;
        // Over 200 such keys. A never-empty key's four empty hours are a drop (200 of 200 measured; 190
        // when only the same weekday's hours were read, 28 without the calibration). A Poisson key's four
        // empty hours, which happen once in 3,000 hours on their own, are one only when its hours
        // happened to be empty far less often than the model expects (0 of 200 measured; 6 when only
        // the same weekday's hours were read).
        int steadyDrops = 0;
        int poissonDrops = 0;
        for (int seed = 0; seed < 200; seed++) {
            Map<Long, Hour> steady = key(new SplittableRandom(seed), true);
            Map<Long, Hour> poisson = key(new SplittableRandom(seed), false);
            for (int i = 0; i < 4; i++) {
                steady.remove(from + i * H);
                poisson.remove(from + i * H);
            }
            steadyDrops += drop(steady, from + 3 * H) ? 1 : 0;
            poissonDrops += drop(poisson, from + 3 * H) ? 1 : 0;
        }
        assertThat(steadyDrops).isGreaterThanOrEqualTo(195);
        assertThat(poissonDrops).isLessThanOrEqualTo(3);
    }

    private static boolean drop(Map<Long, Hour> hours, long hour) throws Exception {
        return UsageDetector.judge(hours::get, hour, START, Aggregation.COUNT, DEFAULTS)
                        .outcome()
                == UsageDetector.Outcome.DROP;
    }

    private static EmptyHours calibrationOver(Map<Long, Hour> hours, long judged) throws Exception {
        EmptyHours e = new EmptyHours();
        for (long t = judged - 8 * H; t <= judged + H; t += H) {
            e.add(hours::get, t, HourModel.of(hours::get, t, Aggregation.COUNT));
        }
        return e;
    }

    /**
     * Six weeks of a counted key of about two records an hour: 1 to 3 every hour ({@code steady}), or a
     * Poisson count of mean 2 (empty one hour in seven).
     */
    private static Map<Long, Hour> key(SplittableRandom r, boolean steady) {
        Map<Long, Hour> hours = new HashMap<>();
        for (long t = START; t < START + 42 * 24 * H; t += H) {
            int n = steady ? 1 + r.nextInt(3) : poisson(r, 2);
            if (n > 0) {
                BigDecimal q = BigDecimal.valueOf(n);
                hours.put(t, new Hour(q, n, q, BigDecimal.ONE));
            }
        }
        return hours;
    }

    private static int poisson(SplittableRandom r, double mean) {
        double l = Math.exp(-mean);
        int k = 0;
        double p = r.nextDouble();
        while (p > l) {
            k++;
            p *= r.nextDouble();
        }
        return k;
    }
}
