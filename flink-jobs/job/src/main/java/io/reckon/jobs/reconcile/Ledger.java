package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.ReconSettings.HOUR_MS;

import io.reckon.jobs.reconcile.checks.HourBits;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The key's figures: records that count are added to their hourly bucket and their period's
 * aggregates, records that stop counting are taken away again, and the period's hour bits follow.
 *
 * <p>Taking a record away is exact for sums and counts. A maximum cannot be taken apart: when the
 * record taken away was the hour's maximum, the hour's maximum is found again among the records that
 * still count (the deduplication state holds them), and the period's among its hours. That is rare
 * (a copy earlier than the one that counted, with another quantity; a summary replaced), so its cost,
 * a pass over the key's ids, is paid rarely.
 */
final class Ledger {

    /** Every record that counts, its event time and quantity, of usage or of reports. */
    interface CountedRecords {
        void forEach(boolean usage, BiConsumer<Long, BigDecimal> each) throws Exception;
    }

    private final ReconState state;
    private final CountedRecords counted;

    Ledger(ReconState state, CountedRecords counted) {
        this.state = state;
        this.counted = counted;
    }

    static long floorHour(long t) {
        return Math.floorDiv(t, HOUR_MS) * HOUR_MS;
    }

    /** Settles ({@link HourStore#settle}) the UTC days that end after {@code from} and by {@code to}. */
    void settleDays(long from, long to) throws Exception {
        // The day holding from ends after it, and so does every later one.
        for (long day = HourDay.dayOf(from); day + HourDay.DAY_MS <= to; day += HourDay.DAY_MS) {
            state.hours.settle(day);
        }
    }

    /** A reader of the key's hourly buckets for one evaluation ({@link HourStore#reader}). */
    HourStore.Reader reader() {
        return state.hours.reader();
    }

    /**
     * Takes the current key's hourly buckets kept in the layouts not in use over (a savepoint taken
     * with the other state backend, or before the days), once, at the first start from it. An hour in
     * both keeps the bucket of the layout in use: it was written after the restore.
     */
    void takeOverOtherLayouts() throws Exception {
        for (HourStore other : state.hoursOtherLayouts) {
            TreeMap<Long, HourBucket> taken = new TreeMap<>();
            other.forEach(taken::put);
            if (!taken.isEmpty()) {
                state.hours.putAbsent(taken);
                other.clear();
            }
        }
    }

    /**
     * Applies change {@code c}, which adds a record (sign +1) or takes one away (-1), usage or a report,
     * in period {@code p} (which the caller writes back). Returns the hour's bucket after.
     */
    HourBucket apply(PeriodState p, boolean usage, Change c) throws Exception {
        long hour = floorHour(c.time());
        BigDecimal quantity = c.quantity();
        HourBucket b = state.hours.get(hour);
        if (b == null) {
            b = new HourBucket();
        }
        Agg hourAgg = usage ? b.usage : b.reported;
        if (c.sign() > 0) {
            if (hourAgg.count == 0) {
                p.markHour(hour, usage, true);
            }
            add(hourAgg, c);
            add(usage ? p.usage : p.reported, c);
            if (hour < (usage ? p.maturedBefore : p.reportedBefore)) {
                add(usage ? p.maturedUsage : p.reportedSoFar, c);
            }
        } else {
            boolean wasMax = quantity.compareTo(hourAgg.max) >= 0;
            takeAway(hourAgg, c);
            if (hourAgg.count == 0) {
                p.markHour(hour, usage, false);
                hourAgg.max = BigDecimal.ZERO;
            } else if (wasMax) {
                hourAgg.max = hourMax(hour, usage);
            }
            Agg period = usage ? p.usage : p.reported;
            takeAway(period, c);
            boolean matured = hour < (usage ? p.maturedBefore : p.reportedBefore);
            Agg soFar = usage ? p.maturedUsage : p.reportedSoFar;
            if (matured) {
                takeAway(soFar, c);
            }
            if (wasMax) {
                // The bucket is written first: the period's maximum reads the hours.
                state.hours.put(hour, b);
                period.max = periodMax(p, usage, p.end);
                if (matured) {
                    soFar.max = periodMax(p, usage, usage ? p.maturedBefore : p.reportedBefore);
                }
            }
        }
        if (b.usage.count == 0 && b.reported.count == 0) {
            state.hours.remove(hour);
        } else {
            state.hours.put(hour, b);
        }
        return b;
    }

