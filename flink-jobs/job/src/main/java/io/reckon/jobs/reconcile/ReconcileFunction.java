package io.reckon.jobs.reconcile;

import io.reckon.jobs.CounterTotals;
import io.reckon.jobs.JobCounters;
import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.ContractEvent;
import io.reckon.jobs.records.DeadLetterRecord;
import io.reckon.jobs.records.ForecastRecord;
import io.reckon.jobs.records.HourlyRollup;
import io.reckon.jobs.records.MeterEvent;
import io.reckon.jobs.records.UnmappedUsage;
import io.reckon.pricing.PeriodCut;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Reconciles one (account, meter) in event time. The answer is a function of the records alone, not
 * of the order they arrive in (spec v1.1, "Arrival order"): deduplication keeps every distinct copy of
 * an id while its period's state is kept ({@link Dedup}), a later invoice line or summary wins by its
 * updated_at ({@code LaterRecord}), signals are derived from the hours ({@link Signals}), and what a
 * late record changes is evaluated again at the next tick ({@link Dirt}), once.
 *
 * <p>This class routes; the work is done by small pieces. Records go through {@link RecordIntake}
 * (usage and reports) or {@link LineIntake} (invoice lines, which wait in {@link HeldLines} until the
 * contracts input has been read); contracts into the {@link ContractBook}; timers to {@link
 * TickEvaluation}. {@link ReconParts} makes and connects them when the function opens. State is
 * declared in {@link ReconState}, whose names are the savepoint contract.
 *
 * <p>Timers. While a period is open the key has an event-time timer on every hour boundary (the tick);
 * ticks stop when no period is open, so an idle key costs nothing, and a jump of the watermark to the
 * end of time (bounded input) walks the remaining ticks and closes every period. A period is final at
 * end + allowed lateness (billing: end + invoice grace); its state is kept for the retention after
 * that, then released. A record that arrives after its period's state was released goes to the dead
 * letters with the reason: nothing is dropped silently.
 *
 * <p>In the job it runs under {@link ReconcileOperator}, which lets it combine records of open hours in
 * memory ({@link RecordCombiner}) and re-evaluates the keys of an account whose contract changed.
 */
