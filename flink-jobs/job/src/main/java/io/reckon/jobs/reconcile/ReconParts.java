package io.reckon.jobs.reconcile;

import io.reckon.jobs.JobCounters;
import io.reckon.jobs.records.MeterEvent;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;

/**
 * The pieces {@link ReconcileFunction} routes to, made and connected once when it opens: the state, the
 * contracts, the deduplication, the intakes of records and lines, the periods and the tick evaluation.
 */
final class ReconParts {

    /**
     * How the pieces are made: the ids and hours in one table per key (heap state), records of open
     * hours combined, a tick at every hour (the reference that skipping hours is tested against).
     */
    record Flags(boolean tables, boolean combine, boolean tickEveryHour) {}

    final ContractBook contracts;
    final ReconOutputs outputs;
    final LegacyLayout legacy;
    final Periods periods;
    final Dedup usageIds;
    final Dedup reportIds;
    final Ledger ledger;
    final HeldLines heldLines;
    final Retention retention;
    final Rebucketing rebucketing;
    final Ticks tickRequests;
    final Dirt dirt;
    final RecordCombiner combiner;
    final RecordIntake intake;
    final LineIntake lineIntake;
    final TickEvaluation ticks;

    ReconParts(
            ReconState state,
            ReconSettings settings,
            Flags flags,
            JobCounters counters,
            EmissionLatency latency,
            InputReach reach) {
        this.contracts = new ContractBook();
        this.outputs = new ReconOutputs();
        Rollups rollups = new Rollups(contracts, outputs);
        this.legacy = new LegacyLayout(state);
        this.periods = new Periods(state, settings, legacy);
        this.usageIds = dedup(settings, flags, state.usageCopies, state.usageIdTable, state.legacyUsageIds, "event_id");
        this.reportIds =
                dedup(settings, flags, state.reportCopies, state.reportIdTable, state.legacyReportIds, "report_id");
        Summaries summaries = new Summaries(state.summaries);
        this.ledger = new Ledger(state, (usage, each) -> {
            if (usage) {
                usageIds.forEachCounted(each);
            } else {
                reportIds.forEachCounted(each);
                summaries.forEachCounted(each);
            }
        });
        InvoiceLines lines = new InvoiceLines(state.lines);
        this.heldLines = new HeldLines(state.heldLines);
        Emitter emitter = new Emitter(state.anomalies, outputs, counters, latency);
        Rejections rejections = new Rejections(outputs, counters);
        this.retention = new Retention(state, periods, lines, usageIds, reportIds, summaries);
        UnmappedRecords unmapped = new UnmappedRecords(outputs, counters);
        this.rebucketing = new Rebucketing(state, periods, retention, emitter, unmapped, settings);
        this.tickRequests = new Ticks();
        this.dirt = new Dirt(periods);
        RecordIntake[] self = new RecordIntake[1];
        this.combiner = new RecordCombiner(flags.combine(), periods, ledger, tickRequests, (p, time) -> {
            if (self[0].firstUsage(p, time)) {
                periods.put(p);
            }
        });
        this.intake = new RecordIntake(
                settings,
                periods,
                ledger,
                usageIds,
                reportIds,
                summaries,
                combiner,
                dirt,
                tickRequests,
                rejections,
                rollups,
                counters);
        self[0] = intake;
        this.lineIntake = new LineIntake(
                settings,
                periods,
                lines,
                contracts,
                rejections,
                tickRequests,
                intake.duplicates(MeterEvent.Kind.INVOICE_LINE),
                intake.late(MeterEvent.Kind.INVOICE_LINE));
        PeriodChecks checks = new PeriodChecks(contracts, lines, emitter, rejections, unmapped);
        Signals signals = new Signals(settings, contracts, emitter, periods, counters, outputs, reach);
        this.ticks = new TickEvaluation(
                settings,
                state,
                periods,
                ledger,
                checks,
                signals,
                retention,
                tickRequests,
                rollups,
                new NextTick(settings, flags.tickEveryHour()));
    }

    private static Dedup dedup(
            ReconSettings settings,
            Flags flags,
            MapState<String, IdCopies> entries,
            ValueState<IdTable> table,
            MapState<String, Long> legacy,
            String idName) {
        IdStore perEntry = new EntryIdStore(entries);
        IdStore perKey = new TableIdStore(table);
        return flags.tables()
                ? new Dedup(perKey, perEntry, legacy, settings.dedupHorizonMs(), idName)
                : new Dedup(perEntry, perKey, legacy, settings.dedupHorizonMs(), idName);
    }
}
