package io.reckon.demo;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The real-time signal rules of the job, replayed over one key's hourly figures so that the truth
 * says exactly which identity (first hour) and which event-time tick the job should raise a signal
 * with. Kept apart from the job's own code on purpose: the demo checks the job, so it must not
 * borrow its arithmetic.
 *
 * <ul>
 *   <li>USAGE_SPIKE / USAGE_DROP: hour h, judged at tick h + 1 h, against the same hour of the week
 *       in the previous four weeks. h is judged only when each of those four hours is on or after
 *       the key's first usage hour and holds at least {@link #MIN_RECORDS} (20) usage records
 *       ({@code reconcile.spike-min-records}); h itself may hold any number, 0 included. m =
 *       median, s = 1.5 x MAD; spike if q &gt; m + 5 s and q &gt; 3 m, drop if q &lt; m - 5 s and
 *       3 q &lt; m; m = 0 is not judged. Consecutive hours of the same verdict are one episode,
 *       named by its first hour; an hour that cannot be judged ends a run like a clean one.
 *   <li>REPORTING_GAP: at tick T with cutoff C = T - 2 h and window W = 6 h: no report in [C - W,
 *       T), usage in [C - W, C), a report in [C - 2W, C - W). The gap starts at the hour after that
 *       last report and stays open until a report in an hour &gt;= its start exists before a tick.
 * </ul>
 */
final class SignalRules {

    static final String SPIKE = "USAGE_SPIKE";
    static final String DROP = "USAGE_DROP";
    static final String GAP = "REPORTING_GAP";
    static final Duration HOUR = Duration.ofHours(1);
    static final Duration WEEK = Duration.ofDays(7);
    static final int WEEKS = 4;
    /** Usage records each baseline hour needs before an hour is judged ({@code reconcile.spike-min-records}). */
    static final int MIN_RECORDS = 20;

    static final Duration REPORTING_DELAY = Duration.ofHours(2);
    static final Duration GAP_WINDOW = Duration.ofHours(6);
    private static final BigDecimal MAD_SCALE = new BigDecimal("1.5");
    private static final BigDecimal DEVIATIONS = BigDecimal.valueOf(5);
    private static final BigDecimal RATIO = BigDecimal.valueOf(3);

    private SignalRules() {}

    /** A run of consecutive hours with the same verdict: [start, end). */
    record Episode(String type, Instant start, Instant end) {
        Instant detectableAt() {
            return start.plus(HOUR);
        }
    }

    /** A reporting gap: its first hour, the tick that raises it, and the first report hour after it. */
    record Gap(Instant start, Instant detectableAt, Instant resumedHour) {}

    /** SPIKE, DROP or null for one hour's quantity against its four samples. */
    static String judge(BigDecimal q, List<BigDecimal> samples) {
        BigDecimal m = median(samples);
        if (m.signum() == 0) {
            return null;
        }
        List<BigDecimal> deviations = new ArrayList<>();
        for (BigDecimal s : samples) {
            deviations.add(s.subtract(m).abs());
        }
        BigDecimal band = median(deviations).multiply(MAD_SCALE).multiply(DEVIATIONS);
        if (q.compareTo(m.add(band)) > 0 && q.compareTo(m.multiply(RATIO)) > 0) {
            return SPIKE;
        }
        if (q.compareTo(m.subtract(band)) < 0 && q.multiply(RATIO).compareTo(m) < 0) {
            return DROP;
        }
        return null;
    }

    static BigDecimal median(List<BigDecimal> values) {
        BigDecimal[] v = values.toArray(new BigDecimal[0]);
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : v[n / 2 - 1].add(v[n / 2]).divide(BigDecimal.valueOf(2));
    }

    /**
     * Whether hour h can be judged: each of its four baseline hours is on or after the key's first
     * usage hour and holds at least {@link #MIN_RECORDS} usage records.
     *
     * @param records the key's usage records per hour; absent hours have none
     */
    static boolean judgeable(Map<Instant, Integer> records, Instant firstUsageHour, Instant h) {
        for (int w = 1; w <= WEEKS; w++) {
            Instant b = h.minus(WEEK.multipliedBy(w));
            if (b.isBefore(firstUsageHour) || records.getOrDefault(b, 0) < MIN_RECORDS) {
                return false;
            }
        }
        return true;
    }

