package io.reckon.jobs.reconcile;

import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.ContractEvent;
import io.reckon.jobs.records.MeterEvent;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;

/**
 * Every scenario of {@link ReconcileOperatorTest} (and so of {@link ReconcileFunctionTest}) again, with
 * each key's periods held while a watermark's timers fire ({@link PeriodCache}), as with RocksDB,
 * here on the harness's heap state.
 */
class HeldPeriodsOperatorTest extends ReconcileOperatorTest {

    @Override
    KeyedBroadcastOperatorTestHarness<String, MeterEvent, ContractEvent, AnomalyRecord> harnessFor(
            ReconcileFunction function) throws Exception {
        return open(ReconcileOperator.holdingPeriodsOnHeap(function), null);
    }
}
