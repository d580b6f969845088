package io.reckon.jobs.reconcile;

import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.ContractEvent;
import io.reckon.jobs.records.DeadLetterRecord;
import io.reckon.jobs.records.MeterEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;

/**
 * Runs records through the production reconcile operator in the operator harness, in a given order,
 * with the watermark a source would give them: the largest event time read so far less the bounded
 * out-of-orderness, never moving back; at the end, the end of time. Contracts come first, or at random
 * places among the records.
 */
final class OperatorRun {

    /** What a run emitted. */
    record Result(List<AnomalyRecord> anomalies, List<DeadLetterRecord> rejected, Map<String, Long> counts) {}

    private static final long OUT_OF_ORDERNESS_MS = 5 * 60_000L;

    private OperatorRun() {}

    static Result run(
            ReconSettings settings,
            List<ContractEvent> contracts,
            List<MeterEvent> records,
            boolean contractsFirst,
            long seed)
            throws Exception {
        return run(new ReconcileFunction(settings), contracts, records, contractsFirst, seed);
    }

    /** As {@link #run(ReconSettings, List, List, boolean, long)}, with the function given. */
    static Result run(
            ReconcileFunction function,
            List<ContractEvent> contracts,
            List<MeterEvent> records,
            boolean contractsFirst,
            long seed)
            throws Exception {
        return run(function, contracts, records, contractsFirst, seed, null);
    }

    /** As above, with {@code backend} as the state backend (null: the harness's, heap state). */
    static Result run(
            ReconcileFunction function,
            List<ContractEvent> contracts,
            List<MeterEvent> records,
            boolean contractsFirst,
            long seed,
            StateBackend backend)
            throws Exception {
        KeyedBroadcastOperatorTestHarness<String, MeterEvent, ContractEvent, AnomalyRecord> h = harness(function);
        if (backend != null) {
            h.setStateBackend(backend);
        }
        h.open();
        Random r = new Random(seed);
        List<ContractEvent> pending = new ArrayList<>(contracts);
        if (contractsFirst) {
            for (ContractEvent c : pending) {
                h.processBroadcastElement(c, 0);
            }
            pending.clear();
        }
        long watermark = Long.MIN_VALUE;
        long maxSeen = Long.MIN_VALUE;
        for (MeterEvent e : records) {
            if (!pending.isEmpty() && r.nextInt(Math.max(1, records.size() / (2 * pending.size()))) == 0) {
                h.processBroadcastElement(pending.remove(0), 0);
            }
            h.processElement(ArrivalCopy.of(e), e.eventTime);
            maxSeen = Math.max(maxSeen, e.eventTime);
            long next = maxSeen - OUT_OF_ORDERNESS_MS - 1;
            if (next > watermark) {
                watermark = next;
                h.watermark(watermark);
            }
        }
        for (ContractEvent c : pending) {
            h.processBroadcastElement(c, 0);
        }
        h.watermark(Long.MAX_VALUE);
        List<AnomalyRecord> anomalies = new ArrayList<>(h.extractOutputValues());
        List<DeadLetterRecord> rejected = new ArrayList<>();
        var side = h.getSideOutput(ReconcileFunction.REJECTED);
        if (side != null) {
            for (StreamRecord<DeadLetterRecord> d : side) {
                rejected.add(d.getValue());
            }
        }
        Map<String, Long> counts = function.counterTotals();
        h.close();
        return new Result(anomalies, rejected, counts);
    }

    /** The job's operator around {@code function} in a harness of one subtask, not yet opened. */
    static KeyedBroadcastOperatorTestHarness<String, MeterEvent, ContractEvent, AnomalyRecord> harness(
            ReconcileFunction function) throws Exception {
        return new KeyedBroadcastOperatorTestHarness<>(
                new ReconcileOperator(function), MeterEvent::key, Types.STRING, 1, 1, 0);
    }

    /** The harness hands records on by reference; each run gets its own copies. */
    private static final class ArrivalCopy {
        static MeterEvent of(MeterEvent e) {
            return io.reckon.jobs.testing.ArrivalScenario.copy(e);
        }
    }
}
