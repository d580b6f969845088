package io.reckon.connectors.stripe.source;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Collection;

/**
 * The hours whose meter event summaries are polled for one contract: from the start of the billing
 * period {@code periods - 1} periods before the open one (periods start on the billing anchor day at
 * 00:00 UTC) to the end of the current hour. Late meter events can still change the summaries of
 * earlier periods until the billing system closes them, so more than the open period is read (two by
 * default: the open one and the previous one).
 *
 * @param start inclusive, on an hour boundary
 * @param end exclusive, on an hour boundary
 */
public record SummaryWindow(Instant start, Instant end) {

    /** The open billing period and the previous one. */
    public static SummaryWindow of(int anchorDay, Instant now) {
        return of(anchorDay, now, 2);
    }

    /**
     * @param periods how many billing periods, the open one included, at least 1
     */
    public static SummaryWindow of(int anchorDay, Instant now, int periods) {
        if (anchorDay < 1 || anchorDay > 28) {
            throw new IllegalArgumentException("billing anchor day must be 1..28: " + anchorDay);
        }
        if (periods < 1) {
            throw new IllegalArgumentException("periods must be at least 1: " + periods);
        }
        ZonedDateTime utc = now.atZone(ZoneOffset.UTC);
        LocalDate open = utc.toLocalDate().withDayOfMonth(anchorDay);
        if (open.isAfter(utc.toLocalDate())) {
            open = open.minusMonths(1);
        }
        Instant start =
                open.minusMonths(periods - 1L).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant end = now.truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS);
        return new SummaryWindow(start, end);
    }

    /**
     * The window of an account whose versions name {@code anchorDays}: the earliest of their windows.
     * The reconciliation cuts such an account's periods walking forward (each ends on the next anchor
     * day of the version applying at its start), so its open period starts on one of these days and
     * each earlier period is at most a month long: the window of the day the open period starts on
     * holds the periods wanted, and the earliest window holds that one.
     *
     * @throws IllegalArgumentException when {@code anchorDays} is empty or holds a day outside 1..28
     */
    public static SummaryWindow of(Collection<Integer> anchorDays, Instant now, int periods) {
        if (anchorDays.isEmpty()) {
            throw new IllegalArgumentException("no billing anchor day");
        }
        SummaryWindow earliest = null;
        for (int day : anchorDays) {
            SummaryWindow w = of(day, now, periods);
            if (earliest == null || w.start().isBefore(earliest.start())) {
                earliest = w;
            }
        }
        return earliest;
    }

    /**
     * The stable report id of one hourly summary: the same (Stripe meter, customer, hour) always has
     * this id, so a grown summary replaces the earlier record of the hour ({@code kind=summary}).
     */
    public static String reportId(String stripeMeterId, String customerId, long hourStartEpochSeconds) {
        return "stripe-summary:" + stripeMeterId + ":" + customerId + ":" + hourStartEpochSeconds;
    }
}
