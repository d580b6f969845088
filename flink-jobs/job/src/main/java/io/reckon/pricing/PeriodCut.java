package io.reckon.pricing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * How an account's time is cut into billing periods when its contract versions may name different
 * anchor days. The cut walks forward: each period ends at the next anchor date of the version that
 * applies at the period's start, so a version that moves the anchor leaves every earlier period as it
 * was and makes one short period, up to its first anchor date. Before the first version, that
 * version's anchor day cuts. An account whose versions share one anchor day is cut in plain calendar
 * months from that day ({@link #monthly}).
 *
 * <pre>{@code
 * // v1 from 1 March, anchor 1; v2 from 1 May, anchor 15
 * PeriodCut cut = PeriodCut.of(history);
 * cut.containing(Instant.parse("2026-04-20T00:00:00Z")); // [1 Apr, 1 May), priced by v1
 * cut.containing(Instant.parse("2026-05-10T00:00:00Z")); // [1 May, 15 May), priced by v2
 * cut.containing(Instant.parse("2026-05-20T00:00:00Z")); // [15 May, 15 Jun)
 * }</pre>
 *
 * <p>Held as segments: from {@code from[j]} on, periods end on anchor day {@code anchor[j]}. A
 * segment starts on a period boundary of the one before ({@code from[0]} is the beginning of time), so
 * the period holding a time is its segment's calendar-month period, cut at the segment's start.
 * Immutable.
 */
public final class PeriodCut {

    private static final PeriodCut[] MONTHLY = new PeriodCut[29];

    static {
        for (int day = 1; day <= 28; day++) {
            MONTHLY[day] = new PeriodCut(new long[] {Long.MIN_VALUE}, new int[] {day});
        }
    }

    private final long[] from;
    private final int[] anchor;

    private PeriodCut(long[] from, int[] anchor) {
        this.from = from;
        this.anchor = anchor;
    }

    /** Calendar months from {@code anchorDay} (one instance per day). */
    public static PeriodCut monthly(int anchorDay) {
        BillingPeriod.checkAnchorDay(anchorDay);
        return MONTHLY[anchorDay];
    }

    /**
     * The cut of an account's versions; calendar months from the default day without any. One sort and
     * one pass over the versions by effective_from: the version applying at a time is the highest
     * version effective by then, a running maximum (an account may hold thousands of versions).
     */
    public static PeriodCut of(ContractHistory history) {
        List<ContractVersion> byFrom = new ArrayList<>(history.versions());
        if (byFrom.isEmpty()) {
            return monthly(ContractVersion.DEFAULT_BILLING_ANCHOR_DAY);
        }
        int firstDay = byFrom.get(0).billingAnchorDay();
        if (byFrom.stream().allMatch(v -> v.billingAnchorDay() == firstDay)) {
            return monthly(firstDay); // the common case, without a sort
        }
        byFrom.sort(Comparator.comparing(ContractVersion::effectiveFrom));
        List<long[]> segments = new ArrayList<>();
        ContractVersion applying = null;
        for (int i = 0; i < byFrom.size(); i++) {
            ContractVersion v = byFrom.get(i);
            if (applying == null || v.version() > applying.version()) {
                applying = v;
            }
            boolean lastAtThisTime =
                    i + 1 == byFrom.size() || !byFrom.get(i + 1).effectiveFrom().equals(v.effectiveFrom());
            if (lastAtThisTime) {
                change(segments, v.effectiveFrom().toEpochMilli(), applying.billingAnchorDay());
            }
        }
        if (segments.size() == 1) {
            return monthly((int) segments.get(0)[1]);
        }
        long[] from = new long[segments.size()];
        int[] anchor = new int[segments.size()];
        for (int j = 0; j < from.length; j++) {
            from[j] = segments.get(j)[0];
            anchor[j] = (int) segments.get(j)[1];
        }
        return new PeriodCut(from, anchor);
    }

    /**
     * From {@code at} on, {@code wanted} is the anchor day of the applying version: the first segment
     * (from the beginning of time) when there is none yet, else a segment from the first period boundary
     * at or after {@code at}.
     */
    private static void change(List<long[]> segments, long at, int wanted) {
        if (segments.isEmpty()) {
            segments.add(new long[] {Long.MIN_VALUE, wanted});
            return;
        }
        long[] last = segments.get(segments.size() - 1);
        if (at <= last[0]) {
            // Another change before the last segment's first boundary: the version applying at that
            // boundary is this one.
            last[1] = wanted;
            if (wanted == segments.get(segments.size() - 2)[1]) {
                segments.remove(segments.size() - 1);
            }
        } else if (wanted != last[1]) {
            segments.add(new long[] {boundaryAtOrAfter(at, (int) last[1]), wanted});
        }
    }

    /** The first instant at or after {@code t} that starts a calendar-month period of {@code day}. */
    private static long boundaryAtOrAfter(long t, int day) {
        BillingPeriod p = BillingPeriod.containing(Instant.ofEpochMilli(t), day);
        long start = p.start().toEpochMilli();
        return start == t ? t : p.end().toEpochMilli();
    }

    /** The period that contains {@code t}. */
    public BillingPeriod containing(Instant t) {
        long ms = t.toEpochMilli();
        int j = from.length - 1;
        while (ms < from[j]) {
            j--;
        }
        BillingPeriod month = BillingPeriod.containing(t, anchor[j]);
        if (j == 0 || !month.start().isBefore(Instant.ofEpochMilli(from[j]))) {
            return month;
        }
        return new BillingPeriod(Instant.ofEpochMilli(from[j]), month.end());
    }

    /** The period that contains {@code t} (epoch millis). */
    public BillingPeriod containing(long t) {
        return containing(Instant.ofEpochMilli(t));
    }

    /** Whether one anchor day cuts all time (no version moved it). */
    public boolean isMonthly() {
        return from.length == 1;
    }

    /**
     * The anchor day of a {@link #isMonthly monthly} cut.
     *
     * @throws IllegalStateException when a version moves the anchor day
     */
    public int monthlyAnchorDay() {
        if (from.length != 1) {
            throw new IllegalStateException("not a monthly cut: " + this);
        }
        return anchor[0];
    }

    /**
     * The cut as longs, for keyed state: the first anchor day, then each later segment's start and
     * anchor day. Read back by {@link #decode}.
     */
    public long[] encode() {
        long[] out = new long[2 * from.length - 1];
        out[0] = anchor[0];
        for (int j = 1; j < from.length; j++) {
            out[2 * j - 1] = from[j];
            out[2 * j] = anchor[j];
        }
        return out;
    }

    /**
     * The cut {@link #encode} wrote.
     *
     * @throws IllegalArgumentException when {@code encoded} is not such a cut
     */
    public static PeriodCut decode(long[] encoded) {
        if (encoded.length == 0 || encoded.length % 2 == 0) {
            throw new IllegalArgumentException("a period cut has an odd number of values: " + encoded.length);
        }
        int n = (encoded.length + 1) / 2;
        long[] from = new long[n];
        int[] anchor = new int[n];
        from[0] = Long.MIN_VALUE;
        anchor[0] = day(encoded[0]);
        for (int j = 1; j < n; j++) {
            from[j] = encoded[2 * j - 1];
            anchor[j] = day(encoded[2 * j]);
            if (from[j] <= from[j - 1] || anchor[j] == anchor[j - 1]) {
                throw new IllegalArgumentException("not a period cut: " + Arrays.toString(encoded));
            }
        }
        return n == 1 ? MONTHLY[anchor[0]] : new PeriodCut(from, anchor);
    }

    private static int day(long value) {
        if (value < 1 || value > 28) {
            throw new IllegalArgumentException("anchor day " + value + " is outside 1..28");
        }
        return (int) value;
    }

    @Override
    public boolean equals(Object o) {
        return o == this
                || (o instanceof PeriodCut c && Arrays.equals(from, c.from) && Arrays.equals(anchor, c.anchor));
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(from) + Arrays.hashCode(anchor);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("PeriodCut[day ").append(anchor[0]);
        for (int j = 1; j < from.length; j++) {
            s.append(", from ")
                    .append(Instant.ofEpochMilli(from[j]))
                    .append(" day ")
                    .append(anchor[j]);
        }
        return s.append(']').toString();
    }
}