    private static void add(Agg a, Change c) {
        if (c.summary()) {
            a.addSummary(c.quantity());
        } else {
            a.add(c.quantity());
        }
    }

    private static void takeAway(Agg a, Change c) {
        a.sum = a.sum.subtract(c.quantity());
        a.count--;
        if (c.summary()) {
            a.countExcess = a.countExcess.subtract(c.quantity()).add(BigDecimal.ONE);
        }
        if (a.count == 0) {
            a.sum = BigDecimal.ZERO;
            a.max = BigDecimal.ZERO;
            a.countExcess = BigDecimal.ZERO;
        }
    }

    /** The largest quantity among the records of {@code hour} that still count. */
    private BigDecimal hourMax(long hour, boolean usage) throws Exception {
        BigDecimal[] max = {BigDecimal.ZERO};
        counted.forEach(usage, (time, q) -> {
            if (floorHour(time) == hour && q.compareTo(max[0]) > 0) {
                max[0] = q;
            }
        });
        return max[0];
    }

    /** The largest hourly maximum of {@code p}'s hours before {@code before}. */
    private BigDecimal periodMax(PeriodState p, boolean usage, long before) throws Exception {
        BigDecimal max = BigDecimal.ZERO;
        long[] bits = usage ? p.usageHours : p.reportHours;
        int to = p.index(Math.min(before, p.end));
        for (int i = HourBits.nextSet(bits, 0, to); i >= 0; i = HourBits.nextSet(bits, i + 1, to)) {
            HourBucket b = state.hours.get(p.hourAt(i));
            if (b != null) {
                Agg a = usage ? b.usage : b.reported;
                if (a.count > 0 && a.max.compareTo(max) > 0) {
                    max = a.max;
                }
            }
        }
        return max;
    }

    /**
     * Notes usage at {@code time} in the key's first-seen time. Returns the previous first-seen hour
     * when it moved at least an hour earlier ({@link Long#MAX_VALUE} when there was none), else
     * {@link Long#MIN_VALUE}: hours judged before as having too little history may now be judged.
     */
    long noteUsageAt(long time) throws Exception {
        Long seen = state.firstSeen.value();
        if (seen != null && seen <= time) {
            return Long.MIN_VALUE;
        }
        state.firstSeen.update(time);
        if (seen == null) {
            return Long.MAX_VALUE;
        }
        return floorHour(time) < floorHour(seen) ? floorHour(seen) : Long.MIN_VALUE;
    }

    /**
     * Writes records combined in memory (see {@link CombinedRecords}) into the hourly buckets, and applies
     * them to their periods' states, which the caller writes ({@link Periods#put}). Returns the earliest
     * first-usage time among them, or {@link Long#MAX_VALUE}.
     */
    long write(CombinedRecords pending) throws Exception {
        List<Long> hours = new ArrayList<>(pending.hours.size());
        Map<Long, CombinedRecords.Hour> byHour = new HashMap<>();
        long firstUsage = Long.MAX_VALUE;
        for (CombinedRecords.Hour h : pending.hours) {
            hours.add(h.hour);
            byHour.put(h.hour, h);
            if (h.usage.count > 0) {
                firstUsage = Math.min(firstUsage, h.firstUsageTime);
            }
        }
        state.hours.change(hours, (hour, bucket) -> {
            CombinedRecords.Hour h = byHour.get(hour);
            PeriodState p = h.period.state;
            if (h.usage.count > 0 && bucket.usage.count == 0) {
                p.markHour(hour, true, true);
            }
            if (h.reported.count > 0 && bucket.reported.count == 0) {
                p.markHour(hour, false, true);
            }
            h.applyTo(bucket);
        });
        for (CombinedRecords.Period period : pending.periods()) {
            period.applyTo(period.state);
        }
        return firstUsage;
    }
}
