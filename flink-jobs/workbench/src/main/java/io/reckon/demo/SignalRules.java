package io.reckon.demo;

import io.reckon.jobs.reconcile.ReconSettings;
import io.reckon.jobs.reconcile.checks.UsageDetector;
import io.reckon.pricing.Aggregation;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The real-time signal rules of the job, replayed over one key's hourly figures so that the truth
 * says exactly which identity (first hour) and which event-time tick the job should raise a signal
 * with.
 *
 * <ul>
 *   <li>USAGE_SPIKE / USAGE_DROP: each hour h of a key, judged at tick h + 1 h, by the job's detector
 *       ({@link UsageDetector}, with the default parameters) over the key's hours; consecutive hours of
 *       the same verdict are one episode, named by its first hour; an hour that cannot be judged ends a
 *       run like a clean one. Unlike the leak rules and the gap rule, which the demo recomputes with
 *       its own arithmetic, this one borrows the job's: which hour an episode starts at is the hour from
 *       which the method's evidence suffices (often the second or third hour of a sparse key's drop), a
 *       property of the method and nothing the demo could know otherwise. The method is checked apart,
 *       against a generator independent of both the detector and the demo ({@code HeldOutUsage} in the
 *       job's tests), and the cases injected here are what was changed on the key, not what the
 *       method says. Hours are judged up to the end of the input: the job does not judge hours after
 *       the data's end ({@code InputReach}).
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
    static final int WEEKS = UsageDetector.WEEKS;
    /** The detector's parameters: the job's defaults (the demo runs the job with them). */
    private static final UsageDetector.Settings DETECTOR =
            ReconSettings.defaults().detector();

    static final Duration REPORTING_DELAY = Duration.ofHours(2);
    static final Duration GAP_WINDOW = Duration.ofHours(6);

    private SignalRules() {}

    /** A run of consecutive hours with the same verdict: [start, end). */
    record Episode(String type, Instant start, Instant end) {
        Instant detectableAt() {
            return start.plus(HOUR);
        }
    }

    /** A reporting gap: its first hour, the tick that raises it, and the first report hour after it. */
    record Gap(Instant start, Instant detectableAt, Instant resumedHour) {}

    /** One key's usage of a sum meter per hour: quantity, records and the largest record. */
    static Map<Instant, UsageDetector.Hour> hours(List<Instant> times, List<BigDecimal> quantities) {
        Map<Instant, UsageDetector.Hour> out = new HashMap<>();
        for (int i = 0; i < times.size(); i++) {
            Instant h = times.get(i).truncatedTo(ChronoUnit.HOURS);
            BigDecimal q = quantities.get(i);
            UsageDetector.Hour was = out.getOrDefault(h, UsageDetector.Hour.EMPTY);
            BigDecimal sum = was.sum().add(q);
            out.put(
                    h,
                    new UsageDetector.Hour(
                            sum, was.records() + 1, sum, was.max().max(q)));
        }
        return out;
    }

    /** The detector's outcome for hour h of a sum meter's key. */
    static UsageDetector.Judgement judge(Map<Instant, UsageDetector.Hour> hours, Instant firstUsageHour, Instant h) {
        try {
            return UsageDetector.judge(
                    t -> hours.get(Instant.ofEpochMilli(t)),
                    h.toEpochMilli(),
                    firstUsageHour.toEpochMilli(),
                    Aggregation.SUM,
                    DETECTOR);
        } catch (Exception e) {
            throw new IllegalStateException(e); // the history is a map: nothing here throws
        }
    }

    /**
     * The hours of [firstUsageHour, judgedUntil) the detector judges (neither too young nor too
     * sparse): the denominator of the false-signal rate.
     */
    static long judgedHours(Map<Instant, UsageDetector.Hour> hours, Instant firstUsageHour, Instant judgedUntil) {
        long n = 0;
        for (Instant h = firstUsageHour; h.isBefore(judgedUntil); h = h.plus(HOUR)) {
            n += judge(hours, firstUsageHour, h).outcome().judged() ? 1 : 0;
        }
        return n;
    }

    /**
     * The spike and drop episodes of a key (a sum meter) over the hours [from, judgedUntil), split at the period boundaries {@code periodStarts} as the job's are.
     */
    static List<Episode> episodes(
            Map<Instant, UsageDetector.Hour> hours,
            Instant firstUsageHour,
            Instant from,
            Instant judgedUntil,
            java.util.function.Predicate<Instant> periodStart) {
        List<Episode> out = new ArrayList<>();
        String runType = null;
        Instant runStart = null;
        for (Instant h = from; h.isBefore(judgedUntil); h = h.plus(HOUR)) {
            String verdict =
                    switch (judge(hours, firstUsageHour, h).outcome()) {
                        case SPIKE -> SPIKE;
                        case DROP -> DROP;
                        default -> null;
                    };
            if (runType != null && (!runType.equals(verdict) || periodStart.test(h))) {
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
