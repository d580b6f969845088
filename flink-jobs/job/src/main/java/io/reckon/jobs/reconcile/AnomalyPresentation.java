package io.reckon.jobs.reconcile;

import io.reckon.jobs.reconcile.checks.AnomalyType;
import io.reckon.jobs.reconcile.checks.Finding;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * Severity, confidence and the one-sentence explanation of an anomaly revision.
 *
 * <p><b>Severity</b> by the amount in major units of its currency: below 100 low, below 1,000 medium,
 * below 10,000 high, otherwise critical. Signals (amount 0) are low.
 *
 * <p><b>Confidence</b> (0..1, two decimals) starts at 1 and is multiplied by: 0.8 while the period is
 * open (the reporting delay and late data may still move the figures); 0.5 + 0.05 x n when the period
 * has n &lt; 10 usage records compared so far (few records, little evidence); 0.9 when late records changed the period
 * after it was final (the figures were corrected after the fact).
 */
public final class AnomalyPresentation {

    private static final BigDecimal MEDIUM = BigDecimal.valueOf(100);
    private static final BigDecimal HIGH = BigDecimal.valueOf(1_000);
    private static final BigDecimal CRITICAL = BigDecimal.valueOf(10_000);

    private AnomalyPresentation() {}

    public static String severity(long amountMinor, String currency) {
        BigDecimal major = Money.major(amountMinor, currency);
        if (major.compareTo(MEDIUM) < 0) {
            return "low";
        }
        if (major.compareTo(HIGH) < 0) {
            return "medium";
        }
        if (major.compareTo(CRITICAL) < 0) {
            return "high";
        }
        return "critical";
    }

    public static double confidence(boolean finalRevision, long usageRecords, long lateRecords) {
        // Exact decimals and one half-up rounding: a tie such as 0.55 x 0.9 = 0.495 must become 0.50,
        // which binary floating point does not promise.
        BigDecimal c = BigDecimal.ONE;
        if (!finalRevision) {
            c = c.multiply(new BigDecimal("0.8"));
        }
        if (usageRecords < 10) {
            c = c.multiply(
                    new BigDecimal("0.5").add(new BigDecimal("0.05").multiply(BigDecimal.valueOf(usageRecords))));
        }
        if (lateRecords > 0) {
            c = c.multiply(new BigDecimal("0.9"));
        }
        return c.setScale(2, java.math.RoundingMode.HALF_UP).doubleValue();
    }

    /** "January" to "December", looked up once: every revision's explanation names its period. */
    private static final String[] MONTH_NAMES = java.util.Arrays.stream(java.time.Month.values())
            .map(m -> m.getDisplayName(TextStyle.FULL, Locale.US))
            .toArray(String[]::new);

    /**
     * "March 2026" for a calendar-month period, otherwise "the period 2026-03-15 to 2026-04-14" (a
     * short period from the 1st, made by a moved anchor day, too: "the period 2026-05-01 to 2026-05-14").
     */
    public static String periodName(long start, long end) {
        ZonedDateTime s = Instant.ofEpochMilli(start).atZone(ZoneOffset.UTC);
        if (s.getDayOfMonth() == 1 && s.plusMonths(1).toInstant().toEpochMilli() == end) {
            return MONTH_NAMES[s.getMonthValue() - 1] + " " + s.getYear();
        }
        ZonedDateTime lastDay = Instant.ofEpochMilli(end).atZone(ZoneOffset.UTC).minusDays(1);
        return "the period " + s.toLocalDate() + " to " + lastDay.toLocalDate();
    }

    /** "2026-03-04 10:00 UTC". */
    static String hourName(long t) {
        ZonedDateTime z = Instant.ofEpochMilli(t).atZone(ZoneOffset.UTC);
        return z.toLocalDate() + " " + String.format("%02d:00", z.getHour()) + " UTC";
    }

    /**
     * The explanation of a revision that withdraws an anomaly whose figures can no longer be judged:
     * what it last showed, and {@code why}.
     */
    public static String withdrawn(
            AnomalyType type, String accountId, String meter, long start, long end, Finding f, String why) {
        String figures = Money.quantity(f.actual()) + " used, " + Money.quantity(f.reported()) + " reported";
        String subject = type == AnomalyType.REPORTING_GAP
                ? meter + " for " + accountId + ": from " + hourName(start) + " to " + hourName(end) + ", "
                : meter + " for " + accountId + " in " + periodName(start, end) + ": ";
        return subject + figures + "; " + why + ".";
    }

