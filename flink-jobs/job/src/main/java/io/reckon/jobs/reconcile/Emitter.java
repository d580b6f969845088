package io.reckon.jobs.reconcile;

import io.reckon.jobs.JobCounters;
import io.reckon.jobs.reconcile.checks.AnomalyType;
import io.reckon.jobs.reconcile.checks.Finding;
import io.reckon.jobs.records.AnomalyRecord;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.state.MapState;

/**
 * Turns findings into anomaly revisions: looks up what was last emitted for the anomaly, asks {@link
 * AnomalyLifecycle} whether a new revision is due, remembers it and emits it. Period anomalies span
 * their billing period; signals span their own hours.
 */
final class Emitter {

    private final MapState<String, AnomalyState> anomalies;
    private final ReconOutputs outputs;
    private final Map<AnomalyType, JobCounters.Counter> emitted = new EnumMap<>(AnomalyType.class);
    private final EmissionLatency latency;

    Emitter(
            MapState<String, AnomalyState> anomalies,
            ReconOutputs outputs,
            JobCounters counters,
            EmissionLatency latency) {
        this.anomalies = anomalies;
        this.outputs = outputs;
        this.latency = latency;
        for (AnomalyType t : AnomalyType.values()) {
            emitted.put(t, counters.counter("anomalies." + t.name()));
        }
    }

    AnomalyState stored(AnomalyKey id) throws Exception {
        return anomalies.get(id.encoded());
    }

    void forget(AnomalyKey id) throws Exception {
        anomalies.remove(id.encoded());
    }

    /**
     * Withdraws anomaly {@code id}, if it has state: its figures can no longer be judged ({@code why}, a
     * clause for its explanation), so it is resolved with the figures it last had (see {@link #emit}).
     */
    void withdraw(
            MeterKey key, AnomalyKey id, long end, PeriodState p, boolean finalEvaluation, long watermark, String why)
            throws Exception {
        AnomalyState previous = anomalies.get(id.encoded());
        if (previous != null) {
            Finding f = previous.resolved(id.type());
            if (!neverOpened(p, f)) {
                emit(key, id, end, p, f, finalEvaluation, watermark, previous, why);
            }
        }
    }

    /**
     * Emits the next revision of anomaly {@code id} of {@code key} covering [id.start, end), if one is
     * due. {@code p} is the period the anomaly belongs to (the caller writes it back).
     */
    void emit(MeterKey key, AnomalyKey id, long end, PeriodState p, Finding f, boolean finalEvaluation, long watermark)
            throws Exception {
        if (!neverOpened(p, f)) {
            emit(key, id, end, p, f, finalEvaluation, watermark, anomalies.get(id.encoded()), null);
        }
    }

    /** Nothing to resolve: {@code f} does not hold and no anomaly of its type was ever opened for the period. */
    private static boolean neverOpened(PeriodState p, Finding f) {
        return f.type().isLeak() && !f.holds() && !p.mayHaveAnomaly(f.type());
    }

    /**
     * {@link #emit} once what was last emitted for the anomaly ({@code previous}, or null) was read;
     * {@code withdrawnBecause} is null unless the anomaly is withdrawn ({@link #withdraw}).
     */
    private void emit(
            MeterKey key,
            AnomalyKey id,
            long end,
            PeriodState p,
            Finding f,
            boolean finalEvaluation,
            long watermark,
            AnomalyState previous,
            String withdrawnBecause)
            throws Exception {
        boolean periodType = f.type().isLeak();
        // Final never goes back: a change to a final anomaly (a late record, a backfill that resolves a
        // settled gap) is a final revision too.
        boolean finalRevision = finalEvaluation || (previous != null && previous.finalRevision);
        Optional<String> status = AnomalyLifecycle.nextStatus(previous, f, end, finalRevision);
        if (status.isEmpty()) {
            return;
        }
        AnomalyState next = AnomalyLifecycle.advance(previous, f, status.get(), finalRevision);
        next.signalEnd = end;
        anomalies.put(id.encoded(), next);
        if (periodType) {
            p.markAnomaly(f.type());
        } else {
            p.addSignal(f.type(), id.start());
        }
        AnomalyRecord r = AnomalyRecords.of(key, id.start(), end, p, f, next, watermark, withdrawnBecause);
        outputs.anomaly(r);
        emitted.get(f.type()).inc();
        latency.emitted();
    }
}