    /**
     * The hours of [firstUsageHour + 4 weeks, judgedUntil) that can be judged (see {@link
     * #judgeable}): the denominator of the false-signal rate.
     */
    static long judgedHours(Map<Instant, Integer> records, Instant firstUsageHour, Instant judgedUntil) {
        long n = 0;
        for (Instant h = firstUsageHour.plus(WEEK.multipliedBy(WEEKS)); h.isBefore(judgedUntil); h = h.plus(HOUR)) {
            n += judgeable(records, firstUsageHour, h) ? 1 : 0;
        }
        return n;
    }

    /**
     * The spike and drop episodes of a key over the hours [firstUsageHour + 4 weeks, judgedUntil).
     *
     * @param hourly the key's usage per hour (under its meter's aggregation); absent hours are 0
     * @param records the key's usage records per hour; absent hours have none
     */
    static List<Episode> episodes(
            Map<Instant, BigDecimal> hourly,
            Map<Instant, Integer> records,
            Instant firstUsageHour,
            Instant judgedUntil) {
        List<Episode> out = new ArrayList<>();
        String runType = null;
        Instant runStart = null;
        Instant from = firstUsageHour.plus(WEEK.multipliedBy(WEEKS));
        for (Instant h = from; h.isBefore(judgedUntil); h = h.plus(HOUR)) {
            String verdict = null;
            if (judgeable(records, firstUsageHour, h)) {
                List<BigDecimal> samples = new ArrayList<>(WEEKS);
                for (int w = 1; w <= WEEKS; w++) {
                    samples.add(hourly.getOrDefault(h.minus(WEEK.multipliedBy(w)), BigDecimal.ZERO));
                }
                verdict = judge(hourly.getOrDefault(h, BigDecimal.ZERO), samples);
            }
            if (runType != null && !runType.equals(verdict)) {
                out.add(new Episode(runType, runStart, h));
                runType = null;
            }
            if (verdict != null && runType == null) {
                runType = verdict;
                runStart = h;
            }
        }
        if (runType != null) {
            out.add(new Episode(runType, runStart, judgedUntil));
        }
        return out;
    }

    /**
     * The reporting gaps the job raises over the ticks [firstTick, lastTick].
     *
     * @param finalAt when the billing period holding an instant becomes final (end + 6 h): a gap
     *     still open then is settled and no longer followed
     */
    static List<Gap> gaps(
            Set<Instant> usageHours,
            Set<Instant> reportHours,
            Instant firstTick,
            Instant lastTick,
            Function<Instant, Instant> finalAt) {
        List<Gap> out = new ArrayList<>();
        Instant open = null;
        Instant detected = null;
        for (Instant t = firstTick; !t.isAfter(lastTick); t = t.plus(HOUR)) {
            if (open != null && !t.isBefore(finalAt.apply(open))) {
                out.add(new Gap(open, detected, null));
                open = null;
            }
            Instant cutoff = t.minus(REPORTING_DELAY);
            if (open == null) {
                Instant windowStart = cutoff.minus(GAP_WINDOW);
                if (firstIn(reportHours, windowStart, t) != null || firstIn(usageHours, windowStart, cutoff) == null) {
                    continue;
                }
                Instant last = lastIn(reportHours, windowStart.minus(GAP_WINDOW), windowStart);
                if (last == null) {
                    continue;
                }
                open = last.plus(HOUR);
                detected = t;
            }
            Instant resumed = firstIn(reportHours, open, t);
            if (resumed != null) {
                out.add(new Gap(open, detected, resumed));
                open = null;
            }
        }
        if (open != null) {
            out.add(new Gap(open, detected, null));
        }
        return out;
    }

    private static Instant firstIn(Set<Instant> hours, Instant from, Instant to) {
        for (Instant h = from; h.isBefore(to); h = h.plus(HOUR)) {
            if (hours.contains(h)) {
                return h;
            }
        }
        return null;
    }

    private static Instant lastIn(Set<Instant> hours, Instant from, Instant to) {
        for (Instant h = to.minus(HOUR); !h.isBefore(from); h = h.minus(HOUR)) {
            if (hours.contains(h)) {
                return h;
            }
        }
        return null;
    }
}
