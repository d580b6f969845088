package io.reckon.jobs.reconcile.checks;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.reconcile.checks.UsageDetector.Hour;
import io.reckon.jobs.reconcile.checks.UsageDetector.Outcome;
import io.reckon.pricing.Aggregation;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * The detector's shortcut ({@link UsageDetector#plainlyNormal}) never changes a verdict: on random keys,
 * with incidents in their baseline weeks or not, every hour it calls normal is normal by the model too,
 * and it takes most hours of a regular key.
 */
class PlainlyNormalTest {

    private static final long H = UsageDetector.HOUR_MS;
    private static final long START = 1_767_571_200_000L; // Monday 2026-01-05
    private static final UsageDetector.Settings DEFAULTS =
            io.reckon.jobs.reconcile.ReconSettings.defaults().detector();

    @Property(tries = 60)
    void anHourTheShortcutCallsNormalIsNormalByTheModel(
            @ForAll long seed, @ForAll Aggregation agg, @ForAll boolean incidents) throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        Map<Long, Hour> hours = key(r, agg, incidents);
        int shortcut = 0;
        int judged = 0;
        for (long t = START + 29 * 24 * H; t < START + 42 * 24 * H; t += H) {
            Hour h = hours.getOrDefault(t, Hour.EMPTY);
            if (UsageDetector.plainlyNormal(hours::get, t, h, DEFAULTS)) {
                shortcut++;
                assertThat(UsageDetector.byModel(hours::get, t, START, agg, DEFAULTS, h)
                                .outcome())
                        .as("hour %d", (t - START) / H)
                        .isEqualTo(Outcome.NORMAL);
            }
            judged++;
        }
        if (!incidents) {
            assertThat(shortcut)
                    .as("hours of a regular key taken by the shortcut")
                    .isGreaterThan(judged / 2);
        }
    }

    /**
     * Six weeks of a key (its hours in {@code agg}) of 0 to 6 records an hour, a daily rhythm, and (with {@code incidents}) an hour
     * in twenty ten times or a tenth of its usual.
     */
    private static Map<Long, Hour> key(SplittableRandom r, Aggregation agg, boolean incidents) {
        Map<Long, Hour> hours = new HashMap<>();
        for (long t = START; t < START + 42 * 24 * H; t += H) {
            int hourOfDay = (int) ((t / H) % 24);
            double rate = 3 * (1 + 0.6 * Math.sin(2 * Math.PI * hourOfDay / 24));
            int n = (int) Math.round(rate + r.nextGaussian() * Math.sqrt(rate));
            double scale = incidents && r.nextInt(20) == 0 ? (r.nextBoolean() ? 10 : 0.1) : 1;
            if (n <= 0) {
                continue;
            }
            BigDecimal sum = BigDecimal.ZERO;
            BigDecimal max = BigDecimal.ZERO;
            for (int i = 0; i < n; i++) {
                BigDecimal q = BigDecimal.valueOf(Math.max(1, Math.round(scale * (20 + r.nextInt(380)))));
                sum = sum.add(q);
                max = max.max(q);
            }
            BigDecimal value =
                    switch (agg) {
                        case SUM -> sum;
                        case COUNT -> BigDecimal.valueOf(n);
                        case MAX -> max;
                    };
            hours.put(t, new Hour(value, n, sum, max));
        }
        return hours;
    }
}
