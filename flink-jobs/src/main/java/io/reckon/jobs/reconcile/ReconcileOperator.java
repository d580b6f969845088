package io.reckon.jobs.reconcile;

import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.ContractEvent;
import io.reckon.jobs.records.MeterEvent;
import java.util.List;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The reconcile step's operator: Flink's keyed broadcast operator running a {@link
 * ReconcileFunction} that combines usage and reports per key and hour (see {@link
 * ReconcileFunction#combineRecords}), plus the moments when the combined records are written into
 * keyed state:
 *
 * <ul>
 *   <li>before a watermark advances the timers, so every tick reads complete hours and periods;
 *   <li>before a contract is applied, since the records were admitted under the anchor days known
 *       until then;
 *   <li>before a checkpoint barrier ({@code prepareSnapshotPreBarrier}), so a checkpoint holds every
 *       record before it and nothing lives only in memory across a checkpoint;
 *   <li>when the input ends, and when {@link ReconcileFunction#MAX_COMBINED_HOURS} hours are held.
 * </ul>
 *
 * <p>A function cannot do this on its own: writing another key's state needs the operator's keyed
 * context ({@link #setCurrentKey}), and only an operator sees the checkpoint before its barrier.
 */
public class ReconcileOperator extends CoBroadcastWithKeyedOperator<String, MeterEvent, ContractEvent, AnomalyRecord> {

    private static final long serialVersionUID = 1L;

    public ReconcileOperator(ReconcileFunction function) {
        super(function, List.of(ReconcileFunction.CONTRACTS));
        function.combineRecords();
    }

    @Override
    public void processElement1(StreamRecord<MeterEvent> element) throws Exception {
        super.processElement1(element);
        if (function().combinedFull()) {
            writeCombined();
        }
    }

    @Override
    public void processElement2(StreamRecord<ContractEvent> element) throws Exception {
        writeCombined();
        super.processElement2(element);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        writeCombined();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        writeCombined();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        writeCombined();
        super.finish();
    }

    private void writeCombined() throws Exception {
        function().flushAllCombined(this::setCurrentKey);
    }

    private ReconcileFunction function() {
        return (ReconcileFunction) getUserFunction();
    }
}
