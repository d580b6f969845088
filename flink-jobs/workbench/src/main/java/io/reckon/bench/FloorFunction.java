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
 * function that does next to nothing with the records it is handed. What it costs per event is what
 * Flink and the inputs cost before any reconciling.
 *
 * <p>Two floors: one that only counts the records, and one that also admits each record's id into
 * Reckon's own deduplication, in the layout it has for the state backend (a table per key with heap
 * state, an entry per id with RocksDB): the lookup and write per record that keeping every id for as
 * long as its period is retained cannot do without. No implementation in this graph runs more events
 * per CPU-second than the first, and none with that layout of the ids more than the second: a target
 * above them needs another design, not faster code.
 */
final class FloorFunction extends ReconcileFunction {

    /** Accumulator of the usage and reported records the keyed operator was handed. */
    static final String DELIVERED = "bench.floor-delivered";

    private final boolean keepsIds;
    private transient LongCounter delivered;

    private FloorFunction(boolean keepsIds) {
        super(ReconSettings.defaults());
        this.keepsIds = keepsIds;
    }

    /** Counts the records and does nothing else. */
    static FloorFunction countingOnly() {
        return new FloorFunction(false);
    }

    /** Counts the records and admits each id into deduplication. */
    static FloorFunction keepingIds() {
        return new FloorFunction(true);
    }

    boolean keepsIds() {
        return keepsIds;
    }

    @Override
    public void open(OpenContext openContext) {
        super.open(openContext);
        delivered = new LongCounter();
        getRuntimeContext().addAccumulator(DELIVERED, delivered);
    }

    @Override
    public void processElement(MeterEvent e, ReadOnlyContext ctx, Collector<AnomalyRecord> out) throws Exception {
        if (e.kind == MeterEvent.Kind.INVOICE_LINE) {
            return;
        }
        delivered.add(1L);
        if (keepsIds) {
            admitIdOnly(e);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AnomalyRecord> out) {
        // No timers: nothing is ever registered.
    }
}
