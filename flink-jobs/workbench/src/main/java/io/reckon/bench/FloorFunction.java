package io.reckon.bench;

import io.reckon.jobs.reconcile.ReconSettings;
import io.reckon.jobs.reconcile.ReconcileFunction;
import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.MeterEvent;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.util.Collector;

/**
 * The benchmark's floor: the reconciliation job's graph (sources, decoding, watermarks, the invoice
 * fence, the contract broadcast, the keyed exchange into the reconcile operator) with a reconcile
 * function that only counts the records it is handed. What it costs per event is what Flink and the
 * inputs cost before any reconciling, so no implementation that reconciles every record in this graph
 * runs more events per CPU-second than it does: a target above the floor is out of reach of the design,
 * not of the code.
 */
final class FloorFunction extends ReconcileFunction {

    /** Accumulator of the usage and reported records the keyed operator was handed. */
    static final String DELIVERED = "bench.floor-delivered";

    private transient LongCounter delivered;

    FloorFunction() {
        super(ReconSettings.defaults());
    }

    @Override
    public void open(OpenContext openContext) {
        super.open(openContext);
        delivered = new LongCounter();
        getRuntimeContext().addAccumulator(DELIVERED, delivered);
    }

    @Override
    public void processElement(MeterEvent e, ReadOnlyContext ctx, Collector<AnomalyRecord> out) {
        if (e.kind != MeterEvent.Kind.INVOICE_LINE) {
            delivered.add(1L);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AnomalyRecord> out) {
        // No state, no timers: nothing is ever registered.
    }
}