    public static String explanation(
            AnomalyType type, String status, String accountId, String meter, long start, long end, Finding f) {
        String subject = meter + " for " + accountId + " in " + periodName(start, end) + ": ";
        String figures = Money.quantity(f.actual()) + " used, " + Money.quantity(f.reported()) + " reported";
        if (type == AnomalyType.USAGE_SPIKE || type == AnomalyType.USAGE_DROP) {
            boolean oneHour = end - start <= 3_600_000L;
            String span = oneHour
                    ? " in the hour from " + hourName(start)
                    : " from " + hourName(start) + " to " + hourName(end);
            String hours = oneHour ? "that hour of the week" : "those hours of the week";
            String text = meter + " for " + accountId + span + ": " + Money.quantity(f.actual())
                    + " used, against a usual "
                    + Money.quantity(f.baseline() == null ? java.math.BigDecimal.ZERO : f.baseline()) + " for " + hours
                    + " (median of the previous 4 weeks)";
            return "resolved".equals(status)
                    ? text + "; with the final figures it is within the usual range."
                    : text + (type == AnomalyType.USAGE_SPIKE ? "; an unusual spike." : "; an unusual drop.");
        }
        if (type == AnomalyType.UPSELL_OPPORTUNITY) {
            String allowance = f.baseline() == null ? "its plan" : Money.quantity(f.baseline()) + " in its plan";
            String text = meter + " for " + accountId + ": " + Money.quantity(f.actual()) + " used in "
                    + periodName(start, end) + " and " + Money.quantity(f.reported())
                    + " in the period before, against " + allowance;
            return "resolved".equals(status)
                    ? text + "; usage is no longer well beyond the plan."
                    : text + "; usage has outgrown the plan two periods running, the usage beyond it is worth "
                            + Money.format(f.amountMinor(), f.currency())
                            + " this period: an upsell opportunity (offer the next plan up).";
        }
        if (type == AnomalyType.REPORTING_GAP) {
            String gap = meter + " for " + accountId + ": from " + hourName(start) + " to " + hourName(end) + ", "
                    + Money.quantity(f.actual()) + " used and " + Money.quantity(f.reported()) + " reported";
            return "resolved".equals(status)
                    ? gap + "; the reports caught up with the usage."
                    : gap + "; the metering pipeline stopped reporting, " + Money.format(f.amountMinor(), f.currency())
                            + " of usage unreported so far.";
        }
        if ("resolved".equals(status)) {
            return subject + figures + "; the difference is now within tolerance or worth less than one "
                    + "minor unit, so nothing is owed.";
        }
        return switch (type) {
            case UNDER_REPORTED_USAGE ->
                subject + figures + "; "
                        + Money.quantity(f.actual().subtract(f.reported())) + " units unreported = "
                        + Money.format(f.amountMinor(), f.currency()) + ".";
            case OVER_REPORTED_USAGE ->
                subject + figures + "; "
                        + Money.quantity(f.reported().subtract(f.actual())) + " units reported but not used = "
                        + Money.format(f.amountMinor(), f.currency()) + " too much.";
            case UNBILLED_USAGE ->
                subject + Money.quantity(f.reported()) + " reported to billing, priced at "
                        + Money.format(f.pricedReportedMinor(), f.currency())
                        + ", but no invoice line exists after the invoice grace; "
                        + Money.format(f.amountMinor(), f.currency()) + " unbilled.";
            case MISSED_OVERAGE ->
                subject + "reported usage (" + Money.quantity(f.reported()) + ") prices at "
                        + Money.format(f.pricedReportedMinor(), f.currency()) + " but "
                        + Money.format(f.billedMinor(), f.currency()) + " was billed; "
                        + Money.format(f.amountMinor(), f.currency()) + " not billed.";
            case RENEWAL_DRIFT ->
                subject + "billed " + Money.format(f.billedMinor(), f.currency())
                        + ", the price before the renewal escalator; with it, reported usage prices at "
                        + Money.format(f.pricedReportedMinor(), f.currency()) + ", so "
                        + Money.format(f.amountMinor(), f.currency()) + " short.";
            case OVERBILLED ->
                subject + "billed " + Money.format(f.billedMinor(), f.currency())
                        + " but reported usage (" + Money.quantity(f.reported()) + ") prices at "
                        + Money.format(f.pricedReportedMinor(), f.currency()) + "; "
                        + Money.format(f.amountMinor(), f.currency()) + " billed too much.";
            default -> subject + figures + "; " + type + " of " + Money.format(f.amountMinor(), f.currency()) + ".";
        };
    }
}
