package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.ReconSettings.HOUR_MS;

import io.reckon.pricing.BillingPeriod;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.TimerService;

/**
 * Keeps a key's periods cut with the anchor day of its account's latest contract version. When that
 * day changes (or usage arrived before the account's first contract), every period still in state is
 * rebuilt from the hourly buckets. The anomalies of the old cut get a last, final revision with status
 * {@code resolved}: their identities (period starts) no longer exist; what they counted as unmapped is
 * taken back ({@link UnmappedRecords}). The new periods are judged and evaluated afresh at the next tick.
 */
final class Rebucketing {

    private final ReconState state;
    private final Periods periods;
    private final Retention retention;
    private final Emitter emitter;
    private final UnmappedRecords unmapped;
    private final long reportingDelay;

    Rebucketing(
            ReconState state,
            Periods periods,
            Retention retention,
            Emitter emitter,
            UnmappedRecords unmapped,
            ReconSettings settings) {
        this.state = state;
        this.periods = periods;
        this.retention = retention;
        this.emitter = emitter;
        this.unmapped = unmapped;
        this.reportingDelay = settings.reportingDelayMs();
    }

    /** Makes the key's periods cut with {@code wanted}; returns whether they were rebuilt. */
    boolean ensure(MeterKey key, int wanted, long watermark, TimerService timers) throws Exception {
        Integer current = state.anchor.value();
        if (current != null && current == wanted) {
            // The common case, decided without reading the periods (a seek per record on RocksDB).
            return false;
        }
        if (current == null || periods.isEmpty()) {
            // No period to cut anew. A key holds an anchor exactly while it holds periods (written with
            // the first, Periods.create; cleared with the last, Retention), so a record turned away from
            // a key that holds nothing leaves no state behind.
            return false;
        }
        List<PeriodState> old = periods.all();
        resolveOldCut(key, old, watermark);
        for (PeriodState p : old) {
            unmapped.takeBack(key, p, UnmappedRecords.CUT_ANEW);
        }
        Map<Long, PeriodState> rebuilt = new HashMap<>();
        state.hours.forEach((hour, b) -> {
            if (retention.retired(hour)) {
                return;
            }
            BillingPeriod bp = BillingPeriod.containing(Instant.ofEpochMilli(hour), wanted);
            PeriodState p = rebuilt.computeIfAbsent(
                    bp.start().toEpochMilli(), s -> PeriodState.of(s, bp.end().toEpochMilli(), wanted));
            p.usage.merge(b.usage);
            p.reported.merge(b.reported);
            p.markHour(hour, true, b.usage.count > 0);
            p.markHour(hour, false, b.reported.count > 0);
        });
        // A period may hold invoice lines and no hour: it is cut anew too.
        for (InvoiceLineState l : state.lines.values()) {
            BillingPeriod bp = BillingPeriod.containing(Instant.ofEpochMilli(l.periodStart), wanted);
            rebuilt.computeIfAbsent(
                    bp.start().toEpochMilli(), s -> PeriodState.of(s, bp.end().toEpochMilli(), wanted));
        }
        periods.clear();
        state.anomalies.clear();
        long now = watermark == Long.MIN_VALUE ? Long.MIN_VALUE : Ticks.floorHour(watermark);
        for (PeriodState p : rebuilt.values()) {
            mature(p, now);
            p.changedFrom = p.start;
            periods.armTimers(p, watermark, timers);
            p.reevaluate = p.finalized;
            periods.add(p);
        }
        state.anchor.update(wanted);
        return true;
    }

    private void resolveOldCut(MeterKey key, List<PeriodState> old, long watermark) throws Exception {
        List<String> ids = new ArrayList<>();
        for (String k : state.anomalies.keys()) {
            ids.add(k);
        }
        for (String k : ids) {
            AnomalyKey id = AnomalyKey.decode(k);
            AnomalyState s = state.anomalies.get(k);
            PeriodState p = Periods.holding(old, id.start());
            if (p == null || s == null) {
                continue;
            }
            emitter.emit(key, id, s.signalEnd, p, s.resolved(id.type()), true, watermark);
        }
    }

    /** Folds the hours a tick at {@code now} has matured into a rebuilt period's running figures. */
    private void mature(PeriodState p, long now) throws Exception {
        if (now == Long.MIN_VALUE) {
            return;
        }
        long usageBefore = Math.max(p.start, Math.min(now - reportingDelay, p.end));
        long reportsBefore = Math.max(p.start, Math.min(now, p.end));
        for (long h = p.start; h < Math.max(usageBefore, reportsBefore); h += HOUR_MS) {
            if (!p.hasUsage(h) && !p.hasReports(h)) {
                continue;
            }
            HourBucket b = state.hours.get(h);
            if (b != null && h < usageBefore) {
                p.maturedUsage.merge(b.usage);
            }
            if (b != null && h < reportsBefore) {
                p.reportedSoFar.merge(b.reported);
            }
        }
        p.maturedBefore = usageBefore;
        p.reportedBefore = reportsBefore;
    }
}
