package io.reckon.jobs.reconcile.checks;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.reconcile.checks.UsageDetector.Hour;
import io.reckon.jobs.reconcile.checks.UsageDetector.Outcome;
import io.reckon.pricing.Aggregation;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The usage detector's verdicts on small hand-made histories, and the predicate the ticks rely on. */
class UsageDetectorTest {

    private static final long H = UsageDetector.HOUR_MS;
    private static final long START = 1_767_571_200_000L; // Monday 2026-01-05
    private static final UsageDetector.Settings DEFAULTS =
            io.reckon.jobs.reconcile.ReconSettings.defaults().detector();

    @Test
    void anHourBeforeFourWeeksAndAnHourOfHistoryIsTooYoung() throws Exception {
        Map<Long, Hour> hours = steady(START, 40 * 24, "10");
        long early = START + 28 * 24 * H; // exactly 4 weeks: the neighbour hour before is not known
        assertThat(UsageDetector.judge(hours::get, early, START, Aggregation.SUM, DEFAULTS)
                        .outcome())
                .isEqualTo(Outcome.TOO_YOUNG);
        assertThat(UsageDetector.judge(hours::get, early + H, START, Aggregation.SUM, DEFAULTS)
                        .outcome())
                .isEqualTo(Outcome.NORMAL);
    }

    @Test
    void anHourThatUsuallyHasNoUsageIsTooSparse() throws Exception {
        Map<Long, Hour> hours = new HashMap<>();
        for (long t = START; t < START + 40 * 24 * H; t += 24 * H) {
            hours.put(t, hour("5", 1)); // one record a day, at midnight
        }
        long noon = START + 35 * 24 * H + 12 * H;
        assertThat(UsageDetector.judge(hours::get, noon, START, Aggregation.SUM, DEFAULTS)
                        .outcome())
                .isEqualTo(Outcome.TOO_SPARSE);
    }

    @Test
    void onAOneRecordKeyATenfoldRecordIsASpikeATenthADropAndThreeEmptyHoursADrop() throws Exception {
        Map<Long, Hour> hours = steady(START, 40 * 24, "10");
        long spike = START + 35 * 24 * H + 10 * H;
        hours.put(spike, hour("100", 1));
        for (int i = 0; i < 4; i++) {
            hours.put(spike + (4 + i) * H, hour("1", 1));
        }
        for (int i = 0; i < 8; i++) {
            hours.remove(spike + (12 + i) * H);
        }
        // One record of ten times (a tenth of) the usual size: far outside what a record's size varies by.
        assertThat(UsageDetector.judge(hours::get, spike, START, Aggregation.SUM, DEFAULTS)
                        .outcome())
                .isEqualTo(Outcome.SPIKE);
        assertThat(UsageDetector.judge(hours::get, spike + 4 * H, START, Aggregation.SUM, DEFAULTS)
                        .outcome())
                .isEqualTo(Outcome.DROP);
        // Empty hours: a key of one record an hour is not believed steadier than a quarter of Poisson's
        // variance, so the model gives an empty hour a probability of 0.16; but none of the key's hours at
        // that time of day was empty over 28 days, where the model expects about one in six (EmptyHours),
        // which scales that down about twenty times per hour: the third empty hour in a row falls below
        // 1e-6 (the eighth without).
        assertThat(UsageDetector.judge(hours::get, spike + 13 * H, START, Aggregation.SUM, DEFAULTS)
                        .outcome())
                .isEqualTo(Outcome.NORMAL);
        assertThat(UsageDetector.judge(hours::get, spike + 14 * H, START, Aggregation.SUM, DEFAULTS)
                        .outcome())
                .isEqualTo(Outcome.DROP);
        UsageDetector.History counts = h -> in(Aggregation.COUNT, hours.get(h));
        // Counted, the record sizes do not matter: one record an hour is the usual count.
        assertThat(UsageDetector.judge(counts, spike + 4 * H, START, Aggregation.COUNT, DEFAULTS)
                        .outcome())
                .isEqualTo(Outcome.NORMAL);
        assertThat(UsageDetector.judge(counts, spike + 13 * H, START, Aggregation.COUNT, DEFAULTS)
                        .outcome())
                .isEqualTo(Outcome.NORMAL);
        assertThat(UsageDetector.judge(counts, spike + 14 * H, START, Aggregation.COUNT, DEFAULTS)
                        .outcome())
                .isEqualTo(Outcome.DROP);
        UsageDetector.History ones = h -> unitSum(hours.get(h));
        // A count is judged as the sum of its records of size 1: the same verdicts.
        for (long t = spike - 30 * H; t < spike + 22 * H; t += H) {
            assertThat(UsageDetector.judge(ones, t, START, Aggregation.SUM, DEFAULTS))
                    .as("hour %d", t)
                    .isEqualTo(UsageDetector.judge(counts, t, START, Aggregation.COUNT, DEFAULTS));
        }
    }

