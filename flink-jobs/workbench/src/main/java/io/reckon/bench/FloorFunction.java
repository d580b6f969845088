package io.reckon.bench;

import io.reckon.jobs.reconcile.ReconSettings;
import io.reckon.jobs.reconcile.ReconcileFunction;
import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.MeterEvent;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.Collector;

/**
 * The benchmark's floor: the reconciliation job's graph (sources, decoding, watermarks, the invoice
 * fence, the contract broadcast, the keyed exchange into the reconcile operator) with a reconcile
 * function that does next to nothing with the records it is handed. What it costs per event is what
 * Flink and the inputs cost before any reconciling.
 *
 * <p>Two floors: one that only counts the records, and one that also remembers each record's id in
 * keyed state (a map per key and input, id to event time), the one write per record that a
 * deduplication keeping each id as its own state entry, as Reckon's does, cannot do without. No
 * implementation in this graph runs more events per CPU-second than the first, and none with that
 * layout of the ids more than the second: a target above them needs another design, not faster code.
 */
final class FloorFunction extends ReconcileFunction {

    /** Accumulator of the usage and reported records the keyed operator was handed. */
    static final String DELIVERED = "bench.floor-delivered";

    private final boolean keepsIds;
    private transient LongCounter delivered;
    private transient MapState<String, Long> usageIds;
    private transient MapState<String, Long> reportIds;

    private FloorFunction(boolean keepsIds) {
        super(ReconSettings.defaults());
        this.keepsIds = keepsIds;
    }

    /** Counts the records and does nothing else. */
    static FloorFunction countingOnly() {
        return new FloorFunction(false);
    }

    /** Counts the records and puts each id into keyed state. */
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
        if (keepsIds) {
            usageIds = getRuntimeContext()
                    .getMapState(new MapStateDescriptor<>("floor-usage-ids", Types.STRING, Types.LONG));
            reportIds = getRuntimeContext()
                    .getMapState(new MapStateDescriptor<>("floor-report-ids", Types.STRING, Types.LONG));
        }
    }

    @Override
    public void processElement(MeterEvent e, ReadOnlyContext ctx, Collector<AnomalyRecord> out) throws Exception {
        if (e.kind == MeterEvent.Kind.INVOICE_LINE) {
            return;
        }
        delivered.add(1L);
        if (keepsIds) {
            (e.kind == MeterEvent.Kind.USAGE ? usageIds : reportIds).put(e.id, e.eventTime);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AnomalyRecord> out) {
        // No timers: nothing is ever registered.
    }
}
