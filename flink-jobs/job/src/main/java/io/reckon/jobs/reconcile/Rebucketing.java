package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.ReconSettings.HOUR_MS;

import io.reckon.jobs.reconcile.checks.AnomalyType;
import io.reckon.pricing.BillingPeriod;
import io.reckon.pricing.PeriodCut;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.streaming.api.TimerService;

/**
 * Keeps a key's periods cut as its account's contract versions cut them ({@link PeriodCut}). When that
 * cut changes (a version moves the anchor day, or usage arrived before the account's first contract),
 * the periods whose bounds differ are rebuilt from the hourly buckets and the invoice lines; the
 * others are kept as they are. An anomaly keeps its state, and so its revisions go on, wherever its
 * identity still exists: a period anomaly in the new period that starts where its period did, a signal
 * in the new period holding its first hour. The others get a last, final revision with status {@code
 * resolved}: their identities no longer exist (their state stays until the periods up to their start
 * are released, so that a later cut that gives the identity back goes on with the next revision). What the rebuilt periods counted as unmapped is taken
 * back ({@link UnmappedRecords}). The rebuilt periods are judged and evaluated afresh at the next tick,
 * the kept ones as every period is when a contract arrives.
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

    /** Makes the key's periods cut with {@code wanted}; returns whether any was rebuilt. */
    boolean ensure(MeterKey key, PeriodCut wanted, long watermark, TimerService timers) throws Exception {
        PeriodCut current = state.cut.get();
        if (wanted.equals(current)) {
            // The common case, decided without reading the periods (a seek per record on RocksDB).
            return false;
        }
        if (current == null || periods.isEmpty()) {
            // No period to cut anew. A key holds a cut exactly while it holds periods (written with
            // the first, Periods.create; cleared with the last, Retention), so a record turned away from
            // a key that holds nothing leaves no state behind.
            return false;
        }
        List<PeriodState> old = new ArrayList<>();
        Set<Long> kept = new HashSet<>();
        for (PeriodState p : periods.all()) {
            BillingPeriod bp = wanted.containing(p.start);
            if (bp.start().toEpochMilli() == p.start && bp.end().toEpochMilli() == p.end) {
                kept.add(p.start);
            } else {
                old.add(p);
            }
        }
        state.cut.set(wanted);
        if (old.isEmpty()) {
            return false;
        }
        Map<Long, PeriodState> rebuilt = cutAnew(wanted, kept);
        carryAnomalies(key, old, rebuilt, watermark);
        for (PeriodState p : old) {
            unmapped.takeBack(key, p, UnmappedRecords.CUT_ANEW);
            periods.remove(p.start);
        }
        long now = watermark == Long.MIN_VALUE ? Long.MIN_VALUE : Ticks.floorHour(watermark);
        for (PeriodState p : rebuilt.values()) {
            mature(p, now);
            p.changedFrom = p.start;
            periods.armTimers(p, watermark, timers);
            p.reevaluate = p.finalized;
            periods.add(p);
        }
        return true;
    }

    /** The periods of {@code cut} holding the key's hours and lines, but for those starting in {@code kept}. */
    private Map<Long, PeriodState> cutAnew(PeriodCut cut, Set<Long> kept) throws Exception {
        Map<Long, PeriodState> rebuilt = new HashMap<>();
        state.hours.forEach((hour, b) -> {
            if (retention.retired(hour)) {
                return;
            }
            PeriodState p = periodOf(rebuilt, cut, hour, kept);
            if (p != null) {
                p.usage.merge(b.usage);
                p.reported.merge(b.reported);
                p.markHour(hour, true, b.usage.count > 0);
                p.markHour(hour, false, b.reported.count > 0);
            }
        });
        // A period may hold invoice lines and no hour: it is cut anew too.
        for (InvoiceLineState l : state.lines.values()) {
            periodOf(rebuilt, cut, l.periodStart, kept);
        }
        return rebuilt;
    }

    private static PeriodState periodOf(Map<Long, PeriodState> rebuilt, PeriodCut cut, long time, Set<Long> kept) {
        BillingPeriod bp = cut.containing(time);
        long start = bp.start().toEpochMilli();
        if (kept.contains(start)) {
            return null;
        }
        return rebuilt.computeIfAbsent(start, s -> PeriodState.of(s, bp.end().toEpochMilli()));
    }

    /**
     * The anomalies of the {@code old} periods move to the {@code rebuilt} period that holds their
     * identity; those whose identity is gone are resolved, finally, and dropped.
     */
    private void carryAnomalies(MeterKey key, List<PeriodState> old, Map<Long, PeriodState> rebuilt, long watermark)
            throws Exception {
        List<String> ids = new ArrayList<>();
        for (String k : state.anomalies.keys()) {
            ids.add(k);
        }
        List<PeriodState> cut = List.copyOf(rebuilt.values());
        for (String k : ids) {
            AnomalyKey id = AnomalyKey.decode(k);
            PeriodState from = Periods.holding(old, id.start());
            if (from == null) {
                continue; // an anomaly of a kept period
            }
            PeriodState to = ofPeriod(id.type()) ? rebuilt.get(id.start()) : Periods.holding(cut, id.start());
            if (to != null) {
                if (id.type().isLeak()) {
                    to.markAnomaly(id.type());
                } else {
                    to.addSignal(id.type(), id.start());
                }
                continue;
            }
            AnomalyState s = state.anomalies.get(k);
            if (s != null) {
                emitter.emit(key, id, s.signalEnd, from, s.resolved(id.type()), true, watermark);
            }
            // Its resolved state stays until the periods up to its start are released (Retention), so that
            // a later cut that gives the identity back goes on with the next revision.
        }
    }

    /** Whether anomalies of {@code type} are a period's (their identity is the period's start). */
    private static boolean ofPeriod(AnomalyType type) {
        return type.isLeak() || type == AnomalyType.UPSELL_OPPORTUNITY;
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
