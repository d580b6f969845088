package io.reckon.jobs.reconcile.checks;

import java.util.ArrayList;
import java.util.List;

/**
 * REPORTING_GAP as a function of the data: which gaps a key's hours show as of an evaluation time.
 *
 * <p>At each hourly tick T, with cutoff C = T - D (D the reporting delay) and window W, a gap opens
 * when the key had usage in [C - W, C), no report in [C - W, T), and a report in [C - 2W, C - W); it
 * starts at the hour after that report. Solved for the gap's first hour s (the hour after a report
 * hour, the first of a run of hours without reports that ends at the next report hour e), that is:
 * the gap exists as of A when some tick T' with s + D + W &lt;= T' &lt;= min(e, s + D + 2W - 1 h, A)
 * exists, and the key had usage in [s, min(e, s + D + 2W - 1 h, A) - D). Stated this way it depends
 * only on which hours hold usage and reports, not on the order in which they arrived, so a gap that
 * late records create, move or remove is found again by evaluating anew.
 *
 * <p>A gap's span so far ends at e once reports resumed (e &lt; A), else at min(A - D, period end).
 * A gap belongs to the billing period of its first hour and is judged up to the time that period's
 * metering side becomes final: the caller passes A capped there.
 */
public final class Gaps {

    private static final long HOUR = 3_600_000L;

    private Gaps() {}

    /** Which hours (by their start, epoch millis) hold usage and which hold reports. */
    public interface Presence {
        boolean usage(long hour);

        boolean reports(long hour);

        /** The first hour in [from, to) that holds reports, or -1. */
        default long firstReportHour(long from, long to) {
            for (long h = from; h < to; h += HOUR) {
                if (reports(h)) {
                    return h;
                }
            }
            return -1;
        }

        /** The first hour in [from, to) that holds no reports, or -1. */
        default long firstHourWithoutReports(long from, long to) {
            for (long h = from; h < to; h += HOUR) {
                if (!reports(h)) {
                    return h;
                }
            }
            return -1;
        }

        /** Whether any hour in [from, to) holds usage. */
        default boolean anyUsage(long from, long to) {
            for (long h = from; h < to; h += HOUR) {
                if (usage(h)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * A gap: its first hour, the end of its span so far (exclusive), and whether reports resumed (the
     * gap is closed: its span is settled).
     */
    public record Span(long start, long end, boolean resumed) {}

    /**
     * The gaps whose first hour lies in [periodStart, periodEnd), as of {@code asOf} (an hour boundary:
     * hours before it are known).
     */
    public static List<Span> find(
            Presence presence, long periodStart, long periodEnd, long asOf, long delayMs, long windowMs) {
        return find(presence, periodStart, periodEnd, periodStart, asOf, delayMs, windowMs);
    }

    /**
     * As {@link #find(Presence, long, long, long, long, long)}, for gaps whose first hour is at or
     * after {@code from} only (the gaps before it are known to the caller).
     */
    public static List<Span> find(
            Presence presence, long periodStart, long periodEnd, long from, long asOf, long delayMs, long windowMs) {
        List<Span> gaps = new ArrayList<>(2);
        // The last hour that can start a gap seen by asOf.
        long lastStart = Math.min(periodEnd - HOUR, asOf - delayMs - windowMs);
        long s = Math.max(periodStart, from);
        while (s <= lastStart) {
            // Straight to the next hour without reports: most hours of a reporting key hold some.
            s = presence.firstHourWithoutReports(s, lastStart + HOUR);
            if (s < 0) {
                break;
            }
            if (!presence.reports(s - HOUR)) {
                // Inside a run that started earlier (perhaps in the previous period): its end is next.
                long resumed = presence.firstReportHour(s, asOf);
                if (resumed < 0) {
                    break;
                }
                s = resumed + HOUR;
                continue;
            }
            long resumedAt = presence.firstReportHour(s, asOf);
            long lastTick = s + delayMs + 2 * windowMs - HOUR;
            long until = Math.min(Math.min(lastTick, asOf), resumedAt < 0 ? Long.MAX_VALUE : resumedAt);
            if (s + delayMs + windowMs <= until && presence.anyUsage(s, until - delayMs)) {
                boolean resumed = resumedAt >= 0;
                long end = resumed ? resumedAt : Math.min(asOf - delayMs, periodEnd);
                gaps.add(new Span(s, end, resumed));
            }
            if (resumedAt < 0) {
                break;
            }
            // The next run starts after the report hour that ended this one.
            s = resumedAt + HOUR;
        }
        return gaps;
    }
}
