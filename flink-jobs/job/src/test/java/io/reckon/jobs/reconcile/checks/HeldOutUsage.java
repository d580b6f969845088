package io.reckon.jobs.reconcile.checks;

import io.reckon.pricing.Aggregation;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A second generator of usage, written apart from the detector, the forecaster and the demo's
 * workload, to measure them on data they were not shaped on. It simulates every record of every hour
 * of a key (so sums, counts and maxima come from the same records), with keys of six kinds:
 *
 * <ul>
 *   <li>{@code steady}: 1 to 3 records every hour, 20 to 400 units each, more records by day than by
 *       night (the shape of the report the signals issue came with);
 *   <li>{@code poisson}: a Poisson number of records (2 to 8 an hour at the daily peak) with a daily
 *       curve at a key-specific hour and quieter weekends, log-normal quantities;
 *   <li>{@code bursty}: like poisson but over-dispersed (each hour's rate drawn from a gamma);
 *   <li>{@code office}: records only from 9 to 17 UTC on weekdays, about 6 an hour;
 *   <li>{@code gauge}: a maximum meter, 1 to 4 readings an hour of a level with a daily swing;
 *   <li>{@code rare}: 0.15 records an hour, too sparse to judge.
 * </ul>
 *
 * Incidents (on the keys asked for) start after day 35 and at least 4 days apart, at an hour the key
 * is usually active: a <b>spike</b> is 10 times the usage for two hours (ten times the records, or for
 * half the summed keys ten times the quantities; a gauge reads ten times its level), a <b>drop</b> is a
 * tenth of the usage for 3 to 8 hours (each record kept with probability 0.1, or for half the summed
 * keys quantities divided by ten; a gauge reads a tenth). The truth is returned with the series.
 */
public final class HeldOutUsage {

    public static final long HOUR_MS = 3_600_000L;
    /** Monday 2026-01-05 00:00 UTC. */
    public static final long ORIGIN = 1_767_571_200_000L;

    public enum Kind {
        STEADY,
        POISSON,
        BURSTY,
        OFFICE,
        GAUGE,
        RARE
    }

    public record Incident(boolean spike, long start, long end) {}

    /** The exact law of a key's record count in hour i (from {@link #ORIGIN}), before any incident. */
    @FunctionalInterface
    public interface CountLaw {
        /** P(k records) for k = 0, 1, ... (the tail beyond the array's end is negligible). */
        double[] at(int i);
    }

    /**
     * One key: its kind, aggregation, the records of each hour from {@link #ORIGIN}, its incidents,
     * whether its incidents scale the quantities (or else thin or multiply the records), and the law of
     * its record counts.
     */
    public record Key(
            String name,
            Kind kind,
            Aggregation aggregation,
            List<List<BigDecimal>> hours,
            List<Incident> incidents,
            boolean scaled,
            CountLaw law) {

        public UsageDetector.Hour hour(long t) {
            int i = (int) ((t - ORIGIN) / HOUR_MS);
            if (t < ORIGIN || i >= hours.size()) {
                return UsageDetector.Hour.EMPTY;
            }
            List<BigDecimal> records = hours.get(i);
            BigDecimal sum = BigDecimal.ZERO;
            BigDecimal max = BigDecimal.ZERO;
            for (BigDecimal q : records) {
                sum = sum.add(q);
                max = q.compareTo(max) > 0 ? q : max;
            }
            BigDecimal value =
                    switch (aggregation) {
                        case SUM -> sum;
                        case COUNT -> BigDecimal.valueOf(records.size());
                        case MAX -> max;
                    };
            return new UsageDetector.Hour(value, records.size(), sum, max);
        }

        public long end() {
            return ORIGIN + hours.size() * HOUR_MS;
        }

        public boolean clean() {
            return incidents.isEmpty();
        }
    }

    private final SplittableRandom random;

    public HeldOutUsage(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** A key of {@code kind} over {@code days} days, with incidents when {@code incidents} is true. */
    public Key key(String name, Kind kind, int days, boolean incidents) {
        SplittableRandom r = random.split();
        Aggregation agg =
                switch (kind) {
                    case GAUGE -> Aggregation.MAX;
                    case OFFICE -> Aggregation.COUNT;
                    case STEADY -> r.nextInt(3) == 0 ? Aggregation.COUNT : Aggregation.SUM;
                    default -> Aggregation.SUM;
                };
        Shape shape = new Shape(kind, r);
        int n = days * 24;
        List<Incident> truth = new ArrayList<>();
        Incident[] at = new Incident[n];
        if (incidents) {
            int hour = 35 * 24 + r.nextInt(48);
            while (hour < n - 24) {
                boolean spike = r.nextBoolean();
                int length = spike ? 2 : 3 + r.nextInt(6);
                // Only where the key is active all along: a tenth of nothing is no drop.
                while (hour < n - 24 && !shape.active(hour, length)) {
                    hour++;
                }
                if (hour >= n - 24) {
                    break;
                }
                Incident inc = new Incident(spike, ORIGIN + hour * HOUR_MS, ORIGIN + (hour + length) * HOUR_MS);
                truth.add(inc);
                for (int i = hour; i < hour + length; i++) {
                    at[i] = inc;
                }
                hour += length + 4 * 24 + r.nextInt(72);
            }
        }
        boolean scaleQuantities = agg == Aggregation.MAX || (agg == Aggregation.SUM && r.nextBoolean());
        List<List<BigDecimal>> hours = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Incident inc = at[i];
            List<BigDecimal> records = new ArrayList<>();
            if (inc != null && inc.spike() && !scaleQuantities) {
                for (int copy = 0; copy < 10; copy++) {
                    records.addAll(shape.records(i));
                }
            } else {
                records.addAll(shape.records(i));
            }
            if (inc != null) {
                List<BigDecimal> changed = new ArrayList<>();
                for (BigDecimal q : records) {
                    if (inc.spike()) {
                        changed.add(scaleQuantities ? q.multiply(BigDecimal.TEN) : q);
                    } else if (scaleQuantities) {
                        changed.add(q.divide(BigDecimal.TEN));
                    } else if (r.nextInt(10) == 0) {
                        changed.add(q);
                    }
                }
                records = changed;
            }
            hours.add(records);
        }
        return new Key(name, kind, agg, hours, truth, scaleQuantities, shape::countLaw);
    }

    /** The normal behaviour of one key. */
    private static final class Shape {
        final Kind kind;
        final SplittableRandom r;
        final double peak;
        final int peakHour;
        final double weekend;
        final double level;

        Shape(Kind kind, SplittableRandom r) {
            this.kind = kind;
            this.r = r;
            this.peak = 2 + r.nextDouble() * 6;
            this.peakHour = r.nextInt(24);
            this.weekend = 0.3 + r.nextDouble() * 0.5;
            this.level = Math.exp(Math.log(50) + r.nextDouble() * Math.log(100));
        }

        boolean active(int from, int length) {
            for (int i = from; i < from + length; i++) {
                if (rate(i) < 1) {
                    return false;
                }
            }
            return true;
        }

        /** Expected records of hour i. */
        double rate(int i) {
            int hourOfDay = i % 24;
            int day = (i / 24) % 7; // 0 = Monday
            return switch (kind) {
                case STEADY -> isDay(hourOfDay) ? 2.35 : 1.5;
                case POISSON, BURSTY -> peak * daily(hourOfDay) * (day >= 5 ? weekend : 1);
                case OFFICE -> day < 5 && hourOfDay >= 9 && hourOfDay < 17 ? 6 : 0;
                case GAUGE -> 2.5;
                case RARE -> 0.15;
            };
        }

        private boolean isDay(int hourOfDay) {
            int local = Math.floorMod(hourOfDay - peakHour + 12, 24);
            return local >= 6 && local < 18;
        }

        private double daily(int hourOfDay) {
            return 1 + 0.7 * Math.cos(2 * Math.PI * (hourOfDay - peakHour) / 24.0);
        }

        /** The law {@link #records} draws hour i's count from. */
        double[] countLaw(int i) {
            int hourOfDay = i % 24;
            double[] p = new double[kind == Kind.STEADY || kind == Kind.GAUGE ? 5 : 160];
            switch (kind) {
                case STEADY -> {
                    double[] day = {0, 0.15, 0.35, 0.5};
                    double[] night = {0, 0.6, 0.3, 0.1};
                    System.arraycopy(isDay(hourOfDay) ? day : night, 0, p, 0, 4);
                }
                case GAUGE -> Arrays.fill(p, 1, 5, 0.25);
                case POISSON, RARE, OFFICE -> {
                    double lambda = rate(i);
                    p[0] = Math.exp(-lambda);
                    for (int k = 1; k < p.length; k++) {
                        p[k] = p[k - 1] * lambda / k;
                    }
                }
                case BURSTY -> {
                    // A Poisson whose rate is a gamma of shape 4 and mean lambda: negative binomial.
                    double lambda = rate(i);
                    double q = lambda / (4 + lambda);
                    p[0] = Math.pow(1 - q, 4);
                    for (int k = 1; k < p.length; k++) {
                        p[k] = p[k - 1] * (k + 3) / k * q;
                    }
                }
            }
            return p;
        }

        List<BigDecimal> records(int i) {
            List<BigDecimal> out = new ArrayList<>();
            int hourOfDay = i % 24;
            switch (kind) {
                case STEADY -> {
                    double u = r.nextDouble();
                    int count = isDay(hourOfDay) ? (u < 0.15 ? 1 : u < 0.5 ? 2 : 3) : (u < 0.6 ? 1 : u < 0.9 ? 2 : 3);
                    for (int k = 0; k < count; k++) {
                        out.add(BigDecimal.valueOf(20 + r.nextInt(381)));
                    }
                }
                case POISSON, RARE, OFFICE -> {
                    int count = poisson(rate(i));
                    for (int k = 0; k < count; k++) {
                        out.add(logNormal(50, 0.5));
                    }
                }
                case BURSTY -> {
                    int count = poisson(rate(i) * gamma4());
                    for (int k = 0; k < count; k++) {
                        out.add(logNormal(50, 0.5));
                    }
                }
                case GAUGE -> {
                    int count = 1 + r.nextInt(4);
                    double swing = 1 + 0.3 * Math.sin(2 * Math.PI * (hourOfDay - peakHour) / 24.0);
                    for (int k = 0; k < count; k++) {
                        double v = level * swing * (1 + 0.08 * r.nextGaussian());
                        out.add(BigDecimal.valueOf(Math.max(0, v)).setScale(1, RoundingMode.HALF_UP));
                    }
                }
            }
            return out;
        }

        private int poisson(double lambda) {
            double l = Math.exp(-lambda);
            int k = 0;
            double p = r.nextDouble();
            while (p > l) {
                k++;
                p *= r.nextDouble();
            }
            return k;
        }

        /** Gamma with shape 4 and mean 1 (sum of 4 exponentials / 4). */
        private double gamma4() {
            double s = 0;
            for (int k = 0; k < 4; k++) {
                s -= Math.log(1 - r.nextDouble());
            }
            return s / 4;
        }

        private BigDecimal logNormal(double median, double sigma) {
            double v = median * Math.exp(sigma * r.nextGaussian());
            return BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_UP);
        }
    }
}
