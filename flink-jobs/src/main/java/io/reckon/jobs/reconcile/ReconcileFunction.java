package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.ReconSettings.HOUR_MS;

import io.reckon.jobs.JobCounters;
import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.ContractEvent;
import io.reckon.jobs.records.ContractJson;
import io.reckon.jobs.records.DeadLetterRecord;
import io.reckon.jobs.records.HourlyRollup;
import io.reckon.jobs.records.InvalidRecordException;
import io.reckon.jobs.records.MeterEvent;
import io.reckon.jobs.records.UnmappedUsage;
import io.reckon.pricing.Aggregation;
import io.reckon.pricing.BillingPeriod;
import io.reckon.pricing.ContractHistory;
import io.reckon.pricing.ContractVersion;
import io.reckon.pricing.MeterTerms;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Reconciles one (account, meter) in event time: deduplicates usage and reports, keeps hourly buckets
 * and per-period aggregates, prices each period with the contract version that applies to it, and
 * emits anomaly revisions.
 *
 * <p>Timers. While a period is open the key has an event-time timer on every hour boundary (the
 * "tick"): usage older than the reporting delay matures into the comparison, the period is evaluated,
 * and the hour that just closed goes to the hourly rollup. Ticks stop when no period is open, so an
 * idle key costs nothing, and a jump of the watermark to the end of time (bounded input) walks the
 * remaining ticks and closes every period. A period is final at end + allowed lateness; its state is
 * kept for the state retention after that, to absorb late records, then a cleanup timer removes it.
 *
 * <p>Late records. A record whose period is final is counted as late and re-evaluates the period at
 * once (an {@code updated} revision if figures change). One that arrives after its period's state was
 * cleaned up goes to the dead letters with the reason: nothing is dropped silently.
 *
 * <p>Contracts come from broadcast state (a few versions per account). The billing anchor day of the
 * latest contract version cuts the key's periods; if it changes (or a contract arrives after usage
 * was bucketed with the default anchor), the key's periods are rebuilt from the hourly buckets.
 *
 * <p>In the job it runs under {@link ReconcileOperator}, which lets it combine usage and reports of
 * open hours per key and hour in memory and writes them into state before anything reads them; see
 * {@link #combineRecords}. Under Flink's plain operator (the unit tests) every record goes to state
 * at once; both give the same outputs and state.
 */
public class ReconcileFunction extends KeyedBroadcastProcessFunction<String, MeterEvent, ContractEvent, AnomalyRecord> {

    /** Broadcast state: "account_id U+001F version" to the contract version's canonical JSON. */
    public static final MapStateDescriptor<String, String> CONTRACTS =
            new MapStateDescriptor<>("contracts", Types.STRING, Types.STRING);

    public static final OutputTag<HourlyRollup> ROLLUPS =
            new OutputTag<>("hourly-rollups", TypeInformation.of(HourlyRollup.class)) {};
    public static final OutputTag<UnmappedUsage> UNMAPPED =
            new OutputTag<>("unmapped-usage", TypeInformation.of(UnmappedUsage.class)) {};
    /** Records rejected by the reconciliation: later than the retention, or in the wrong currency. */
    public static final OutputTag<DeadLetterRecord> REJECTED =
            new OutputTag<>("rejected", TypeInformation.of(DeadLetterRecord.class)) {};

    /**
     * How often (event time, at a key's tick) expired dedup ids are removed. A sweep iterates all of the
     * key's ids (an iterator on RocksDB), so each id is visited about (horizon + lateness) / cadence
     * times: daily, twice by default. An expired id still in state no longer counts (see {@link
     * #isDuplicate}), so the cadence trades memory (ids live up to a day past expiry) against CPU and
     * changes no result.
     */
    private static final long DEDUP_SWEEP_EVERY_MS = 24 * HOUR_MS;

    /** Bounds the memory of {@link #pendingTickKeys}; past it, keys simply register again. */
    private static final int MAX_PENDING_TICK_KEYS = 1 << 17;

    private final ReconSettings settings;

    /**
     * Accumulator of the emission latency, in microseconds, of revisions emitted by an hourly tick:
     * from the moment the watermark that fired the tick reached this operator to the emission. Only
     * kept when {@link #measuringEmissionLatency()} asked for it (the benchmark does).
     */
    public static final String EMISSION_LATENCY_ACCUMULATOR = "reconcile.emission-latency-us";

    private boolean measureEmissionLatency;
    private transient LatencyHistogram emissionLatency;
    /** The watermark of the last timer call, and when (nanoTime) a timer first saw it. */
    private transient long watermarkSeen;

    private transient long watermarkSeenAt;
    private transient boolean inTimer;

    private transient MapState<Long, HourBucket> hours;
    private transient MapState<Long, PeriodState> periods;
    /**
     * The keys of {@link #periods}, ascending, so that a timer reads the periods with point lookups:
     * iterating the map costs a RocksDB iterator per tick, worth several lookups. Absent for state
     * written before it existed; it is then built once from the map.
     */
    private transient ValueState<long[]> periodStarts;

    private transient MapState<String, AnomalyState> anomalies;
    private transient MapState<String, Long> usageIds;
    private transient MapState<String, Long> reportIds;
    /** Invoice lines by line_id: a later record of a line replaces it. */
    private transient MapState<String, InvoiceLineState> lines;
    /** The billing anchor day the key's periods are currently cut with. */
    private transient ValueState<Integer> anchor;
    /** Start of the reporting gap of the key that is still open, if any. */
    private transient ValueState<Long> openGap;
    /** The run of spike or drop hours still going on, if any. */
    private transient ValueState<SignalEpisode> episode;
    /** Earliest event time of the key's usage still in state: before it, history is unknown, not zero. */
    private transient ValueState<Long> firstSeen;

    /** Parsed contracts per account; a cache of the broadcast state, rebuilt after a restore. */
    private transient Map<String, ContractHistory> contracts;

    /**
     * Anchor day of each account's latest contract version, derived from {@link #contracts} and
     * cleared whenever a contract arrives: the lookup runs for every record.
     */
    private transient Map<String, Integer> anchorDays;

    /** The last billing period computed, reused while records fall into it (almost always). */
    private transient long cachedPeriodStart;

    private transient long cachedPeriodEnd;
    private transient int cachedPeriodAnchor;

    /**
     * Keys of this subtask whose tick at {@link #pendingTick} is registered and has not fired yet.
     * Every usage or report record asks for the tick after the watermark, and with RocksDB timers each
     * registration writes the timer again even when it exists, so a key registers each hour's tick
     * once. The set is valid because this function never deletes a timer and a timer above the
     * watermark cannot have fired; it is cleared when the watermark enters a new hour. Not state: after
     * a restore it starts empty and the first records register again, which Flink deduplicates.
     */
    private transient Set<String> pendingTickKeys;

    private transient long pendingTick;

    /** Set by {@link #ensureAnchor} when it rebuilt the key's periods. */
    private transient boolean rebucketed;

    private transient Map<MeterEvent.Kind, JobCounters.Counter> duplicates;
    private transient Map<MeterEvent.Kind, JobCounters.Counter> late;
    private transient Map<MeterEvent.Kind, JobCounters.Counter> unmapped;
    private transient Map<MeterEvent.Kind, JobCounters.Counter> rejected;
    private transient Map<AnomalyType, JobCounters.Counter> emitted;
    private transient JobCounters.Counter pricingFailures;

    /** Set by {@link ReconcileOperator}: records are combined per key and hour; see {@link #combineRecords}. */
    private boolean combine;

    /** Bounds the memory of the combined records; past it, the operator writes them out. */
    static final int MAX_COMBINED_HOURS = 1 << 16;

    /** Combined records per key, in the order keys first had one; null unless {@link #combine}. */
    private transient Map<String, CombinedRecords> combined;

    private transient int combinedHours;

    /** The context of the call in progress, for side outputs from deep inside an evaluation. */
    private transient ReadOnlyContext current;

    public ReconcileFunction(ReconSettings settings) {
        this.settings = settings;
    }

    /**
     * Records the emission latency of tick-driven revisions in the accumulator {@link
     * #EMISSION_LATENCY_ACCUMULATOR}. Timers fire synchronously inside the watermark's processing, so
     * the first timer call that sees a new watermark marks its arrival; a revision emitted in a later
     * timer call of the same watermark waited for every key fired before it. The jump of a bounded
     * input's watermark to the end of time is not a real-time emission and is left out.
     */
    public ReconcileFunction measuringEmissionLatency() {
        this.measureEmissionLatency = true;
        return this;
    }

    @Override
    public void open(OpenContext openContext) {
        hours = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("hours", Types.LONG, TypeInformation.of(HourBucket.class)));
        periods = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("periods", Types.LONG, TypeInformation.of(PeriodState.class)));
        anomalies = getRuntimeContext()
                .getMapState(
                        new MapStateDescriptor<>("anomalies", Types.STRING, TypeInformation.of(AnomalyState.class)));
        usageIds = getRuntimeContext().getMapState(new MapStateDescriptor<>("usage-ids", Types.STRING, Types.LONG));
        reportIds = getRuntimeContext().getMapState(new MapStateDescriptor<>("report-ids", Types.STRING, Types.LONG));
        lines = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>(
                        "invoice-lines", Types.STRING, TypeInformation.of(InvoiceLineState.class)));
        periodStarts = getRuntimeContext()
                .getState(new ValueStateDescriptor<>(
                        "period-starts", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        anchor = getRuntimeContext().getState(new ValueStateDescriptor<>("anchor-day", Types.INT));
        openGap = getRuntimeContext().getState(new ValueStateDescriptor<>("open-reporting-gap", Types.LONG));
        firstSeen = getRuntimeContext().getState(new ValueStateDescriptor<>("first-seen", Types.LONG));
        episode = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("signal-episode", TypeInformation.of(SignalEpisode.class)));

        combined = combine ? new LinkedHashMap<>() : null;
        combinedHours = 0;
        pendingTickKeys = new HashSet<>();
        pendingTick = Long.MIN_VALUE;

        JobCounters counters = new JobCounters(getRuntimeContext());
        duplicates = perKind(counters, "duplicates");
        late = perKind(counters, "late");
        unmapped = perKind(counters, "unmapped");
        rejected = perKind(counters, "rejected");
        pricingFailures = counters.counter("reconcile.pricing_failures");
        emitted = new EnumMap<>(AnomalyType.class);
        for (AnomalyType t : AnomalyType.values()) {
            emitted.put(t, counters.counter("anomalies." + t.name()));
        }
        if (measureEmissionLatency) {
            emissionLatency = new LatencyHistogram();
            getRuntimeContext().addAccumulator(EMISSION_LATENCY_ACCUMULATOR, emissionLatency);
            watermarkSeen = Long.MIN_VALUE;
        }
    }

    private static Map<MeterEvent.Kind, JobCounters.Counter> perKind(JobCounters counters, String what) {
        Map<MeterEvent.Kind, JobCounters.Counter> m = new EnumMap<>(MeterEvent.Kind.class);
        m.put(MeterEvent.Kind.USAGE, counters.counter("usage." + what));
        m.put(MeterEvent.Kind.REPORTED, counters.counter("reported." + what));
        m.put(MeterEvent.Kind.INVOICE_LINE, counters.counter("invoices." + what));
        return m;
    }

    // ---------------------------------------------------------------------------------------------
    // Contracts

    @Override
    public void processBroadcastElement(ContractEvent c, Context ctx, Collector<AnomalyRecord> out) throws Exception {
        if (combined != null && !combined.isEmpty()) {
            // Combined records were admitted under the anchor days of the contracts known then.
            throw new IllegalStateException("combined records must be written before a contract arrives");
        }
        loadContracts(ctx.getBroadcastState(CONTRACTS));
        ctx.getBroadcastState(CONTRACTS).put(c.accountId + '\u001f' + c.version, c.json);
        cache(c.json);
        // Open periods are re-priced with the new version at their next hourly tick; final periods
        // keep the figures they were settled with.
    }

    private void loadContracts(ReadOnlyBroadcastState<String, String> state) throws Exception {
        if (contracts != null) {
            return;
        }
        contracts = new HashMap<>();
        anchorDays = new HashMap<>();
        for (Map.Entry<String, String> e : state.immutableEntries()) {
            cache(e.getValue());
        }
    }

    private void cache(String json) {
        anchorDays.clear();
        try {
            ContractVersion v = ContractJson.parse(json);
            contracts.computeIfAbsent(v.accountId(), a -> new ContractHistory()).put(v);
        } catch (InvalidRecordException e) {
            // Contracts are validated at ingest, and state only holds what this code wrote.
            throw new IllegalStateException("contract in broadcast state cannot be read: " + e.getMessage(), e);
        }
    }

    private Optional<ContractHistory> history(String accountId) {
        return Optional.ofNullable(contracts.get(accountId));
    }

    /** Anchor day of the account's latest contract version, 1 without a contract. */
    private int anchorDayOf(String accountId) {
        Integer cached = anchorDays.get(accountId);
        if (cached != null) {
            return cached;
        }
        int day = latestAnchorDay(accountId);
        anchorDays.put(accountId, day);
        return day;
    }

    private int latestAnchorDay(String accountId) {
        return history(accountId)
                .flatMap(h -> h.versions().stream().reduce((a, b) -> a.version() >= b.version() ? a : b))
                .map(ContractVersion::billingAnchorDay)
                .orElse(ContractVersion.DEFAULT_BILLING_ANCHOR_DAY);
    }

    // ---------------------------------------------------------------------------------------------
    // Records

    @Override
    public void processElement(MeterEvent e, ReadOnlyContext ctx, Collector<AnomalyRecord> out) throws Exception {
        current = ctx;
        inTimer = false;
        if (contracts == null) {
            loadContracts(ctx.getBroadcastState(CONTRACTS));
        }
        TimerService timers = ctx.timerService();
        long watermark = timers.currentWatermark();
        String currentKey = ctx.getCurrentKey();
        long hour = floorHour(e.eventTime);
        // Usage and reports of an hour the watermark has not closed change nothing but state until the
        // hour's tick: they can be combined. Anything else first sees the key's state complete.
        boolean combinable = combined != null && e.kind != MeterEvent.Kind.INVOICE_LINE && hour + HOUR_MS > watermark;
        CombinedRecords pending = combined == null ? null : combined.get(currentKey);
        if (pending != null && !combinable) {
            flushCombined(currentKey);
            pending = null;
        }
        String[] key = pending != null ? pending.key : splitKey(currentKey);
        // Combined records of the key were admitted under the anchor day that still holds: a contract
        // change writes them out first (ReconcileOperator).
        int anchorDay = pending != null ? pending.anchorDay : ensureAnchor(key[0], watermark, timers, out);
        if (e.kind == MeterEvent.Kind.INVOICE_LINE) {
            processInvoiceLine(e, key, anchorDay, watermark, ctx, out);
            return;
        }

        if (isDuplicate(e, watermark)) {
            duplicates.get(e.kind).inc();
            return;
        }
        if (combinable) {
            CombinedRecords.Hour h = pending == null ? null : pending.hour(hour);
            if (h == null) {
                long start = periodStart(e.eventTime, anchorDay);
                CombinedRecords.Period period = pending == null ? null : pending.period(start);
                if (period == null) {
                    PeriodState p = periodFor(e, e.eventTime, anchorDay, watermark, ctx);
                    if (p == null) {
                        (e.kind == MeterEvent.Kind.USAGE ? usageIds : reportIds).remove(e.id);
                        return;
                    }
                    if (p.finalized) {
                        // Not reached while allowed lateness is not negative: an open hour's period
                        // cannot be final. Kept exact all the same.
                        applyRecord(e, p, key, hour, watermark, ctx, out);
                        return;
                    }
                    if (pending == null) {
                        pending = new CombinedRecords(key, anchorDay);
                        combined.put(currentKey, pending);
                    }
                    period = pending.addPeriod(p);
                }
                h = pending.addHour(hour, period);
                combinedHours++;
                // The same tick for every record of the hour: the watermark does not move in between.
                registerTick(timers, currentKey, nextTick(watermark, e.eventTime));
            }
            h.add(e);
            return;
        }
        PeriodState p = periodFor(e, e.eventTime, anchorDay, watermark, ctx);
        if (p == null) {
            (e.kind == MeterEvent.Kind.USAGE ? usageIds : reportIds).remove(e.id);
            return;
        }
        applyRecord(e, p, key, hour, watermark, ctx, out);
    }

    /** Adds a usage or report record to its hour and period in state, and reacts to it at once. */
    private void applyRecord(
            MeterEvent e,
            PeriodState p,
            String[] key,
            long hour,
            long watermark,
            ReadOnlyContext ctx,
            Collector<AnomalyRecord> out)
            throws Exception {
        HourBucket bucket = hours.get(hour);
        if (bucket == null) {
            bucket = new HourBucket();
        }
        if (e.kind == MeterEvent.Kind.USAGE) {
            if (bucket.usage.count == 0) {
                // Only the hour of the first usage is used (see judge). When this hour already holds
                // usage, the first-seen hour is at or before it and cannot change: no read needed.
                Long seen = firstSeen.value();
                if (seen == null || e.eventTime < seen) {
                    firstSeen.update(e.eventTime);
                }
                p.markHour(hour, true);
            }
            bucket.usage.add(e.quantity);
            p.usage.add(e.quantity);
            if (hour < p.maturedBefore) {
                p.maturedUsage.add(e.quantity);
            }
        } else {
            if (bucket.reported.count == 0) {
                p.markHour(hour, false);
            }
            bucket.reported.add(e.quantity);
            p.reported.add(e.quantity);
            if (hour < p.reportedBefore) {
                p.reportedSoFar.add(e.quantity);
            }
        }
        hours.put(hour, bucket);

        if (p.finalized) {
            p.lateRecords++;
            late.get(e.kind).inc();
            evaluateMetering(key, p, true, watermark, ctx, out);
            evaluateBilling(key, p, p.billingFinal, watermark, out);
        } else {
            registerTick(ctx.timerService(), ctx.getCurrentKey(), nextTick(watermark, e.eventTime));
        }
        periods.put(p.start, p);
        if (hour + HOUR_MS <= watermark) {
            // Its hour already closed: the rollup row is rewritten with the new totals now.
            ctx.output(ROLLUPS, rollup(key, hour, bucket));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Records combined per hour (only under ReconcileOperator)

    /**
     * Combines usage and reports of hours the watermark has not closed, per key and hour, in memory,
     * until {@link ReconcileOperator} writes them out: before the watermark advances, before a contract
     * changes, before a checkpoint and past {@link #MAX_COMBINED_HOURS}. A record then costs a dedup
     * lookup and an addition, and the hour's bucket and period are read and written once per hour and
     * flush instead of once per record. Records of closed hours, invoice lines and timers first write
     * the key's combined records, so every evaluation reads complete state and the outputs, their
     * order and the state are what the per-record path gives (ReconcileOperatorTest compares them).
     */
    void combineRecords() {
        this.combine = true;
    }

    /** Whether enough hours are combined that they should be written out now. */
    boolean combinedFull() {
        return combinedHours >= MAX_COMBINED_HOURS;
    }

    /**
     * Writes every key's combined records into state. {@code selectKey} makes the given key current
     * (the operator's keyed context), since state is read and written for the current key only.
     */
    void flushAllCombined(Consumer<String> selectKey) throws Exception {
        if (combined == null || combined.isEmpty()) {
            return;
        }
        for (Map.Entry<String, CombinedRecords> entry : combined.entrySet()) {
            selectKey.accept(entry.getKey());
            write(entry.getValue());
        }
        combined.clear();
        combinedHours = 0;
    }

    /** Writes the combined records of {@code key}, the current key, if it has any. */
    private void flushCombined(String key) throws Exception {
        CombinedRecords pending = combined == null ? null : combined.remove(key);
        if (pending != null) {
            combinedHours -= pending.hours.size();
            write(pending);
        }
    }

    private void write(CombinedRecords pending) throws Exception {
        for (CombinedRecords.Hour h : pending.hours) {
            HourBucket bucket = hours.get(h.hour);
            if (bucket == null) {
                bucket = new HourBucket();
            }
            PeriodState p = h.period.state;
            if (h.usage.count > 0 && bucket.usage.count == 0) {
                Long seen = firstSeen.value();
                if (seen == null || h.firstUsageTime < seen) {
                    firstSeen.update(h.firstUsageTime);
                }
                p.markHour(h.hour, true);
            }
            if (h.reported.count > 0 && bucket.reported.count == 0) {
                p.markHour(h.hour, false);
            }
            h.applyTo(bucket);
            hours.put(h.hour, bucket);
        }
        for (CombinedRecords.Period period : pending.periods()) {
            period.applyTo(period.state);
            periods.put(period.state.start, period.state);
        }
    }

    /**
     * An invoice line replaces the earlier record of the same line_id. A line in another currency than
     * its contract is rejected: amounts of different currencies are never added together.
     */
    private void processInvoiceLine(
            MeterEvent e,
            String[] key,
            int anchorDay,
            long watermark,
            ReadOnlyContext ctx,
            Collector<AnomalyRecord> out)
            throws Exception {
        Optional<ContractVersion> contract = contractFor(key[0], e.periodStart);
        if (contract.isPresent() && !contract.get().currency().equals(e.currency)) {
            reject(
                    e,
                    "invoice line " + e.id + " is in " + e.currency + " but the contract of " + key[0] + " is in "
                            + contract.get().currency(),
                    ctx);
            return;
        }
        PeriodState p = periodFor(e, e.periodStart, anchorDay, watermark, ctx);
        if (p == null) {
            return;
        }
        InvoiceLineState line = new InvoiceLineState();
        line.invoiceId = e.invoiceId;
        line.periodStart = e.periodStart;
        line.periodEnd = e.periodEnd;
        line.amountMinor = e.amountMinor;
        line.currency = e.currency;
        line.status = e.status;
        lines.put(e.id, line);
        if (p.billingFinal) {
            p.lateRecords++;
            late.get(e.kind).inc();
        }
        if (p.finalized) {
            evaluateBilling(key, p, p.billingFinal, watermark, out);
        } else {
            registerTick(ctx.timerService(), ctx.getCurrentKey(), nextTick(watermark, e.eventTime));
        }
        periods.put(p.start, p);
    }

    /**
     * The state of the period holding {@code time}, created if needed; null (and the record rejected)
     * when that period's state was already released after its retention.
     */
    private PeriodState periodFor(MeterEvent e, long time, int anchorDay, long watermark, ReadOnlyContext ctx)
            throws Exception {
        long start = periodStart(time, anchorDay);
        PeriodState p = periods.get(start);
        if (p != null) {
            return p;
        }
        p = PeriodState.of(start, cachedPeriodEnd, anchorDay);
        if (releaseAt(p) <= watermark) {
            reject(
                    e,
                    e.kind.name().toLowerCase() + " record " + e.id + " at " + Instant.ofEpochMilli(time)
                            + " arrived after its period's state was released (watermark "
                            + Instant.ofEpochMilli(watermark)
                            + ", retention " + Duration.ofMillis(settings.stateRetentionMs())
                            + " after the period was final)",
                    ctx);
            if (periodStarts().length == 0) {
                anchor.clear();
            }
            return null;
        }
        indexPeriod(start);
        TimerService timers = ctx.timerService();
        if (meteringFinalAt(p) <= watermark) {
            p.finalized = true;
        } else {
            timers.registerEventTimeTimer(meteringFinalAt(p));
        }
        if (billingFinalAt(p) <= watermark) {
            p.billingFinal = true;
            timers.registerEventTimeTimer(releaseAt(p));
        } else {
            timers.registerEventTimeTimer(billingFinalAt(p));
        }
        return p;
    }

    /**
     * Registers this key's event-time timer at {@code tick}, unless it is known to be registered and
     * still pending; see {@link #pendingTickKeys}. Only the tick right after the watermark is tracked.
     */
    private void registerTick(TimerService timers, String key, long tick) {
        long watermark = timers.currentWatermark();
        if (watermark < 0 || tick != floorHour(watermark) + HOUR_MS) {
            timers.registerEventTimeTimer(tick);
            return;
        }
        if (tick != pendingTick || pendingTickKeys.size() >= MAX_PENDING_TICK_KEYS) {
            pendingTickKeys.clear();
            pendingTick = tick;
        }
        if (pendingTickKeys.add(key)) {
            timers.registerEventTimeTimer(tick);
        }
    }

    /** Start of the billing period holding {@code time}; the end is then in {@link #cachedPeriodEnd}. */
    private long periodStart(long time, int anchorDay) {
        if (cachedPeriodAnchor != anchorDay || time < cachedPeriodStart || time >= cachedPeriodEnd) {
            BillingPeriod bp = BillingPeriod.containing(Instant.ofEpochMilli(time), anchorDay);
            cachedPeriodAnchor = anchorDay;
            cachedPeriodStart = bp.start().toEpochMilli();
            cachedPeriodEnd = bp.end().toEpochMilli();
        }
        return cachedPeriodStart;
    }

    private long meteringFinalAt(PeriodState p) {
        return p.end + settings.allowedLatenessMs();
    }

    private long billingFinalAt(PeriodState p) {
        return p.end + settings.invoiceGraceMs();
    }

    /** When a period's state is released: the retention after both sides are final. */
    private long releaseAt(PeriodState p) {
        return Math.max(meteringFinalAt(p), billingFinalAt(p)) + settings.stateRetentionMs();
    }

    private void reject(MeterEvent e, String reason, ReadOnlyContext ctx) {
        rejected.get(e.kind).inc();
        ctx.output(
                REJECTED,
                DeadLetterRecord.of(
                        e.kind.name().toLowerCase(),
                        null,
                        null,
                        e.toString().getBytes(StandardCharsets.UTF_8),
                        reason,
                        System.currentTimeMillis()));
    }

    /**
     * Counts an id once within the dedup horizon (event time). Ids count until the watermark passes
     * event time + horizon + allowed lateness ({@link #idExpired}); {@link #sweepIds} removes them later.
     */
    private boolean isDuplicate(MeterEvent e, long watermark) throws Exception {
        MapState<String, Long> ids = e.kind == MeterEvent.Kind.USAGE ? usageIds : reportIds;
        Long seen = ids.get(e.id);
        if (seen != null && !idExpired(seen, watermark) && Math.abs(seen - e.eventTime) <= settings.dedupHorizonMs()) {
            return true;
        }
        ids.put(e.id, e.eventTime);
        return false;
    }

    // ---------------------------------------------------------------------------------------------
    // Timers

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AnomalyRecord> out) throws Exception {
        current = ctx;
        if (measureEmissionLatency) {
            inTimer = true;
            long wm = ctx.timerService().currentWatermark();
            if (wm != watermarkSeen) {
                watermarkSeen = wm;
                watermarkSeenAt = System.nanoTime();
            }
        }
        if (contracts == null) {
            loadContracts(ctx.getBroadcastState(CONTRACTS));
        }
        // Written out before the watermark moved (ReconcileOperator); this covers a timer that fires
        // between records, as interruptible timers do.
        flushCombined(ctx.getCurrentKey());
        String[] key = splitKey(ctx.getCurrentKey());
        TimerService timers = ctx.timerService();
        // The periods are read once per tick and handed to everything below (on RocksDB each lookup is
        // a seek): the evaluation, the spike judgement and the gap check.
        List<PeriodState> all = periodList();
        if (all.isEmpty()) {
            // A timer of a key whose state is already released; nothing to do, and nothing to create.
            return;
        }
        rebucketed = false;
        ensureAnchor(key[0], timestamp, timers, out);
        if (rebucketed) {
            all = periodList();
        }
        boolean hourly = timestamp % HOUR_MS == 0;
        // The hour that just closed: its reports mature, it is judged and rolled up. Read once.
        long closedHour = timestamp - HOUR_MS;
        HourBucket closed = hourly ? hours.get(closedHour) : null;
        long knownHour = hourly ? closedHour : Long.MIN_VALUE;

        boolean anyOpen = false;
        List<PeriodState> live = new ArrayList<>(all.size());
        for (PeriodState p : all) {
            live.add(p);
            if (!p.finalized) {
                mature(
                        p,
                        Math.min(timestamp - settings.reportingDelayMs(), p.end),
                        Math.min(timestamp, p.end),
                        knownHour,
                        closed);
                boolean finalNow = timestamp >= meteringFinalAt(p);
                if (finalNow) {
                    p.finalized = true;
                } else {
                    anyOpen = true;
                }
                evaluateMetering(key, p, finalNow, timestamp, ctx, out);
                if (finalNow) {
                    settleSignals(key, p, timestamp, out);
                    // The reported quantity is settled: the billing side can be compared now.
                    settleBilling(key, p, timestamp, ctx, out);
                }
                periods.put(p.start, p);
            } else if (!p.billingFinal && timestamp >= billingFinalAt(p)) {
                settleBilling(key, p, timestamp, ctx, out);
                periods.put(p.start, p);
            } else if (p.billingFinal && timestamp >= releaseAt(p)) {
                cleanUp(p);
                live.remove(live.size() - 1);
            }
        }

        if (hourly && anyOpen) {
            judgeHour(key, closedHour, closed, live, timestamp, out);
            evaluateGap(key, timestamp, live, out);
        }
        if (closed != null && containing(live, closedHour) != null) {
            // Unless its period was released just now, with its hours.
            ctx.output(ROLLUPS, rollup(key, closedHour, closed));
        }
        if (anyOpen) {
            registerTick(timers, ctx.getCurrentKey(), floorHour(timestamp) + HOUR_MS);
        }
        if (timestamp % DEDUP_SWEEP_EVERY_MS == 0 || live.isEmpty()) {
            sweepIds(timestamp, live.isEmpty());
        }
    }

    private List<PeriodState> periodList() throws Exception {
        long[] starts = periodStarts();
        List<PeriodState> all = new ArrayList<>(starts.length);
        for (long start : starts) {
            PeriodState p = periods.get(start);
            if (p == null) {
                // The index and the map are written together, so this is not expected; if it happens,
                // the map is the truth and the index is rebuilt from it.
                periodStarts.clear();
                return periodList();
            }
            all.add(p);
        }
        return all;
    }

    /** The keys of {@link #periods}, ascending; built from the map when the index is absent. */
    private long[] periodStarts() throws Exception {
        long[] starts = periodStarts.value();
        if (starts != null) {
            return starts;
        }
        List<Long> keys = new ArrayList<>();
        for (Long k : periods.keys()) {
            keys.add(k);
        }
        starts = keys.stream().mapToLong(Long::longValue).sorted().toArray();
        if (starts.length > 0) {
            periodStarts.update(starts);
        }
        return starts;
    }

    private void indexPeriod(long start) throws Exception {
        long[] starts = periodStarts();
        int at = java.util.Arrays.binarySearch(starts, start);
        if (at >= 0) {
            return;
        }
        int insert = -at - 1;
        long[] next = new long[starts.length + 1];
        System.arraycopy(starts, 0, next, 0, insert);
        next[insert] = start;
        System.arraycopy(starts, insert, next, insert + 1, starts.length - insert);
        periodStarts.update(next);
    }

    private void unindexPeriod(long start) throws Exception {
        long[] starts = periodStarts();
        int at = java.util.Arrays.binarySearch(starts, start);
        if (at < 0) {
            return;
        }
        if (starts.length == 1) {
            periodStarts.clear();
            return;
        }
        long[] next = new long[starts.length - 1];
        System.arraycopy(starts, 0, next, 0, at);
        System.arraycopy(starts, at + 1, next, at, starts.length - at - 1);
        periodStarts.update(next);
    }

    /** Evaluates the billing side; at the end of the invoice grace it becomes final. */
    private void settleBilling(
            String[] key, PeriodState p, long timestamp, ReadOnlyContext ctx, Collector<AnomalyRecord> out)
            throws Exception {
        boolean graceOver = timestamp >= billingFinalAt(p);
        if (graceOver && !p.billingFinal) {
            p.billingFinal = true;
            ctx.timerService().registerEventTimeTimer(releaseAt(p));
        }
        evaluateBilling(key, p, p.billingFinal, timestamp, out);
    }

    /**
     * Folds the usage of the hours before {@code usageBefore} into the matured usage, and the reports
     * of the hours before {@code reportsBefore} into the reports so far.
     */
    private void mature(PeriodState p, long usageBefore, long reportsBefore, long knownHour, HourBucket known)
            throws Exception {
        for (long h = p.maturedBefore; h < usageBefore; h += HOUR_MS) {
            HourBucket b = h == knownHour ? known : hours.get(h);
            if (b != null) {
                p.maturedUsage.merge(b.usage);
            }
        }
        p.maturedBefore = Math.max(p.maturedBefore, usageBefore);
        for (long h = p.reportedBefore; h < reportsBefore; h += HOUR_MS) {
            HourBucket b = h == knownHour ? known : hours.get(h);
            if (b != null) {
                p.reportedSoFar.merge(b.reported);
            }
        }
        p.reportedBefore = Math.max(p.reportedBefore, reportsBefore);
    }

    private void cleanUp(PeriodState p) throws Exception {
        for (long h = p.start; h < p.end; h += HOUR_MS) {
            hours.remove(h);
        }
        List<String> settled = new ArrayList<>();
        for (String k : anomalies.keys()) {
            long start = Long.parseLong(k.substring(k.indexOf('|') + 1));
            if (start >= p.start && start < p.end) {
                settled.add(k);
            }
        }
        for (String k : settled) {
            anomalies.remove(k);
        }
        Long gap = openGap.value();
        if (gap != null && gap >= p.start && gap < p.end) {
            openGap.clear();
        }
        List<String> settledLines = new ArrayList<>();
        for (Map.Entry<String, InvoiceLineState> l : lines.entries()) {
            if (inPeriod(l.getValue(), p)) {
                settledLines.add(l.getKey());
            }
        }
        for (String id : settledLines) {
            lines.remove(id);
        }
        periods.remove(p.start);
        unindexPeriod(p.start);
        if (periodStarts().length == 0) {
            anchor.clear();
            openGap.clear();
            firstSeen.clear();
            episode.clear();
        }
    }

    private static boolean inPeriod(InvoiceLineState line, PeriodState p) {
        return BillingPeriod.containing(Instant.ofEpochMilli(line.periodStart), p.anchorDay)
                        .start()
                        .toEpochMilli()
                == p.start;
    }

    /**
     * Removes dedup ids whose copies can no longer be inside the horizon of a record that is not yet
     * late. Iterating the ids every few hours is O(ids of about a day) per key.
     */
    private void sweepIds(long watermark, boolean released) throws Exception {
        for (MapState<String, Long> ids : List.of(usageIds, reportIds)) {
            if (released) {
                ids.clear();
                continue;
            }
            // One pass, removing through the iterator: no second lookup per expired id.
            for (java.util.Iterator<Map.Entry<String, Long>> it = ids.iterator(); it.hasNext(); ) {
                if (idExpired(it.next().getValue(), watermark)) {
                    it.remove();
                }
            }
        }
    }

    /**
     * An id seen at {@code eventTime} is kept until the watermark passes event time + dedup horizon +
     * allowed lateness; from then on a copy counts again, whether or not a sweep removed the id yet.
     */
    private boolean idExpired(long eventTime, long watermark) {
        return eventTime + settings.dedupHorizonMs() + settings.allowedLatenessMs() <= watermark;
    }

    // ---------------------------------------------------------------------------------------------
    // Evaluation

    private void evaluateMetering(
            String[] key,
            PeriodState p,
            boolean finalEvaluation,
            long watermark,
            ReadOnlyContext ctx,
            Collector<AnomalyRecord> out)
            throws Exception {
        String accountId = key[0];
        String meter = key[1];
        Optional<ContractVersion> contract = contractFor(accountId, p);
        Optional<MeterTerms> terms = contract.flatMap(c -> c.meter(meter));
        if (terms.isEmpty()) {
            if (finalEvaluation) {
                reportUnmapped(accountId, meter, p, contract.isEmpty() ? "no_contract" : "meter_not_in_contract", ctx);
            }
            return;
        }
        List<Finding> findings;
        try {
            findings = MeteringChecks.evaluate(p, contract.get(), terms.get(), finalEvaluation);
        } catch (ArithmeticException e) {
            pricingFailed(key, p, e);
            return;
        }
        emit(key, p, findings, finalEvaluation, watermark, out);
    }

    private void evaluateBilling(
            String[] key, PeriodState p, boolean finalEvaluation, long watermark, Collector<AnomalyRecord> out)
            throws Exception {
        Optional<ContractVersion> contract = contractFor(key[0], p);
        Optional<MeterTerms> terms = contract.flatMap(c -> c.meter(key[1]));
        if (terms.isEmpty()) {
            return; // unmapped: reported by the metering side
        }
        boolean anyLine = false;
        long billed = 0;
        List<String> foreign = new ArrayList<>();
        for (Map.Entry<String, InvoiceLineState> entry : lines.entries()) {
            InvoiceLineState l = entry.getValue();
            if (!inPeriod(l, p)) {
                continue;
            }
            if (!l.currency.equals(contract.get().currency())) {
                // A line that arrived before its contract could not be checked then.
                foreign.add(entry.getKey());
            } else if (!l.isVoid()) {
                anyLine = true;
                billed = Math.addExact(billed, l.amountMinor);
            }
        }
        for (String lineId : foreign) {
            InvoiceLineState l = lines.get(lineId);
            lines.remove(lineId);
            rejected.get(MeterEvent.Kind.INVOICE_LINE).inc();
            String reason = "invoice line " + lineId + " is in " + l.currency + " but the contract of " + key[0]
                    + " is in " + contract.get().currency();
            String raw = "invoice line " + lineId + " of invoice " + l.invoiceId + ": " + l.amountMinor + " "
                    + l.currency + " (" + l.status + ")";
            current.output(
                    REJECTED,
                    DeadLetterRecord.of(
                            "invoice_line",
                            null,
                            null,
                            raw.getBytes(StandardCharsets.UTF_8),
                            reason,
                            System.currentTimeMillis()));
        }
        List<Finding> findings;
        try {
            findings = BillingChecks.evaluate(
                    p, contract.get(), terms.get(), new BillingChecks.Billed(anyLine, billed), finalEvaluation);
        } catch (ArithmeticException e) {
            pricingFailed(key, p, e);
            return;
        }
        emit(key, p, findings, finalEvaluation, watermark, out);
    }

    /**
     * A period whose amounts do not fit the representable range (a long of minor units) cannot be
     * priced. Its evaluation is skipped and the fact goes once to the dead letters with the figures, so
     * the key keeps running and a person can look.
     */
    private void pricingFailed(String[] key, PeriodState p, ArithmeticException e) {
        if (p.pricingFailed) {
            return;
        }
        p.pricingFailed = true;
        pricingFailures.inc();
        String reason = "cannot price " + key[1] + " of " + key[0] + " for the period from "
                + Instant.ofEpochMilli(p.start) + ": " + e.getMessage() + " (usage " + p.usage.sum.toPlainString()
                + ", reported " + p.reported.sum.toPlainString() + ")";
        current.output(
                REJECTED,
                DeadLetterRecord.of(
                        "reconcile",
                        null,
                        null,
                        reason.getBytes(StandardCharsets.UTF_8),
                        reason,
                        System.currentTimeMillis()));
    }

    private Optional<ContractVersion> contractFor(String accountId, PeriodState p) {
        return contractFor(accountId, p.start);
    }

    /** The account's contract version for the period starting at {@code periodStart}, if any. */
    private Optional<ContractVersion> contractFor(String accountId, long periodStart) {
        ContractHistory h = contracts.get(accountId);
        return h == null ? Optional.empty() : h.applicableTo(periodStart);
    }

    private void emit(
            String[] key,
            PeriodState p,
            List<Finding> findings,
            boolean finalEvaluation,
            long watermark,
            Collector<AnomalyRecord> out)
            throws Exception {
        for (Finding f : findings) {
            emit(key, p.start, p.end, p, f, finalEvaluation, watermark, out);
        }
    }

    /**
     * Emits the next revision of the anomaly (type, start), if the lifecycle says one is due. Period
     * anomalies span their billing period; signals span their own hours (an episode, a gap).
     */
    private void emit(
            String[] key,
            long start,
            long end,
            PeriodState p,
            Finding f,
            boolean finalEvaluation,
            long watermark,
            Collector<AnomalyRecord> out)
            throws Exception {
        boolean periodType = isPeriodAnomaly(f.type(), start, p);
        if (periodType && !f.holds() && !p.mayHaveAnomaly(f.type())) {
            // Nothing to resolve: no anomaly of this type was ever opened for the period.
            return;
        }
        String k = anomalyKey(f.type(), start);
        AnomalyState previous = anomalies.get(k);
        Optional<String> status = AnomalyLifecycle.nextStatus(previous, f, finalEvaluation);
        if (status.isEmpty()) {
            return;
        }
        AnomalyState next = AnomalyLifecycle.advance(previous, f, status.get(), finalEvaluation);
        next.signalEnd = end;
        anomalies.put(k, next);
        if (periodType) {
            p.markAnomaly(f.type());
        }
        out.collect(record(key[0], key[1], start, end, p, f, next, watermark));
        emitted.get(f.type()).inc();
        if (measureEmissionLatency && inTimer && watermarkSeen != Long.MAX_VALUE) {
            emissionLatency.add((System.nanoTime() - watermarkSeenAt) / 1_000);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Signals: usage spikes and drops, reporting gaps

    private static final long WEEK_MS = 7 * 24 * HOUR_MS;

    /**
     * USAGE_SPIKE / USAGE_DROP of the hour that just closed (see {@link SeasonalBaseline}). Consecutive
     * hours with the same verdict extend one episode: its figures (usage, reports and baseline summed
     * over the run) grow, and a new revision says so.
     */
    private void judgeHour(
            String[] key,
            long hour,
            HourBucket bucket,
            List<PeriodState> live,
            long watermark,
            Collector<AnomalyRecord> out)
            throws Exception {
        Optional<Judged> judged = judge(key, hour, bucket, live);
        Optional<SeasonalBaseline.Verdict> verdict = judged.flatMap(Judged::verdict);
        SignalEpisode ep = episode.value();
        if (verdict.isEmpty()) {
            if (ep != null) {
                episode.clear();
            }
            return;
        }
        Judged j = judged.get();
        SeasonalBaseline.Verdict v = verdict.get();
        if (ep == null || !ep.type.equals(v.type().name()) || ep.end != hour) {
            ep = new SignalEpisode();
            ep.type = v.type().name();
            ep.start = hour;
        }
        ep.end = hour + HOUR_MS;
        ep.actual = ep.actual.add(j.quantity());
        ep.reported = ep.reported.add(j.reported());
        ep.baseline = ep.baseline.add(v.baseline());
        episode.update(ep);
        Finding f = new Finding(v.type(), true, j.currency(), ep.actual, ep.reported, 0, 0, null, 0, ep.baseline);
        emit(key, ep.start, ep.end, j.period(), f, false, watermark, out);
    }

    /** Settles the signals of a period that became final: each is judged again with the final figures. */
    private void settleSignals(String[] key, PeriodState p, long watermark, Collector<AnomalyRecord> out)
            throws Exception {
        List<String> keys = new ArrayList<>();
        for (String k : anomalies.keys()) {
            keys.add(k);
        }
        for (String k : keys) {
            AnomalyType type = AnomalyType.valueOf(k.substring(0, k.indexOf('|')));
            long start = Long.parseLong(k.substring(k.indexOf('|') + 1));
            if (start < p.start || start >= p.end) {
                continue;
            }
            if (type == AnomalyType.USAGE_SPIKE || type == AnomalyType.USAGE_DROP) {
                // A signal is settled with the figures it was raised with: its hours are closed.
                AnomalyState a = anomalies.get(k);
                SignalEpisode ep = episode.value();
                if (ep != null && ep.start == start) {
                    episode.clear();
                }
                Finding f = new Finding(
                        type, a.isOpen(), a.currency, a.actualQuantity, a.reportedQuantity, 0, 0, null, 0, a.baseline);
                emit(key, start, a.signalEnd, p, f, true, watermark, out);
            } else if (type == AnomalyType.REPORTING_GAP) {
                Long open = openGap.value();
                boolean stillOpen = open != null && open == start;
                AnomalyState a = anomalies.get(k);
                if (!stillOpen && a.finalRevision) {
                    continue; // closed when reporting resumed: already settled
                }
                // A gap still open is measured up to now; a closed one keeps the span it closed with.
                long end = stillOpen ? Math.min(p.end, watermark - settings.reportingDelayMs()) : a.signalEnd;
                gapFinding(key, start, end, stillOpen).ifPresent(g -> {
                    try {
                        emit(key, start, g.end(), p, g.finding(), true, watermark, out);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                if (stillOpen) {
                    openGap.clear();
                }
            }
        }
    }

    /** An hour judged against its seasonal baseline; empty when it cannot be judged (no contract, no history). */
    private record Judged(
            PeriodState period,
            String currency,
            BigDecimal quantity,
            BigDecimal reported,
            BigDecimal median,
            Optional<SeasonalBaseline.Verdict> verdict) {}

    private Optional<Judged> judge(String[] key, long hour, HourBucket b, List<PeriodState> live) throws Exception {
        PeriodState p = containing(live, hour);
        if (p == null) {
            return Optional.empty();
        }
        Optional<ContractVersion> contract = contractFor(key[0], p);
        Optional<MeterTerms> terms = contract.flatMap(c -> c.meter(key[1]));
        Long seen = firstSeen.value();
        if (terms.isEmpty() || seen == null) {
            return Optional.empty();
        }
        BigDecimal q = b == null ? BigDecimal.ZERO : b.usage.value(terms.get().aggregation());
        BigDecimal reported =
                b == null ? BigDecimal.ZERO : b.reported.value(terms.get().aggregation());
        if (hour - SeasonalBaseline.WEEKS * WEEK_MS < floorHour(seen)) {
            // Unknown history (before the key's first usage): decided before reading any bucket.
            return Optional.empty();
        }
        List<BigDecimal> samples = new ArrayList<>();
        for (int w = 1; w <= SeasonalBaseline.WEEKS; w++) {
            long h = hour - w * WEEK_MS;
            HourBucket s = hours.get(h);
            if (s == null || s.usage.count < settings.spikeMinRecords()) {
                // Too few records in that hour of that week to be a stable baseline.
                return Optional.empty();
            }
            samples.add(s.usage.value(terms.get().aggregation()));
        }
        return Optional.of(new Judged(
                p,
                contract.get().currency(),
                q,
                reported,
                SeasonalBaseline.median(samples),
                SeasonalBaseline.judge(q, samples, settings.spikeDeviations(), settings.spikeRatio())));
    }

    /** The period of {@code live} holding {@code time}, or null. */
    private static PeriodState containing(List<PeriodState> live, long time) {
        for (PeriodState p : live) {
            if (p.start <= time && time < p.end) {
                return p;
            }
        }
        return null;
    }

    private PeriodState periodOf(long time) throws Exception {
        Integer anchorDay = anchor.value();
        if (anchorDay == null) {
            return null;
        }
        return periods.get(periodStart(time, anchorDay));
    }

    /**
     * REPORTING_GAP, evaluated at every tick: with cutoff = tick - reporting delay, the key had usage
     * in [cutoff - window, cutoff) but no report in [cutoff - window, tick), while it had reports in
     * the window before. The gap starts at the hour after the last report and stays open, growing,
     * until a report arrives in it or after it (then a final revision) or its period becomes final.
     */
    private void evaluateGap(String[] key, long tick, List<PeriodState> live, Collector<AnomalyRecord> out)
            throws Exception {
        long window = settings.gapWindowMs();
        long cutoff = tick - settings.reportingDelayMs();
        Long open = openGap.value();
        if (open == null) {
            if (anyReports(live, cutoff - window, tick) || !anyUsage(live, cutoff - window, cutoff)) {
                return;
            }
            Long last = lastReportHour(live, cutoff - 2 * window, cutoff - window);
            if (last == null) {
                return;
            }
            open = last + HOUR_MS;
            openGap.update(open);
        }
        long start = open;
        PeriodState p = containing(live, start);
        if (p == null) {
            openGap.clear();
            return;
        }
        Long resumed = firstReportHour(live, start, tick);
        long end = resumed != null ? resumed : Math.min(cutoff, p.end);
        Optional<Gap> gap = gapFinding(key, start, end, resumed == null);
        if (gap.isPresent()) {
            emit(key, start, gap.get().end(), p, gap.get().finding(), resumed != null, tick, out);
        }
        if (resumed != null) {
            openGap.clear();
        }
    }

    private record Gap(long end, Finding finding) {}

    /**
     * The usage of {@code p}'s hours before the gap's {@code start}, for pricing the gap on top of it.
     * Summed or counted, it is the matured usage (every hour before {@link PeriodState#maturedBefore},
     * late records included) less the matured hours from {@code start} on: the gap's own usage ({@code
     * inGap}, hours [start, to); [to, limit) holds none) and the hours between {@code limit} and the
     * maturity boundary. A tick then reads the gap's hours instead of the whole period before it (up
     * to 744 reads per key with a gap open, at every tick, when an outage opens gaps on many keys). A
     * maximum cannot be subtracted: for {@code max} the hours before the gap are read.
     */
    private Agg usageBefore(PeriodState p, long start, long to, long limit, Agg inGap, Aggregation agg)
            throws Exception {
        if (agg != Aggregation.MAX && start <= p.maturedBefore && to <= p.maturedBefore) {
            Agg fromStart = mergeUsage(inGap.copy(), limit, p.maturedBefore);
            Agg before = new Agg();
            before.sum = p.maturedUsage.sum.subtract(fromStart.sum);
            before.count = p.maturedUsage.count - fromStart.count;
            return before;
        }
        return mergeUsage(new Agg(), p.start, start);
    }

    /** Merges the usage of the hours [from, to) into {@code into}, and returns it. */
    private Agg mergeUsage(Agg into, long from, long to) throws Exception {
        for (long h = from; h < to; h += HOUR_MS) {
            HourBucket b = hours.get(h);
            if (b != null) {
                into.merge(b.usage);
            }
        }
        return into;
    }

    /**
     * The figures of the gap [start, end) in its billing period: the usage in it, the reports in it,
     * and the expected amount of that usage, priced on top of the period's usage before the gap.
     * {@code holds} is false once reports covered the gap's usage (a backfill).
     */
    private Optional<Gap> gapFinding(String[] key, long start, long end, boolean stillOpen) throws Exception {
        PeriodState p = periodOf(start);
        if (p == null) {
            return Optional.empty();
        }
        Optional<ContractVersion> contract = contractFor(key[0], p);
        Optional<MeterTerms> terms = contract.flatMap(c -> c.meter(key[1]));
        if (terms.isEmpty()) {
            return Optional.empty();
        }
        long limit = Math.max(start, Math.min(end, p.end));
        // The gap reaches to the end of its last unreported usage hour: hours after the usage stopped
        // hold nothing unreported.
        long to = start;
        // Each hour is read once (a seek on RocksDB); the figures take the hours up to the last usage.
        List<HourBucket> gapHours = new ArrayList<>();
        for (long h = start; h < limit; h += HOUR_MS) {
            HourBucket b = hours.get(h);
            gapHours.add(b);
            if (b != null && b.usage.count > 0) {
                to = h + HOUR_MS;
            }
        }
        Agg inGap = new Agg();
        Agg reportedInGap = new Agg();
        for (HourBucket b : gapHours.subList(0, (int) ((to - start) / HOUR_MS))) {
            if (b != null) {
                inGap.merge(b.usage);
                reportedInGap.merge(b.reported);
            }
        }
        var agg = terms.get().aggregation();
        Agg before = usageBefore(p, start, to, limit, inGap, agg);
        Agg through = before.copy();
        through.merge(inGap);
        Instant periodStart = Instant.ofEpochMilli(p.start);
        long amount;
        try {
            amount = io.reckon.pricing.Pricer.priceMinor(contract.get(), terms.get(), periodStart, through.value(agg))
                    - io.reckon.pricing.Pricer.priceMinor(contract.get(), terms.get(), periodStart, before.value(agg));
        } catch (ArithmeticException e) {
            pricingFailed(key, p, e);
            return Optional.empty();
        }
        BigDecimal used = inGap.value(agg);
        BigDecimal reported = reportedInGap.value(agg);
        boolean backfilled = reported.compareTo(used) >= 0;
        boolean holds = used.signum() > 0 && !backfilled;
        return Optional.of(new Gap(
                to,
                new Finding(
                        AnomalyType.REPORTING_GAP,
                        holds,
                        contract.get().currency(),
                        used,
                        reported,
                        Math.max(0, amount),
                        0,
                        null,
                        Math.max(0, amount))));
    }

    private boolean anyReports(List<PeriodState> live, long from, long to) throws Exception {
        return firstReportHour(live, from, to) != null;
    }

    /** The first hour h with floorHour(from) <= h < to that holds reports, or null. */
    private Long firstReportHour(List<PeriodState> live, long from, long to) throws Exception {
        return firstHourWith(live, false, floorHour(from), ceilHour(to));
    }

    /** The last hour h with from <= h < floorHour(to) that holds reports, or null. */
    private Long lastReportHour(List<PeriodState> live, long from, long to) throws Exception {
        long lo = ceilHour(from);
        long hi = floorHour(to);
        Long bits = hourBits(live, false, lo, hi);
        if (bits != null) {
            return bits == 0 ? null : lo + (Long.SIZE - 1 - Long.numberOfLeadingZeros(bits)) * HOUR_MS;
        }
        for (long h = hi - HOUR_MS; h >= lo; h -= HOUR_MS) {
            HourBucket b = hours.get(h);
            if (b != null && b.reported.count > 0) {
                return h;
            }
        }
        return null;
    }

    private boolean anyUsage(List<PeriodState> live, long from, long to) throws Exception {
        return firstHourWith(live, true, floorHour(from), ceilHour(to)) != null;
    }

    /**
     * The first hour of [lo, hi) (hour starts) holding usage, or reports: from the presence bits of the
     * period when they know (see {@link PeriodState#hoursWith}), else from the hourly buckets.
     */
    private Long firstHourWith(List<PeriodState> live, boolean usage, long lo, long hi) throws Exception {
        Long bits = hourBits(live, usage, lo, hi);
        if (bits != null) {
            return bits == 0 ? null : lo + Long.numberOfTrailingZeros(bits) * HOUR_MS;
        }
        for (long h = lo; h < hi; h += HOUR_MS) {
            HourBucket b = hours.get(h);
            if (b != null && (usage ? b.usage : b.reported).count > 0) {
                return h;
            }
        }
        return null;
    }

    private static Long hourBits(List<PeriodState> live, boolean usage, long lo, long hi) {
        if (hi <= lo) {
            return 0L;
        }
        for (PeriodState p : live) {
            if (p.start <= lo && hi <= p.end) {
                return p.hoursWith(usage, lo, hi);
            }
        }
        return null;
    }

    private void reportUnmapped(String accountId, String meter, PeriodState p, String reason, ReadOnlyContext ctx) {
        long records = p.usage.count + p.reported.count;
        if (records > p.unmappedCounted) {
            // Counted once per record: at finalization, then one by one for late arrivals.
            long newUsage = Math.max(0, p.usage.count - Math.min(p.unmappedCounted, p.usage.count));
            unmapped.get(MeterEvent.Kind.USAGE).add(newUsage);
            unmapped.get(MeterEvent.Kind.REPORTED).add(records - p.unmappedCounted - newUsage);
            p.unmappedCounted = records;
        }
        UnmappedUsage u = new UnmappedUsage();
        u.accountId = accountId;
        u.meter = meter;
        u.periodStart = p.start;
        u.periodEnd = p.end;
        u.reason = reason;
        u.usageRecords = p.usage.count;
        u.reportedRecords = p.reported.count;
        u.usageQuantity = p.usage.sum;
        u.reportedQuantity = p.reported.sum;
        ctx.output(UNMAPPED, u);
    }

    private AnomalyRecord record(
            String accountId,
            String meter,
            long start,
            long end,
            PeriodState p,
            Finding f,
            AnomalyState s,
            long watermark) {
        AnomalyRecord r = new AnomalyRecord();
        r.anomalyId = AnomalyIds.of(f.type().name(), accountId, meter, start);
        r.revision = s.revision;
        r.status = s.status;
        r.type = f.type().name();
        r.accountId = accountId;
        r.meter = meter;
        r.periodStart = start;
        r.periodEnd = end;
        r.currency = f.currency();
        r.actualQuantity = f.actual();
        r.reportedQuantity = f.reported();
        r.expectedAmountMinor = f.expectedMinor();
        r.pricedReportedAmountMinor = f.pricedReportedMinor();
        r.billedAmountMinor = f.billedMinor();
        r.amountMinor = f.amountMinor();
        r.finalRevision = s.finalRevision;
        // While open, only the usage compared so far is evidence: records read ahead of the tick (a
        // replay, a lagging input) must not change the figures of a revision.
        long evidence = s.finalRevision ? p.usage.count : p.maturedUsage.count;
        r.confidence = AnomalyPresentation.confidence(s.finalRevision, evidence, p.lateRecords);
        r.severity = AnomalyPresentation.severity(f.amountMinor(), f.currency());
        r.explanation = AnomalyPresentation.explanation(f.type(), s.status, accountId, meter, start, end, f);
        r.eventTimeWatermark = watermark;
        r.detectedAt = System.currentTimeMillis();
        return r;
    }

    // ---------------------------------------------------------------------------------------------
    // Re-bucketing when the billing anchor changes

    /** Makes the key's periods cut with its account's current anchor day, and returns that day. */
    private int ensureAnchor(String accountId, long watermark, TimerService timers, Collector<AnomalyRecord> out)
            throws Exception {
        int wanted = anchorDayOf(accountId);
        Integer current = anchor.value();
        if (current != null && current == wanted) {
            // The common case, decided without reading the periods (a seek per record on RocksDB).
            return wanted;
        }
        if (current == null || periodStarts().length == 0) {
            anchor.update(wanted);
            return wanted;
        }
        // Rare: an anchor-day change, or usage that arrived before its account's first contract. Rebuild
        // every period still in state from the hourly buckets. Anomaly state of the old cut is dropped:
        // its identities (period starts) no longer exist under the new anchor.
        Map<Long, PeriodState> rebuilt = new HashMap<>();
        for (Map.Entry<Long, HourBucket> h : hours.entries()) {
            BillingPeriod bp = BillingPeriod.containing(Instant.ofEpochMilli(h.getKey()), wanted);
            PeriodState p = rebuilt.computeIfAbsent(
                    bp.start().toEpochMilli(), s -> PeriodState.of(s, bp.end().toEpochMilli(), wanted));
            p.usage.merge(h.getValue().usage);
            p.reported.merge(h.getValue().reported);
            if (h.getValue().usage.count > 0) {
                p.markHour(h.getKey(), true);
            }
            if (h.getValue().reported.count > 0) {
                p.markHour(h.getKey(), false);
            }
        }
        periods.clear();
        periodStarts.clear();
        anomalies.clear();
        rebucketed = true;
        long maturedBefore =
                watermark == Long.MIN_VALUE ? Long.MIN_VALUE : floorHour(watermark) - settings.reportingDelayMs();
        for (PeriodState p : rebuilt.values()) {
            p.maturedBefore = p.start;
            p.reportedBefore = p.start;
            long now = watermark < 0 ? p.start : Math.min(floorHour(watermark), p.end);
            mature(p, Math.max(p.start, Math.min(maturedBefore, p.end)), Math.max(p.start, now), Long.MIN_VALUE, null);
            if (meteringFinalAt(p) <= watermark) {
                p.finalized = true;
            } else {
                timers.registerEventTimeTimer(meteringFinalAt(p));
                timers.registerEventTimeTimer(nextTick(watermark, p.start));
            }
            if (billingFinalAt(p) <= watermark) {
                p.billingFinal = true;
                timers.registerEventTimeTimer(releaseAt(p));
            } else {
                timers.registerEventTimeTimer(billingFinalAt(p));
            }
            periods.put(p.start, p);
            indexPeriod(p.start);
        }
        anchor.update(wanted);
        return wanted;
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    /**
     * Metering and billing anomalies of the period itself. Their findings are evaluated on the period
     * state that the caller writes back, so the period can remember which of them exist. Signals are
     * evaluated on a separate read of the period and are always looked up.
     */
    private static boolean isPeriodAnomaly(AnomalyType type, long start, PeriodState p) {
        return type.isLeak() && start == p.start;
    }

    private static String anomalyKey(AnomalyType type, long periodStart) {
        return type.name() + "|" + periodStart;
    }

    static long floorHour(long t) {
        return Math.floorDiv(t, HOUR_MS) * HOUR_MS;
    }

    /** The first hour start at or after {@code t}. */
    static long ceilHour(long t) {
        return -Math.floorDiv(-t, HOUR_MS) * HOUR_MS;
    }

    /** The first hour boundary after the watermark, or after the record when no watermark exists yet. */
    static long nextTick(long watermark, long eventTime) {
        long base = watermark < 0 ? eventTime : watermark;
        return floorHour(base) + HOUR_MS;
    }

    private static String[] splitKey(String key) {
        int i = key.indexOf('\u001f');
        return new String[] {key.substring(0, i), key.substring(i + 1)};
    }

    private static HourlyRollup rollup(String[] key, long hour, HourBucket b) {
        HourlyRollup r = new HourlyRollup();
        r.accountId = key[0];
        r.meter = key[1];
        r.hourStart = hour;
        r.actualQuantity = b.usage.sum;
        r.reportedQuantity = b.reported.sum;
        r.usageRecords = b.usage.count;
        r.reportedRecords = b.reported.count;
        return r;
    }
}
