package io.reckon.jobs.reconcile;

import io.reckon.pricing.BillingPeriod;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.TimerService;

/**
 * A key's billing periods in state: the period of a time, creation with its finality timers, the
 * ascending index of starts (so a timer reads its periods with point lookups, not an iterator), and
 * when each period becomes final and is released.
 *
 * <p>A period is final for metering at end + allowed lateness, for billing at end + invoice grace, and
 * is released the state retention after both.
 */
final class Periods {

    private final MapState<Long, PeriodState> byStart;
    /** The starts of {@link #byStart}, ascending: a timer reads its periods without an iterator. */
    private final ValueState<long[]> startIndex;

    private final ReconSettings settings;
    private final LegacyLayout legacy;
    private final PeriodCache cache = new PeriodCache();

    /** The last billing period computed, reused while records fall into it (almost always). */
    private long cachedStart;

    private long cachedEnd;
    private int cachedAnchor;

    Periods(ReconState state, ReconSettings settings, LegacyLayout legacy) {
        this(state.periods, state.periodStarts, settings, legacy);
    }

    Periods(
            MapState<Long, PeriodState> byStart,
            ValueState<long[]> starts,
            ReconSettings settings,
            LegacyLayout legacy) {
        this.byStart = byStart;
        this.startIndex = starts;
        this.settings = settings;
        this.legacy = legacy;
    }

    /** Start of the billing period holding {@code time}; its end is then {@link #lastEnd()}. */
    long startOf(long time, int anchorDay) {
        if (cachedAnchor != anchorDay || time < cachedStart || time >= cachedEnd) {
            BillingPeriod bp = BillingPeriod.containing(Instant.ofEpochMilli(time), anchorDay);
            cachedAnchor = anchorDay;
            cachedStart = bp.start().toEpochMilli();
            cachedEnd = bp.end().toEpochMilli();
        }
        return cachedStart;
    }

    /** End of the period the last {@link #startOf} call found. */
    long lastEnd() {
        return cachedEnd;
    }

    long meteringFinalAt(long periodEnd) {
        return periodEnd + settings.allowedLatenessMs();
    }

    long billingFinalAt(long periodEnd) {
        return periodEnd + settings.invoiceGraceMs();
    }

    /** When a period's state is released: the retention after both sides are final. */
    long releaseAt(long periodEnd) {
        return Math.max(meteringFinalAt(periodEnd), billingFinalAt(periodEnd)) + settings.stateRetentionMs();
    }

    long meteringFinalAt(PeriodState p) {
        return meteringFinalAt(p.end);
    }

    long billingFinalAt(PeriodState p) {
        return billingFinalAt(p.end);
    }

    long releaseAt(PeriodState p) {
        return releaseAt(p.end);
    }

    /** The period starting at {@code start}, or null. */
    PeriodState get(long start) throws Exception {
        if (cache.active()) {
            return cached().get(start);
        }
        return read(start);
    }

    private PeriodState read(long start) throws Exception {
        PeriodState p = byStart.get(start);
        return p == null ? null : legacy.upgrade(p);
    }

    /** Whether the period starting at {@code start} is in state. */
    boolean contains(long start) throws Exception {
        return cache.active() ? cached().contains(start) : byStart.contains(start);
    }

    /**
     * From now on, until {@link #endHolding}, each key's periods are read once and written back once
     * ({@link PeriodCache}); {@code currentKey} names the keyed context's key.
     */
    void beginHolding(java.util.function.Supplier<Object> currentKey) {
        cache.begin(currentKey);
    }

    /** Whether the periods of enough keys are held that they should be written now ({@link #writeHeld}). */
    boolean holdingFull() {
        return cache.active() && cache.full();
    }

    /** Writes the held periods, each key's after {@code selectKey} made it current; holding goes on. */
    void writeHeld(java.util.function.Consumer<Object> selectKey) throws Exception {
        cache.writeBack(selectKey, this::write);
    }

    /** Writes the held periods and stops holding them. */
    void endHolding(java.util.function.Consumer<Object> selectKey) throws Exception {
        cache.end(selectKey, this::write);
    }

    private PeriodCache.KeyPeriods cached() throws Exception {
        return cache.current(this::readAll);
    }

    private void write(PeriodCache.KeyPeriods changed) throws Exception {
        for (long start : changed.removed()) {
            byStart.remove(start);
        }
        for (long start : changed.written()) {
            byStart.put(start, changed.get(start));
        }
        long[] starts = changed.changedStarts();
        if (starts == null) {
            return;
        }
        if (starts.length == 0) {
            startIndex.clear();
        } else {
            startIndex.update(starts);
        }
    }

    /** The period holding {@code time} under {@code anchorDay}, or null when it has no state. */
    PeriodState containing(long time, int anchorDay) throws Exception {
        return get(startOf(time, anchorDay));
    }