public class ReconcileFunction extends KeyedBroadcastProcessFunction<String, MeterEvent, ContractEvent, AnomalyRecord>
        implements CheckpointedFunction {

    /** Broadcast state: "account_id U+001F version" to the contract version's canonical JSON. */
    public static final MapStateDescriptor<String, String> CONTRACTS = ContractBook.CONTRACTS;

    public static final OutputTag<HourlyRollup> ROLLUPS = ReconOutputs.ROLLUPS;
    public static final OutputTag<UnmappedUsage> UNMAPPED = ReconOutputs.UNMAPPED;
    /** Records rejected by the reconciliation: later than the retention, or in the wrong currency. */
    public static final OutputTag<DeadLetterRecord> REJECTED = ReconOutputs.REJECTED;
    /** Period-end forecasts of open periods (see {@link Forecasts}). */
    public static final OutputTag<ForecastRecord> FORECASTS = ReconOutputs.FORECASTS;

    /**
     * Accumulator of the emission latency, in microseconds, of revisions emitted by an hourly tick (see
     * {@link EmissionLatency}); only kept when {@link #measuringEmissionLatency()} asked for it.
     */
    public static final String EMISSION_LATENCY_ACCUMULATOR = "reconcile.emission-latency-us";

    /**
     * Counter of the ticks evaluated: a key's timer at an hour boundary, due only when the key's figures
     * can change then ({@link NextTick}), so it grows with the keys whose figures change, not with all.
     */
    public static final String TICKS_COUNTER = "reconcile.ticks";

    private final ReconSettings settings;
    private boolean measureEmissionLatency;
    private boolean combine;
    private boolean tickEveryHour;
    private boolean tables;

    /** Operator state of the counts (duplicates, late, unmapped, rejected, anomalies), kept across restarts. */
    static final String COUNTER_TOTALS = "reconcile-counter-totals";

    private transient CounterTotals totals;
    private transient JobCounters counters;
    private transient EmissionLatency latency;
    private transient ReconParts parts;
    private transient InputReach reach;
    private transient WatermarkFloor watermarkFloor;
    private transient JobCounters.Counter ticksEvaluated;

    /** The options this function reconciles with. */
    public ReconSettings settings() {
        return settings;
    }

    public ReconcileFunction(ReconSettings settings) {
        this.settings = settings;
    }

    /** Records the emission latency of tick-driven revisions in {@link #EMISSION_LATENCY_ACCUMULATOR}. */
    public ReconcileFunction measuringEmissionLatency() {
        this.measureEmissionLatency = true;
        return this;
    }

    /**
     * Ticks every key with an open period at every hour boundary instead of only when an evaluation can
     * change ({@link NextTick}): the reference that skipping hours is tested against.
     */
    ReconcileFunction tickingEveryHour() {
        this.tickEveryHour = true;
        return this;
    }

    /**
     * Set by {@link ReconcileOperator} with heap state, before the function opens: the deduplication
     * ids and the hourly buckets are kept in one table each per key ({@link TableIdStore}, {@link
     * TableHourStore}) instead of an entry per id and one per day of hours.
     */
    void keepInTables(boolean tables) {
        this.tables = tables;
    }

    /** Set by {@link ReconcileOperator}: records of open hours are combined ({@link RecordCombiner}). */
    void combineRecords() {
        this.combine = true;
    }

    @Override
    public void open(OpenContext openContext) {
        counters = new JobCounters(getRuntimeContext(), totals == null ? java.util.Map.of() : totals.restored());
        LatencyHistogram histogram = null;
        if (measureEmissionLatency) {
            histogram = new LatencyHistogram();
            getRuntimeContext().addAccumulator(EMISSION_LATENCY_ACCUMULATOR, histogram);
        }
        latency = new EmissionLatency(histogram);
        if (reach == null) {
            reach = new InputReach(settings.inputEndMs());
        }
        parts = new ReconParts(
                new ReconState(getRuntimeContext(), tables),
                settings,
                new ReconParts.Flags(tables, combine, tickEveryHour),
                counters,
                latency,
                reach);
        ticksEvaluated = counters.counter(TICKS_COUNTER);
    }

    /** What each counter of this subtask has counted, by name, including the totals it was restored with. */
    Map<String, Long> counterTotals() {
        return counters.totals();
    }

    /** Restores the counts of the last checkpoint: a restart goes on counting from them. */
    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        totals = CounterTotals.restore(context, COUNTER_TOTALS);
        reach = new InputReach(settings.inputEndMs());
        reach.restore(context);
        watermarkFloor = new WatermarkFloor();
        watermarkFloor.restore(context);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        totals.snapshot(counters);
        reach.snapshot();
        watermarkFloor.snapshot();
    }

    @Override
    public void processBroadcastElement(ContractEvent c, Context ctx, Collector<AnomalyRecord> out) throws Exception {
        if (!parts.combiner.isEmpty()) {
            // Combined records were admitted under the period cuts of the contracts known then.
            throw new IllegalStateException("combined records must be written before a contract arrives");
        }
        parts.contracts.load(ctx.getBroadcastState(CONTRACTS));
        ctx.getBroadcastState(CONTRACTS).put(ContractBook.stateKey(c.accountId, c.version), c.json);
        parts.contracts.add(c.json);
    }

    @Override
    public void processElement(MeterEvent e, ReadOnlyContext ctx, Collector<AnomalyRecord> out) throws Exception {
        begin(ctx, out);
        latency.record();
        if (e.kind == MeterEvent.Kind.USAGE) {
            reach.usage(e.accountId, e.meter, e.id, e.eventTime);
        }
        String streamKey = ctx.getCurrentKey();
        TimerService timers = timers(ctx.timerService());
        if (e.kind == MeterEvent.Kind.INVOICE_LINE) {
            if (!parts.heldLines.hold(e, timers)) {
                line(streamKey, e, timers);
                afterUpgrade(streamKey, timers);
            }
            return;
        }
        MeterKey key = MeterKey.of(e, streamKey);
        PeriodCut cut = parts.combiner.cutOf(streamKey);
        if (cut == null) {
            parts.combiner.flush(streamKey);
            cut = cutFor(key, timers);
        }
        parts.intake.record(key, streamKey, e, cut, timers);
        afterUpgrade(streamKey, timers);
    }

    /** An invoice line record into the key's state, once the contracts input has been read. */
    private void line(String streamKey, MeterEvent e, TimerService timers) throws Exception {
        if (parts.lineIntake.countedOnly(e)) {
            return;
        }
        parts.combiner.flush(streamKey);
        MeterKey key = MeterKey.of(e, streamKey);
        parts.lineIntake.record(key, e, cutFor(key, timers), timers);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AnomalyRecord> out) throws Exception {
        begin(ctx, out);
        TimerService timers = timers(ctx.timerService());
        latency.timer(timers.currentWatermark());
        reach.watermark(timers.currentWatermark());
        String streamKey = ctx.getCurrentKey();
        // Written out before the watermark moved (ReconcileOperator); this covers a timer that fires
        // between records, as interruptible timers do.
        parts.combiner.flush(streamKey);
        if (HeldLines.isRelease(timestamp)) {
            TimerService asTheyCame = HeldLines.asTheyCame(timers);
            for (MeterEvent e : parts.heldLines.release()) {
                line(streamKey, e, asTheyCame);
            }
            return;
        }
        if (Retention.isRetirement(timestamp)) {
            parts.retention.dropRetiredHours(timestamp);
            return;
        }
        ticksEvaluated.inc();
        MeterKey key = MeterKey.of(streamKey);
        List<PeriodState> live = parts.periods.all();
        if (!live.isEmpty() && parts.rebucketing.ensure(key, parts.contracts.cut(key.accountId()), timestamp, timers)) {
            live = parts.periods.all();
        }
        parts.ticks.onTimer(key, live, timestamp, timers);
        parts.legacy.takeUpgraded();
    }

    /**
     * The key's contract changed (called by {@link ReconcileOperator} with the key current): every
     * period in state is evaluated again at the next tick, final ones included, so that the answer does
     * not depend on whether the contract arrived before or after the records.
     */
    void contractChanged(String streamKey, TimerService timers) throws Exception {
        for (PeriodState p : parts.periods.all()) {
            parts.dirt.all(p);
            parts.periods.put(p);
        }
        parts.tickRequests.request(timers, streamKey, parts.periods.lastEvaluated());
    }

    /** Whether a contract arriving now may change evaluations already made (any watermark yet). */
    static boolean evaluationsMayExist(long watermark) {
        return watermark > Long.MIN_VALUE;
    }

    /** Names of the states of the previous layout's deduplication ids, to find the keys that hold some. */
    static final List<String> LEGACY_ID_STATES = List.of("usage-ids", "report-ids");

    /**
     * Names of the states this function takes over when a key holds some: the first layout's
     * deduplication ids, the ids of the layout not in use ({@link IdStore}), and the hourly buckets
     * of the layouts not in use ({@link HourStore}).
     */
    List<String> statesToTakeOver() {
        List<String> other = tables
                ? List.of(
                        ReconState.USAGE_COPIES,
                        ReconState.REPORT_COPIES,
                        ReconState.HOURS,
                        ReconState.HOUR_DAYS,
                        ReconState.HOUR_MONTHS)
                : List.of(
                        ReconState.USAGE_ID_TABLE, ReconState.REPORT_ID_TABLE, ReconState.HOUR_TABLE, ReconState.HOURS);
        return java.util.stream.Stream.concat(LEGACY_ID_STATES.stream(), other.stream())
                .toList();
    }

    /**
     * Takes the current key's deduplication ids of the first layout, and its ids and hourly buckets of
     * the other layout, over.
     */
    void takeOverOtherLayouts() throws Exception {
        parts.usageIds.takeOverLegacy();
        parts.reportIds.takeOverLegacy();
        parts.usageIds.takeOverOtherLayout();
        parts.reportIds.takeOverOtherLayout();
        parts.ledger.takeOverOtherLayouts();
    }

    /** The watermark reached {@code watermark} (called by {@link ReconcileOperator} before its timers). */
    void watermarkReached(long watermark) {
        reach.watermark(watermark);
        watermarkFloor.watermark(watermark);
    }

    /**
     * The timer service the function works with: {@code timers}, whose watermark is at least the one
     * reached before the restore it started from ({@link WatermarkFloor}).
     */
    TimerService timers(TimerService timers) {
        return watermarkFloor == null ? timers : watermarkFloor.over(timers);
    }

    /**
     * Admits the id of a usage or reported record into deduplication, in the layout of the state
     * backend, and does nothing else: what keeping every id costs, for the benchmark's floor.
     */
    protected final void admitIdOnly(MeterEvent e) throws Exception {
        (e.kind == MeterEvent.Kind.USAGE ? parts.usageIds : parts.reportIds).admit(e.id, e.eventTime, e.quantity);
    }

    /** The ticks evaluated so far, restored totals included. */
    long ticksEvaluated() {
        return ticksEvaluated.total();
    }

    boolean combinedFull() {
        return parts.combiner.full();
    }

    void flushAllCombined(Consumer<String> selectKey) throws Exception {
        parts.combiner.flushAll(selectKey);
    }

    /**
     * Called by {@link ReconcileOperator} before a watermark's timers fire: each key's periods are read
     * once and written once while they do ({@link PeriodCache}); {@code currentKey} names the keyed
     * context's key.
     */
    void holdPeriods(Supplier<Object> currentKey) {
        parts.periods.beginHolding(currentKey);
    }

    boolean heldPeriodsFull() {
        return parts.periods.holdingFull();
    }

    /** Writes the held periods, each key's with {@code selectKey} making it current; holding goes on. */
    void writeHeldPeriods(Consumer<Object> selectKey) throws Exception {
        parts.periods.writeHeld(selectKey);
    }

    /** Writes the held periods and stops holding them. */
    void releaseHeldPeriods(Consumer<Object> selectKey) throws Exception {
        parts.periods.endHolding(selectKey);
    }

    private void begin(ReadOnlyContext ctx, Collector<AnomalyRecord> out) throws Exception {
        parts.outputs.bind(ctx, out);
        if (!parts.contracts.loaded()) {
            parts.contracts.load(ctx.getBroadcastState(CONTRACTS));
        }
    }

    private PeriodCut cutFor(MeterKey key, TimerService timers) throws Exception {
        PeriodCut wanted = parts.contracts.cut(key.accountId());
        parts.rebucketing.ensure(key, wanted, timers.currentWatermark(), timers);
        return wanted;
    }

    /**
     * A key whose state of the first layout was taken over is evaluated at its next tick: the tick
     * after the watermark, or, before the first watermark after a restore, the tick after the time its
     * periods were last evaluated.
     */
    private void afterUpgrade(String streamKey, TimerService timers) throws Exception {
        if (parts.legacy.takeUpgraded()) {
            parts.tickRequests.request(timers, streamKey, parts.periods.lastEvaluated());
        }
    }
}
