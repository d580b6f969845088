package io.reckon.jobs.reconcile.checks;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.reconcile.checks.HeldOutUsage.Key;
import io.reckon.jobs.reconcile.checks.HeldOutUsage.Kind;
import io.reckon.pricing.Aggregation;
import io.reckon.pricing.ContractVersion;
import io.reckon.pricing.MeterTerms;
import io.reckon.pricing.PerUnit;
import io.reckon.pricing.Pricer;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The forecast targets on the held-out generator ({@link HeldOutUsage}), on clean keys over calendar
 * months (March and April 2026, each with the month before as its previous period): at mid-period,
 * the median absolute error of the projected amount is at most 5 % on steady keys (met), and the 80 %
 * interval holds the final amount in 75 to 85 % of key-periods, and of each kind of key nearly so (see below).
 */
class PeriodForecastTargetsTest {

    private static final long HOUR_MS = HeldOutUsage.HOUR_MS;
    private static final int DAYS = 120;
    private static final Instant[] MONTHS = {
        Instant.parse("2026-02-01T00:00:00Z"), Instant.parse("2026-03-01T00:00:00Z"),
        Instant.parse("2026-04-01T00:00:00Z"), Instant.parse("2026-05-01T00:00:00Z")
    };

    /** One key-period at mid-period: the relative error of the projected amount, and whether the interval held. */
    record Outcome(long seed, Kind kind, Aggregation aggregation, double relativeError, boolean covered) {}

    /** Seeds of the generator: the targets must hold for each, not for one run's quirks. */
    static final long[] SEEDS = {20_261_203L, 7L, 99L, 11L, 12L, 13L, 14L, 15L};

    private static final List<Outcome> outcomes = new ArrayList<>();

    @BeforeAll
    static void forecastEverything() {
        Kind[] kinds = {Kind.STEADY, Kind.POISSON, Kind.BURSTY, Kind.OFFICE, Kind.GAUGE};
        for (long seed : SEEDS) {
            HeldOutUsage gen = new HeldOutUsage(seed);
            for (int i = 0; i < 300; i++) {
                Kind kind = kinds[i % kinds.length];
                Key key = gen.key("k" + i, kind, DAYS, false);
                ContractVersion contract = contract(key.aggregation());
                for (int m = 1; m + 1 < MONTHS.length; m++) {
                    outcomes.add(forecast(seed, key, contract, MONTHS[m - 1], MONTHS[m], MONTHS[m + 1]));
                }
            }
        }
    }

    @AfterAll
    static void forget() {
        outcomes.clear();
    }

    static ContractVersion contract(Aggregation agg) {
        MeterTerms terms = MeterTerms.builder("api_calls")
                .aggregation(agg.name().toLowerCase())
                .pricing(new PerUnit(new BigDecimal("0.37")))
                .build();
        return ContractVersion.builder()
                .accountId("acct")
                .version(1)
                .effectiveFrom(Instant.parse("2026-01-01T00:00:00Z"))
                .currency("usd")
                .meter(terms)
                .build();
    }

    static Outcome forecast(
            long seed, Key key, ContractVersion contract, Instant previous, Instant start, Instant end) {
        MeterTerms terms = contract.meter("api_calls").orElseThrow();
        int hours = (int) ((end.toEpochMilli() - start.toEpochMilli()) / HOUR_MS);
        int elapsed = hours / 2;
        Totals prior = totals(key, previous.toEpochMilli(), start.toEpochMilli());
        Totals soFar = totals(key, start.toEpochMilli(), start.toEpochMilli() + elapsed * HOUR_MS);
        Totals whole = totals(key, start.toEpochMilli(), end.toEpochMilli());
        int priorHours = (int) ((start.toEpochMilli() - previous.toEpochMilli()) / HOUR_MS);
        PeriodForecast.Inputs in = new PeriodForecast.Inputs(
                key.aggregation(),
                elapsed,
                hours,
                soFar.value(key.aggregation()),
                soFar.records,
                soFar.max,
                prior.value(key.aggregation()),
                priorHours,
                key.aggregation() == Aggregation.MAX
                        ? growth(key, start.toEpochMilli(), start.toEpochMilli() + elapsed * HOUR_MS)
                        : null,
                key.aggregation() == Aggregation.MAX
                        ? null
                        : WeeklyRhythm.of(
                                dayTotals(key, previous.toEpochMilli(), start.toEpochMilli()),
                                weekday(previous),
                                dayTotals(key, start.toEpochMilli(), start.toEpochMilli() + elapsed * HOUR_MS),
                                weekday(start)),
                weekday(start));
        PeriodForecast.Priced priced = PeriodForecast.price(PeriodForecast.project(in), contract, terms, start);
        long actual = Pricer.priceMinor(contract, terms, start, whole.value(key.aggregation()));
        double error = Math.abs(priced.amountMinor() - actual) / (double) Math.max(1, actual);
        boolean covered = priced.amountLowMinor() <= actual && actual <= priced.amountHighMinor();
        return new Outcome(seed, key.kind(), key.aggregation(), error, covered);
    }