    /**
     * A new period's state for the period holding {@code time}, with its timers, or null when that
     * period was already released (a record for it is too late).
     */
    PeriodState create(long time, int anchorDay, long watermark, TimerService timers) throws Exception {
        long start = startOf(time, anchorDay);
        long end = lastEnd();
        if (releaseAt(end) <= watermark) {
            return null;
        }
        PeriodState p = PeriodState.of(start, end, anchorDay);
        armTimers(p, watermark, timers);
        // Written at once, with its index entry: the map and the index always agree.
        add(p);
        return p;
    }

    /** Sets the finality of a new period from the watermark, and registers the timers it still needs. */
    void armTimers(PeriodState p, long watermark, TimerService timers) {
        if (meteringFinalAt(p) <= watermark) {
            // Final already: its hours are judged, and it is evaluated, at the next tick.
            p.finalized = true;
            p.reevaluate = true;
        } else {
            timers.registerEventTimeTimer(meteringFinalAt(p));
        }
        if (billingFinalAt(p) <= watermark) {
            p.billingFinal = true;
            timers.registerEventTimeTimer(releaseAt(p));
        } else {
            timers.registerEventTimeTimer(billingFinalAt(p));
        }
    }

    void put(PeriodState p) throws Exception {
        if (cache.active()) {
            cached().put(p);
        } else {
            byStart.put(p.start, p);
        }
    }

    /** Every period in state, ascending. */
    List<PeriodState> all() throws Exception {
        return cache.active() ? cached().all() : readAll();
    }

    private List<PeriodState> readAll() throws Exception {
        long[] starts = readStarts();
        List<PeriodState> all = new ArrayList<>(starts.length);
        for (long start : starts) {
            PeriodState p = read(start);
            if (p == null) {
                // The index and the map are written together, so this is not expected; if it happens,
                // the map is the truth and the index is rebuilt from it.
                startIndex.clear();
                return readAll();
            }
            all.add(p);
        }
        return all;
    }

    /** The keys of the periods map, ascending; built from the map when the index is absent. */
    private long[] readStarts() throws Exception {
        long[] starts = startIndex.value();
        if (starts != null) {
            return starts;
        }
        List<Long> keys = new ArrayList<>();
        for (Long k : byStart.keys()) {
            keys.add(k);
        }
        starts = keys.stream().mapToLong(Long::longValue).sorted().toArray();
        if (starts.length > 0) {
            startIndex.update(starts);
        }
        return starts;
    }

    /**
     * The event time the key's periods were last evaluated at (the latest time their reports are
     * folded up to), or the start of its first period if none was: where ticks resume when the
     * watermark is not known yet, after a restore.
     */
    long lastEvaluated() throws Exception {
        long last = Long.MIN_VALUE;
        for (PeriodState p : all()) {
            last = Math.max(last, Math.max(p.reportedBefore, p.start));
        }
        return last;
    }

    boolean isEmpty() throws Exception {
        return cache.active() ? cached().isEmpty() : readStarts().length == 0;
    }

    private void index(long start) throws Exception {
        long[] starts = readStarts();
        int at = Arrays.binarySearch(starts, start);
        if (at >= 0) {
            return;
        }
        int insert = -at - 1;
        long[] next = new long[starts.length + 1];
        System.arraycopy(starts, 0, next, 0, insert);
        next[insert] = start;
        System.arraycopy(starts, insert, next, insert + 1, starts.length - insert);
        startIndex.update(next);
    }

    /** Removes a period's state and its index entry. */
    void remove(long start) throws Exception {
        if (cache.active()) {
            cached().remove(start);
            return;
        }
        byStart.remove(start);
        long[] starts = readStarts();
        int at = Arrays.binarySearch(starts, start);
        if (at < 0) {
            return;
        }
        if (starts.length == 1) {
            startIndex.clear();
            return;
        }
        long[] next = new long[starts.length - 1];
        System.arraycopy(starts, 0, next, 0, at);
        System.arraycopy(starts, at + 1, next, at, starts.length - at - 1);
        startIndex.update(next);
    }

    /** Removes every period (re-bucketing cuts them anew). */
    void clear() throws Exception {
        if (cache.active()) {
            cached().clear();
            return;
        }
        byStart.clear();
        startIndex.clear();
    }

    /** Indexes a period written by re-bucketing. */
    void add(PeriodState p) throws Exception {
        if (cache.active()) {
            cached().put(p);
            return;
        }
        put(p);
        index(p.start);
    }

    /** The period of {@code periods} holding {@code time}, or null. */
    static PeriodState holding(List<PeriodState> periods, long time) {
        for (PeriodState p : periods) {
            if (p.contains(time)) {
                return p;
            }
        }
        return null;
    }
}
