package io.reckon.demo;

import io.reckon.pricing.BillingPeriod;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Records that arrive late: within the allowed lateness, and after their period is final, from hours
 * small enough that no anomaly is raised in between.
 */
final class LateRecords extends WorkloadDraft {

    /** Late and after-final hours carry at most 1/500 (0.2 %) of their period's quantity. */
    private static final int SMALL_SHARE_DIVISOR = 500;

    LateRecords(WorkloadDraft draft) {
        super(draft);
    }

    /**
     * Usage events and reports that arrive 1 to 5 hours after their event time, inside the allowed
     * lateness. They are taken from sum meters of leak-free accounts, in the second half of a
     * period, from hours with at most 0.2 % of the period's quantity: until the late record arrives
     * the two sides differ by less than the tolerance (0.5 % of at least half the period), so a late
     * record never makes the job raise an anomaly, not even for a moment.
     */
    void chooseLateRecords() {
        String sumMeter = sumMeter();
        if (sumMeter == null) {
            return;
        }
        int placed = 0;
        for (int attempt = 0; attempt < 500 * o.lateRecords() && placed < o.lateRecords(); attempt++) {
            SmallHour h = smallHour(sumMeter, 0.5, 6);
            if (h == null) {
                continue;
            }
            Duration late = Duration.ofMinutes(60 + rng.nextInt(241));
            if (placed % 2 == 0) {
                Rec u = h.usage().get(rng.nextInt(h.usage().size()));
                usageArrival.put(u.id(), u.time().plus(late));
            } else {
                reportArrival.put(h.report().id(), h.report().time().plus(late));
            }
            lateAccounts.add(h.report().account());
            placed++;
        }
        stats.put("late_records", (long) placed);
    }

    /**
     * Key-hours whose usage events and report all arrive after the period was final (period end +
     * 6 h lateness, plus 45 to 105 minutes of margin over the job's out-of-orderness bound). Report
     * and usage come together, so the late revision they cause still shows no leak.
     */
    void chooseAfterFinalHours() {
        String sumMeter = sumMeter();
        if (sumMeter == null) {
            return;
        }
        int placed = 0;
        long records = 0;
        for (int attempt = 0; attempt < 2000 * o.afterFinalHours() && placed < o.afterFinalHours(); attempt++) {
            SmallHour h = smallHour(sumMeter, 0.2, 5 * 24);
            if (h == null || !h.period().end().plus(Duration.ofHours(8)).isBefore(rangeEnd)) {
                continue;
            }
            Instant arrival =
                    h.period().end().plus(LeakTiming.ALLOWED_LATENESS).plus(Duration.ofMinutes(45 + rng.nextInt(61)));
            for (Rec u : h.usage()) {
                usageArrival.put(u.id(), arrival);
                neverDuplicated.add(u.id());
                records++;
            }
            reportArrival.put(h.report().id(), arrival.plusSeconds(1));
            neverDuplicated.add(h.report().id());
            records++;
            lateAccounts.add(h.report().account());
            placed++;
        }
        stats.put("after_final_hours", (long) placed);
        stats.put("after_final_records", records);
    }

    private record SmallHour(BillingPeriod period, List<Rec> usage, Rec report) {}

    /** A random hour of a leak-free account with a small share of its period's quantity. */
    private SmallHour smallHour(String meter, double fromShareOfPeriod, int hoursBeforeEnd) {
        Profile p = profiles.get(rng.nextInt(profiles.size()));
        List<BillingPeriod> periods = fullPeriods(p);
        if (leakAccounts.contains(p.id()) || periods.isEmpty()) {
            return null;
        }
        BillingPeriod period = periods.get(rng.nextInt(periods.size()));
        long hours = Duration.between(period.start(), period.end()).toHours();
        long first = (long) (hours * fromShareOfPeriod);
        long last = hours - hoursBeforeEnd;
        if (last <= first) {
            return null;
        }
        Instant hour = period.start().plus(HOUR.multipliedBy(first + rng.nextInt((int) (last - first))));
        Key key = new Key(p.id(), meter);
        if (!usedLateHours.add(key + "@" + hour)) {
            return null;
        }
        BigDecimal total = BigDecimal.ZERO;
        BigDecimal inHour = BigDecimal.ZERO;
        List<Rec> hourUsage = new ArrayList<>();
        for (Rec u : usage.get(key)) {
            if (period.contains(u.time())) {
                total = total.add(u.quantity());
                if (hourOf(u.time()).equals(hour)) {
                    inHour = inHour.add(u.quantity());
                    hourUsage.add(u);
                }
            }
        }
        if (hourUsage.isEmpty()
                || inHour.multiply(BigDecimal.valueOf(SMALL_SHARE_DIVISOR)).compareTo(total) >= 0) {
            return null;
        }
        String reportId = reportId(key, hour);
        Rec report = reports.get(key).stream()
                .filter(r -> r.id().equals(reportId))
                .findFirst()
                .orElseThrow();
        return new SmallHour(period, hourUsage, report);
    }
}