    /**
     * The ticks skip empty hours for which {@link UsageDetector#emptyHourCanDrop} is false: on random
     * sparse keys, no empty hour the detector calls a drop is one of them.
     */
    @Test
    void everyEmptyHourJudgedADropIsOneTheTicksLookFor() throws Exception {
        SplittableRandom r = new SplittableRandom(7);
        UsageDetector.Settings loose = new UsageDetector.Settings(5, 5, 1, 1.0, 2);
        int drops = 0;
        for (int key = 0; key < 40; key++) {
            double p = 0.1 + 0.8 * r.nextDouble();
            Map<Long, Hour> hours = new HashMap<>();
            for (long t = START; t < START + 36 * 24 * H; t += H) {
                if (r.nextDouble() < p) {
                    int n = 1 + r.nextInt(3);
                    hours.put(t, hour(String.valueOf(1 + r.nextInt(50)), n));
                }
            }
            for (long t = START + 29 * 24 * H; t < START + 36 * 24 * H; t += H) {
                if (hours.containsKey(t)) {
                    continue;
                }
                for (UsageDetector.Settings s : new UsageDetector.Settings[] {DEFAULTS, loose}) {
                    for (Aggregation agg : Aggregation.values()) {
                        UsageDetector.History history = h -> in(agg, hours.get(h));
                        if (UsageDetector.judge(history, t, START, agg, s).outcome() == Outcome.DROP) {
                            drops++;
                            assertThat(UsageDetector.emptyHourCanDrop(hours::containsKey, t))
                                    .as("empty hour %d judged a drop", t)
                                    .isTrue();
                        }
                    }
                }
            }
        }
        assertThat(drops).isPositive();
    }

    private static Map<Long, Hour> steady(long from, int count, String quantity) {
        Map<Long, Hour> hours = new HashMap<>();
        for (int i = 0; i < count; i++) {
            hours.put(from + i * H, hour(quantity, 1));
        }
        return hours;
    }

    /** The hour's records as records of size 1, summed. */
    private static Hour unitSum(Hour h) {
        if (h == null) {
            return null;
        }
        BigDecimal n = BigDecimal.valueOf(h.records());
        return new Hour(n, h.records(), n, BigDecimal.ONE);
    }

    /** The hour as a meter of {@code agg} sees it. */
    private static Hour in(Aggregation agg, Hour h) {
        if (h == null) {
            return null;
        }
        BigDecimal value =
                switch (agg) {
                    case SUM -> h.sum();
                    case COUNT -> BigDecimal.valueOf(h.records());
                    case MAX -> h.max();
                };
        return new Hour(value, h.records(), h.sum(), h.max());
    }

    /** {@code records} records of {@code each} units (the value of a summed meter). */
    private static Hour hour(String each, int records) {
        BigDecimal q = new BigDecimal(each);
        BigDecimal sum = q.multiply(BigDecimal.valueOf(records));
        return new Hour(sum, records, sum, q);
    }
}
