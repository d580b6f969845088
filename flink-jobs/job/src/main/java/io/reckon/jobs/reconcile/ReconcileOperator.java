package io.reckon.jobs.reconcile;

import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.ContractEvent;
import io.reckon.jobs.records.MeterEvent;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.SimpleTimerService;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The reconcile step's operator: Flink's keyed broadcast operator running a {@link ReconcileFunction}
 * that combines usage and reports per key and hour ({@link RecordCombiner}), plus two things a
 * function cannot do on its own, because they touch keys other than the current one, and a third:
 *
 * <ul>
 *   <li>the moments when the combined records are written into keyed state: before a watermark
 *       advances the timers, so every tick reads complete hours and periods; before a contract is
 *       applied, since the records were admitted under the period cuts known until then; before a
 *       checkpoint barrier ({@code prepareSnapshotPreBarrier}), so a checkpoint holds every record
 *       before it; when the input ends, and when {@link RecordCombiner#MAX_HOURS} hours are held;
 *   <li>after a contract arrives once evaluations may have been made, every key of its account is
 *       marked to be evaluated again at its next tick, final periods included: the answer must not
 *       depend on whether the contract came before or after the records;
 *   <li>while a watermark's timers fire, each key's periods are read at its first timer and written
 *       once they are done ({@link PeriodCache}), not at each of its ticks.
 * </ul>
 */
public class ReconcileOperator extends CoBroadcastWithKeyedOperator<String, MeterEvent, ContractEvent, AnomalyRecord> {

    private static final long serialVersionUID = 1L;

    /** The name Flink's operator gives the function's timer service: the same service is looked up. */
    private static final String USER_TIMERS = "user-timers";

    /** Periods are held with heap state too (the tests' harness keeps heap state). */
    private final boolean holdPeriodsOnHeap;

    private transient TimerService timers;
    private transient boolean holdPeriods;

    public ReconcileOperator(ReconcileFunction function) {
        this(function, true, false);
    }

    private ReconcileOperator(ReconcileFunction function, boolean combine, boolean holdPeriodsOnHeap) {
        super(function, List.of(ReconcileFunction.CONTRACTS));
        if (combine) {
            function.combineRecords();
        }
        this.holdPeriodsOnHeap = holdPeriodsOnHeap;
    }

    /** The operator without combining: every record goes to state at once (tests compare the two). */
    static ReconcileOperator recordByRecord(ReconcileFunction function) {
        return new ReconcileOperator(function, false, false);
    }

    /** The operator holding periods ({@link PeriodCache}) with heap state too, for the tests. */
    static ReconcileOperator holdingPeriodsOnHeap(ReconcileFunction function) {
        return new ReconcileOperator(function, true, true);
    }

    @Override
    public void open() throws Exception {
        // Heap state keeps each key's ids and hours in one table each; an entry per id and per day of hours is
        // what suits RocksDB (and any backend that wraps another, such as the changelog backend, which
        // logs every change it sees).
        boolean heap = getKeyedStateBackend() instanceof HeapKeyedStateBackend;
        function().keepInTables(heap);
        // With heap state a period read is the object in state and a write puts it back: nothing to save.
        holdPeriods = !heap || holdPeriodsOnHeap;
        super.open();
        timers = new SimpleTimerService(getInternalTimerService(USER_TIMERS, VoidNamespaceSerializer.INSTANCE, this));
        takeOverOtherLayouts();
    }

    /**
     * Deduplication ids of the first state layout, and the ids and hourly buckets kept in the layout
     * of the other state backend (a savepoint taken with it), are taken over once, at the first start
     * from such a savepoint, for every key that holds some (a job that never had them finds no key),
     * so that the per-record path never looks for them.
     */
    private void takeOverOtherLayouts() throws Exception {
        org.apache.flink.runtime.state.KeyedStateBackend<String> backend = getKeyedStateBackend();
        java.util.Set<String> keys = new java.util.LinkedHashSet<>();
        for (String name : function().statesToTakeOver()) {
            try (Stream<String> all = backend.getKeys(name, VoidNamespace.INSTANCE)) {
                all.forEach(keys::add);
            }
        }
        for (String key : keys) {
            setCurrentKey(key);
            function().takeOverOtherLayouts();
        }
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
        if (ReconcileFunction.evaluationsMayExist(function().timers(timers).currentWatermark())) {
            reevaluateKeysOf(element.getValue().accountId);
        }
    }

    /** Marks every key of {@code accountId} on this subtask for evaluation at its next tick. */
    private void reevaluateKeysOf(String accountId) throws Exception {
        String prefix = MeterEvent.keyOf(accountId, "");
        List<String> keys;
        org.apache.flink.runtime.state.KeyedStateBackend<String> backend = getKeyedStateBackend();
        try (Stream<String> all = backend.getKeys(ReconState.PERIODS, VoidNamespace.INSTANCE)) {
            keys = all.filter(k -> k.startsWith(prefix)).collect(Collectors.toList());
        }
        for (String key : keys) {
            setCurrentKey(key);
            function().contractChanged(key, function().timers(timers));
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        writeCombined();
        function().watermarkReached(mark.getTimestamp());
        if (holdPeriods) {
            function().holdPeriods(this::getCurrentKey);
        }
        super.processWatermark(mark);
        // Before anything else is handled (a failure fails the task, which restores from a checkpoint).
        // With interruptible timers, the timers left for a later mail then work on state directly.
        function().releaseHeldPeriods(this::setCurrentKey);
    }

    /** Before a timer, the held periods are written when enough keys' are held ({@link PeriodCache}). */
    @Override
    public void onEventTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
        if (function().heldPeriodsFull()) {
            Object key = getCurrentKey();
            function().writeHeldPeriods(this::setCurrentKey);
            setCurrentKey(key);
        }
        super.onEventTime(timer);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        writeCombined();
        function().writeHeldPeriods(this::setCurrentKey);
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        writeCombined();
        function().writeHeldPeriods(this::setCurrentKey);
        super.finish();
    }

    private void writeCombined() throws Exception {
        function().flushAllCombined(this::setCurrentKey);
    }

    private ReconcileFunction function() {
        return (ReconcileFunction) getUserFunction();
    }
}
