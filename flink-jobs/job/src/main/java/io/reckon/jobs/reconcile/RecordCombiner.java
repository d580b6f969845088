package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.ReconSettings.HOUR_MS;

import io.reckon.pricing.PeriodCut;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.streaming.api.TimerService;

/**
 * Combines usage and reports of hours the watermark has not closed, per key and hour, in memory, until
 * {@link ReconcileOperator} has them written: before the watermark advances, before a contract
 * changes, before a checkpoint and past {@link #MAX_HOURS}. Such a record changes nothing but state
 * until the hour's tick, so it then costs a deduplication lookup and an addition, and the hour's bucket
 * and period are read and written once per hour and flush instead of once per record. Anything else
 * about a key (a record of a closed hour, an invoice line, a timer) first writes the key's combined
 * records, so every evaluation reads complete state.
 *
 * <p>Off under Flink's plain operator (the unit tests): there every record goes to state at once, and
 * both give the same outputs and state (ReconcileOperatorTest compares them).
 */
final class RecordCombiner {

    /** Bounds the memory of the combined records; past it, the operator writes them out. */
    static final int MAX_HOURS = 1 << 16;

    private final Periods periods;
    private final Ledger ledger;
    private final Ticks ticks;
    private final FirstUsage firstUsage;
    private final Map<String, CombinedRecords> byKey;
    private int hours;

    /** Where a key's first usage time goes when its combined records are written. */
    interface FirstUsage {
        void seen(PeriodState period, long time) throws Exception;
    }

    /** @param enabled false under Flink's plain operator: {@link #add} then always declines */
    RecordCombiner(boolean enabled, Periods periods, Ledger ledger, Ticks ticks, FirstUsage firstUsage) {
        this.periods = periods;
        this.ledger = ledger;
        this.ticks = ticks;
        this.firstUsage = firstUsage;
        this.byKey = enabled ? new LinkedHashMap<>() : null;
    }

    /** The cut the key's combined records were admitted under, or null when it has none. */
    PeriodCut cutOf(String streamKey) {
        CombinedRecords pending = byKey == null ? null : byKey.get(streamKey);
        return pending == null ? null : pending.cut;
    }

    /**
     * Combines one record that counts, if its hour is open; returns false when it must be applied at
     * once (its hour closed, or combining is off), after writing the key's combined records.
     */
    boolean add(
            MeterKey key,
            String streamKey,
            boolean usage,
            long time,
            BigDecimal quantity,
            PeriodCut cut,
            TimerService timers)
            throws Exception {
        long hour = Ledger.floorHour(time);
        long watermark = timers.currentWatermark();
        if (byKey == null || hour + HOUR_MS <= watermark) {
            flush(streamKey);
            return false;
        }
        CombinedRecords pending = byKey.get(streamKey);
        CombinedRecords.Hour h = pending == null ? null : pending.hour(hour);
        if (h == null) {
            long start = periods.startOf(time, cut);
            CombinedRecords.Period period = pending == null ? null : pending.period(start);
            if (period == null) {
                PeriodState p = periods.get(start);
                if (p == null) {
                    p = periods.create(time, cut, watermark, timers);
                }
                if (p == null || p.finalized) {
                    // Not reached while the allowed lateness is not negative: an open hour's period is
                    // neither released nor final. Applied at once all the same.
                    flush(streamKey);
                    return false;
                }
                if (pending == null) {
                    pending = new CombinedRecords(key, cut);
                    byKey.put(streamKey, pending);
                }
                period = pending.addPeriod(p);
            }
            h = pending.addHour(hour, period);
            hours++;
            // The same tick for every record of the hour: the watermark does not move in between.
            ticks.request(timers, streamKey, time);
        }
        h.add(usage, time, quantity);
        return true;
    }

    /** Whether enough hours are combined that they should be written out now. */
    boolean full() {
        return hours >= MAX_HOURS;
    }

    /** Writes the combined records of {@code streamKey}, the current key, if it has any. */
    void flush(String streamKey) throws Exception {
        CombinedRecords pending = byKey == null ? null : byKey.remove(streamKey);
        if (pending != null) {
            hours -= pending.hours.size();
            write(pending);
        }
    }

    /** Writes every key's combined records; {@code selectKey} makes a key current (the operator's keyed context). */
    void flushAll(Consumer<String> selectKey) throws Exception {
        if (byKey == null || byKey.isEmpty()) {
            return;
        }
        for (Map.Entry<String, CombinedRecords> entry : byKey.entrySet()) {
            selectKey.accept(entry.getKey());
            write(entry.getValue());
        }
        byKey.clear();
        hours = 0;
    }

    boolean isEmpty() {
        return byKey == null || byKey.isEmpty();
    }

    private void write(CombinedRecords pending) throws Exception {
        long first = ledger.write(pending);
        for (CombinedRecords.Period period : pending.periods()) {
            periods.put(period.state);
        }
        if (first != Long.MAX_VALUE) {
            CombinedRecords.Hour h = pending.hours.get(0);
            for (CombinedRecords.Hour each : pending.hours) {
                if (each.usage.count > 0 && each.firstUsageTime == first) {
                    h = each;
                }
            }
            firstUsage.seen(h.period.state, first);
        }
    }
}
