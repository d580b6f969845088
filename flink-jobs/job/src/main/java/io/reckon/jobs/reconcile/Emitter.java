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
     * Resolves anomaly {@code id} with the figures it last had, if it has state: its condition no
     * longer holds (see {@link #emit}).
     */
    void resolve(MeterKey key, AnomalyKey id, long end, PeriodState p, boolean finalEvaluation, long watermark)
            throws Exception {
        AnomalyState previous = anomalies.get(id.encoded());
        if (previous != null) {
            emit(key, id, end, p, previous.resolved(id.type()), finalEvaluation, watermark);
        }
    }

    /**
     * Emits the next revision of anomaly {@code id} of {@code key} covering [id.start, end), if one is
     * due. {@code p} is the period the anomaly belongs to (the caller writes it back).
     */
    void emit(MeterKey key, AnomalyKey id, long end, PeriodState p, Finding f, boolean finalEvaluation, long watermark)
            throws Exception {
        boolean periodType = f.type().isLeak();
        if (periodType && !f.holds() && !p.mayHaveAnomaly(f.type())) {
            // Nothing to resolve: no anomaly of this type was ever opened for the period.
            return;
        }
        AnomalyState previous = anomalies.get(id.encoded());
        Optional<String> status = AnomalyLifecycle.nextStatus(previous, f, finalEvaluation);
        if (status.isEmpty()) {
            return;
        }
        AnomalyState next = AnomalyLifecycle.advance(previous, f, status.get(), finalEvaluation);
        next.signalEnd = end;
        anomalies.put(id.encoded(), next);
        if (periodType) {
            p.markAnomaly(f.type());
        } else {
            p.addSignal(f.type(), id.start());
        }
        AnomalyRecord r = AnomalyRecords.of(key, id.start(), end, p, f, next, watermark);
        outputs.anomaly(r);
        emitted.get(f.type()).inc();
        latency.emitted();
    }
}
