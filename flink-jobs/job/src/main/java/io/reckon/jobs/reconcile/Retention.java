package io.reckon.jobs.reconcile;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.streaming.api.TimerService;

/**
 * Releases a period's state the retention after it is final: its anomaly state, invoice lines, and
 * the deduplication ids no copy of which can meet a record of a retained period any more. Its hourly
 * buckets stay until the next period is released too, because the spike baselines of the next
 * period's hours read four weeks back into it; then a timer removes them. A key whose periods are all
 * released keeps no state and no timer.
 */
final class Retention {

    /**
     * Buckets of released periods go one millisecond after an hour: every other timer of the key is on
     * the hour, so a timer tells by its time whether it is this one, and the hourly ticks never read
     * the list of retired hours.
     */
    static final long RETIREMENT_OFFSET_MS = 1;

    static boolean isRetirement(long timerTime) {
        return Math.floorMod(timerTime, ReconSettings.HOUR_MS) == RETIREMENT_OFFSET_MS;
    }

    private final ReconState state;
    private final Periods periods;
    private final InvoiceLines lines;
    private final Dedup usageIds;
    private final Dedup reportIds;
    private final Summaries summaries;

    Retention(
            ReconState state,
            Periods periods,
            InvoiceLines lines,
            Dedup usageIds,
            Dedup reportIds,
            Summaries summaries) {
        this.state = state;
        this.periods = periods;
        this.lines = lines;
        this.usageIds = usageIds;
        this.reportIds = reportIds;
        this.summaries = summaries;
    }

    void release(PeriodState p, TimerService timers) throws Exception {
        // Its anomalies, and those of earlier starts that a re-cut left without a period (their resolved
        // state, kept so that a later cut that gives their identity back goes on with their revisions).
        List<String> settled = new ArrayList<>();
        for (String k : state.anomalies.keys()) {
            if (AnomalyKey.decode(k).start() < p.end) {
                settled.add(k);
            }
        }
        for (String k : settled) {
            state.anomalies.remove(k);
        }
        lines.release(p);
        periods.remove(p.start);
        // The next period accepts records until its own release; its baselines read into this one.
        periods.startOf(p.end, periods.keyCut());
        long hoursGoAt = periods.releaseAt(periods.lastEnd()) + RETIREMENT_OFFSET_MS;
        retire(p.start, p.end, hoursGoAt);
        timers.registerEventTimeTimer(hoursGoAt);
        // No record of this period is accepted any more: ids whose copies all lie more than the horizon
        // before the next period cannot meet a copy that still counts. At the end of the input (the
        // watermark at the end of time) every period of the key and its retired hours go in this same
        // watermark, and all its ids with them at once (dropRetiredHours): a sweep first would visit
        // each id twice, and with RocksDB delete most one by one. Skipping it only keeps ids longer, which
        // changes no figure (a copy more than the horizon from every other counts whatever came before).
        if (timers.currentWatermark() != Long.MAX_VALUE) {
            usageIds.sweep(p.end);
            reportIds.sweep(p.end);
            summaries.sweep(p.end);
        }
        // A key that holds no period keeps no cut (its next period writes it again, Periods.create), nor
        // the resolved state of an anomaly a re-cut left after its last period.
        if (periods.isEmpty()) {
            state.cut.clear();
            state.anomalies.clear();
        }
    }

    private void retire(long start, long end, long at) throws Exception {
        long[] retired = state.retiredHours.value();
        long[] next = retired == null ? new long[3] : Arrays.copyOf(retired, retired.length + 3);
        next[next.length - 3] = start;
        next[next.length - 2] = end;
        next[next.length - 1] = at;
        state.retiredHours.update(next);
    }

    /** Whether {@code hour} belongs to a released period whose buckets are still kept. */
    boolean retired(long hour) throws Exception {
        long[] retired = state.retiredHours.value();
        if (retired != null) {
            for (int i = 0; i < retired.length; i += 3) {
                if (retired[i] <= hour && hour < retired[i + 1]) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Removes the hourly buckets whose time has come; clears what is left once nothing remains. */
    void dropRetiredHours(long now) throws Exception {
        long[] retired = state.retiredHours.value();
        if (retired == null) {
            return;
        }
        long[] kept = new long[retired.length];
        long[] due = new long[retired.length];
        int n = 0;
        int d = 0;
        for (int i = 0; i < retired.length; i += 3) {
            if (retired[i + 2] <= now) {
                System.arraycopy(retired, i, due, d, 3);
                d += 3;
            } else {
                System.arraycopy(retired, i, kept, n, 3);
                n += 3;
            }
        }
        removeBuckets(due, d);
        if (n == 0) {
            state.retiredHours.clear();
            if (periods.isEmpty()) {
                state.firstSeen.clear();
                usageIds.clear();
                reportIds.clear();
                summaries.clear();
            }
        } else if (n < retired.length) {
            state.retiredHours.update(Arrays.copyOf(kept, n));
        }
    }

    /**
     * Removes the buckets of the hours in the first {@code length / 3} ranges of {@code ranges} (start,
     * end, time). The buckets the key holds are visited, not every hour of the ranges: a key holds a
     * bucket only for an hour with records, and with RocksDB the removal of an hour without one still
     * writes a tombstone, which made every empty key-hour cost a write at its period's retirement.
     */
    private void removeBuckets(long[] ranges, int length) throws Exception {
        if (length == 0) {
            return;
        }
        state.hours.removeIf(hour -> {
            for (int i = 0; i < length; i += 3) {
                if (ranges[i] <= hour && hour < ranges[i + 1]) {
                    return true;
                }
            }
            return false;
        });
    }
}