    /** The totals of the whole days in [from, to), in the key's aggregation, as the job keeps them. */
    private static double[] dayTotals(Key key, long from, long to) {
        int days = (int) ((to - from) / (24 * HOUR_MS));
        double[] totals = new double[days];
        for (int d = 0; d < days; d++) {
            long day = from + d * 24 * HOUR_MS;
            totals[d] = totals(key, day, day + 24 * HOUR_MS)
                    .value(key.aggregation())
                    .doubleValue();
        }
        return totals;
    }

    /** 0 = Monday. */
    private static int weekday(Instant midnight) {
        return midnight.atZone(java.time.ZoneOffset.UTC).getDayOfWeek().getValue() - 1;
    }

    /** The level's growth as the job measures it ({@code Forecasts}). */
    private static PeriodForecast.Growth growth(Key key, long start, long cutoff) {
        try {
            return LevelGrowth.of(h -> maxOf(key.hour(h)), start, cutoff);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static BigDecimal maxOf(UsageDetector.Hour h) {
        return h == null || h.records() == 0 ? null : h.max();
    }

    /** Sum, record count and largest record of the key's hours in [from, to). */
    record Totals(BigDecimal sum, long records, BigDecimal max) {
        BigDecimal value(Aggregation agg) {
            return switch (agg) {
                case SUM -> sum;
                case COUNT -> BigDecimal.valueOf(records);
                case MAX -> max;
            };
        }
    }

    static Totals totals(Key key, long from, long to) {
        BigDecimal sum = BigDecimal.ZERO;
        BigDecimal max = BigDecimal.ZERO;
        long records = 0;
        for (long t = from; t < to; t += HOUR_MS) {
            UsageDetector.Hour h = key.hour(t);
            sum = sum.add(h.sum());
            records += h.records();
            max = max.max(h.max());
        }
        return new Totals(sum, records, max);
    }

    @Test
    void atMidPeriodSteadyKeysAreProjectedWithinFivePercent() {
        for (long seed : SEEDS) {
            Map<Kind, List<Double>> errors = new EnumMap<>(Kind.class);
            for (Outcome o : outcomes) {
                if (o.seed() == seed) {
                    errors.computeIfAbsent(o.kind(), k -> new ArrayList<>()).add(o.relativeError());
                }
            }
            StringBuilder shown = new StringBuilder();
            errors.forEach((k, v) -> shown.append(String.format(" %s %.2f %%", k, 100 * median(v))));
            System.out.println("held-out forecasts (seed " + seed
                    + "), median absolute error of the amount at mid-period:" + shown);
            assertThat(errors.get(Kind.STEADY)).hasSizeGreaterThan(100);
            assertThat(median(errors.get(Kind.STEADY))).isLessThanOrEqualTo(0.05);
        }
    }

    @Test
    void theEightyPercentIntervalHoldsTheFinalAmountInThreeQuartersToFiveSixthsOfKeyPeriods() {
        for (long seed : SEEDS) {
            coverageOf(seed, outcomes.stream().filter(o -> o.seed() == seed).toList());
        }
    }

    private static void coverageOf(long seed, List<Outcome> outcomes) {
        Map<Kind, int[]> byKind = new EnumMap<>(Kind.class);
        int covered = 0;
        for (Outcome o : outcomes) {
            int[] t = byKind.computeIfAbsent(o.kind(), k -> new int[2]);
            t[1]++;
            if (o.covered()) {
                t[0]++;
                covered++;
            }
        }
        StringBuilder shown = new StringBuilder();
        byKind.forEach((k, v) -> shown.append(String.format(" %s %d/%d", k, v[0], v[1])));
        double share = (double) covered / outcomes.size();
        System.out.printf(
                "held-out forecasts (seed %d), 80 %% interval coverage %.1f %% of %d key-periods:%s%n",
                seed, 100 * share, outcomes.size(), shown);
        // The target is 75 to 85 %, for every seed; measured 76.5 to 81.8 % over the eight (seeds 11 to 15
        // first run with the weekly rhythm in place, nothing changed after). Each kind of key too, not only
        // their mix: measured 72.5 to 88.3 % (with the Poisson count of records instead of the key's own
        // days, 50 to 99 % on the first three seeds: steady keys' intervals too wide, weekday-only keys'
        // too narrow).
        for (Map.Entry<Kind, int[]> k : byKind.entrySet()) {
            assertThat((double) k.getValue()[0] / k.getValue()[1])
                    .as("seed %d, %s keys", seed, k.getKey())
                    .isBetween(0.70, 0.90);
        }
        assertThat(share).isBetween(0.75, 0.85);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
