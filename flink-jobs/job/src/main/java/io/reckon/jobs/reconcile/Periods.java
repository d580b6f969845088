package io.reckon.jobs.reconcile;

import io.reckon.pricing.BillingPeriod;
import io.reckon.pricing.PeriodCut;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.TimerService;

/**
 * A key's billing periods: the period of a time, creation with its finality timers, and when each
 * period becomes final and is released; their state is a {@link PeriodStore}.
 *
 * <p>A period is final for metering at end + allowed lateness, for billing at end + invoice grace, and
 * is released the state retention after both.
 */
final class Periods {

    private final PeriodStore store;
    /** The cut the key's periods were made with, written with each new period. */
    private final KeyCut cut;

    private final ReconSettings settings;

    /** The last billing period computed, reused while records fall into it (almost always). */
    private long cachedStart;

    private long cachedEnd;
    private PeriodCut cachedCut;

    Periods(ReconState state, ReconSettings settings, LegacyLayout legacy) {
        this(state.periods, state.periodStarts, state.cut, settings, legacy);
    }

    Periods(
            MapState<Long, PeriodState> byStart,
            ValueState<long[]> starts,
            KeyCut cut,
            ReconSettings settings,
            LegacyLayout legacy) {
        this.store = new PeriodStore(byStart, starts, legacy);
        this.cut = cut;
        this.settings = settings;
    }

    /**
     * Start of the billing period of {@code cut} holding {@code time}; its end is then {@link
     * #lastEnd()}.
     */
    long startOf(long time, PeriodCut cut) {
        if ((cachedCut != cut && !cut.equals(cachedCut)) || time < cachedStart || time >= cachedEnd) {
            BillingPeriod bp = cut.containing(time);
            cachedCut = cut;
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
        return store.get(start);
    }

    /** Whether the period starting at {@code start} is in state. */
    boolean contains(long start) throws Exception {
        return store.contains(start);
    }

    void put(PeriodState p) throws Exception {
        store.put(p);
    }

    /** Every period in state, ascending. */
    List<PeriodState> all() throws Exception {
        return store.all();
    }

    boolean isEmpty() throws Exception {
        return store.isEmpty();
    }

    /** Removes a period's state and its index entry. */
    void remove(long start) throws Exception {
        store.remove(start);
    }

    /** Writes a new period with its index entry (re-bucketing, a period's creation). */
    void add(PeriodState p) throws Exception {
        store.add(p);
    }

    /**
     * From now on, until {@link #endHolding}, each key's periods are read once and written back once
     * ({@link PeriodCache}); {@code currentKey} names the keyed context's key.
     */
    void beginHolding(Supplier<Object> currentKey) {
        store.beginHolding(currentKey);
    }

    /** Whether the periods of enough keys are held that they should be written now ({@link #writeHeld}). */
    boolean holdingFull() {
        return store.holdingFull();
    }

    /** Writes the held periods, each key's after {@code selectKey} made it current; holding goes on. */
    void writeHeld(Consumer<Object> selectKey) throws Exception {
        store.writeHeld(selectKey);
    }

    /** Writes the held periods and stops holding them. */
    void endHolding(Consumer<Object> selectKey) throws Exception {
        store.endHolding(selectKey);
    }

    /** The period of {@code cut} holding {@code time}, or null when it has no state. */
    PeriodState containing(long time, PeriodCut cut) throws Exception {
        return get(startOf(time, cut));
    }

    /** The cut the key's periods were made with, or null when it holds none. */
    PeriodCut keyCut() throws Exception {
        return cut.get();
    }

    /**
     * A new period's state for the period holding {@code time}, with its timers, or null when that
     * period was already released (a record for it is too late). The key's cut is written with it: a
     * key holds a cut exactly while it holds periods.
     */
    PeriodState create(long time, PeriodCut cut, long watermark, TimerService timers) throws Exception {
        long start = startOf(time, cut);
        long end = lastEnd();
        if (releaseAt(end) <= watermark) {
            return null;
        }
        PeriodState p = PeriodState.of(start, end);
        armTimers(p, watermark, timers);
        // Written at once, with its index entry: the map and the index always agree.
        add(p);
        this.cut.set(cut);
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
