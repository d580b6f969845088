package io.reckon.jobs.testing;

import io.reckon.jobs.records.MeterEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Orders in which the same records can arrive: in event time, shuffled, grouped by account (a
 * warehouse export), with some records delayed by days, and with every copy of an id arriving days
 * after the first.
 */
public enum Deliveries {
    EVENT_TIME,
    SHUFFLED,
    GROUPED_BY_ACCOUNT,
    LATE_RECORDS,
    LATE_COPIES,
    /** 5 % of the records and every copy of an id after the first arrive 1 to 20 days late. */
    LATE_RECORDS_AND_COPIES;

    private static final long DAY = 24 * 3_600_000L;

    /** Event time, then kind, then id: a total order, so the reference delivery is one delivery. */
    public static final Comparator<MeterEvent> BY_EVENT_TIME = Comparator.<MeterEvent>comparingLong(e -> e.eventTime)
            .thenComparing(e -> e.kind)
            .thenComparing(e -> e.accountId)
            .thenComparing(e -> e.meter)
            .thenComparing(e -> e.id)
            .thenComparing(e -> e.quantity == null ? "" : e.quantity.toString())
            .thenComparingLong(e -> e.updatedAt);

    /** The records in this delivery's order (a new list; the records themselves are shared). */
    public List<MeterEvent> order(List<MeterEvent> records, long seed) {
        Random r = new Random(seed);
        List<MeterEvent> sorted = new ArrayList<>(records);
        sorted.sort(BY_EVENT_TIME);
        switch (this) {
            case EVENT_TIME -> {
                return sorted;
            }
            case SHUFFLED -> {
                java.util.Collections.shuffle(sorted, r);
                return sorted;
            }
            case GROUPED_BY_ACCOUNT -> {
                sorted.sort(Comparator.comparing((MeterEvent e) -> e.accountId).thenComparing(BY_EVENT_TIME));
                return sorted;
            }
            case LATE_RECORDS -> {
                return delayed(sorted, r, e -> r.nextInt(100) < 5);
            }
            case LATE_COPIES -> {
                java.util.Set<String> seen = new java.util.HashSet<>();
                return delayed(sorted, r, e -> !seen.add(identity(e)));
            }
            case LATE_RECORDS_AND_COPIES -> {
                java.util.Set<String> seen = new java.util.HashSet<>();
                return delayed(sorted, r, e -> !seen.add(identity(e)) || r.nextInt(100) < 5);
            }
            default -> throw new IllegalStateException(name());
        }
    }

    /**
     * What makes two records copies of one another: the same id of the same key, and for a summary or
     * an invoice line the same {@code updated_at} (a later one is a revision, not a copy).
     */
    private static String identity(MeterEvent e) {
        return e.kind + "/" + e.accountId + "/" + e.meter + "/" + e.id + "/" + e.updatedAt;
    }

    /** Records chosen by {@code late} arrive 1 to 20 days of event time after their place. */
    private static List<MeterEvent> delayed(
            List<MeterEvent> sorted, Random r, java.util.function.Predicate<MeterEvent> late) {
        record Arrival(long at, int index, MeterEvent e) {}
        List<Arrival> arrivals = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            MeterEvent e = sorted.get(i);
            long at = e.eventTime + (late.test(e) ? DAY + (long) (r.nextDouble() * 19 * DAY) : 0);
            arrivals.add(new Arrival(at, i, e));
        }
        arrivals.sort(Comparator.comparingLong(Arrival::at).thenComparingInt(Arrival::index));
        return arrivals.stream().map(Arrival::e).toList();
    }
}
