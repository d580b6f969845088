package io.reckon.jobs;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.state.FunctionInitializationContext;

/**
 * The operator state that makes {@link JobCounters} survive restarts: at each checkpoint a subtask
 * writes its counters' totals, and on restore they are read back and the counters start from them.
 *
 * <p>Plain (split) list state, one (name, total) entry per counter and subtask: on a change of
 * parallelism the entries are spread over the new subtasks and summed per name, so the job-wide sum
 * of each count is kept whatever the new parallelism.
 *
 * <pre>{@code
 * public void initializeState(FunctionInitializationContext context) throws Exception {
 *     totals = CounterTotals.restore(context, "ingest-counter-totals");
 * }
 * public void open(OpenContext openContext) {
 *     counters = new JobCounters(getRuntimeContext(), totals.restored());
 * }
 * public void snapshotState(FunctionSnapshotContext context) throws Exception {
 *     totals.snapshot(counters);
 * }
 * }</pre>
 */
public final class CounterTotals {

    private final ListState<Tuple2<String, Long>> state;
    private final Map<String, Long> restored;

    private CounterTotals(ListState<Tuple2<String, Long>> state, Map<String, Long> restored) {
        this.state = state;
        this.restored = restored;
    }

    public static CounterTotals restore(FunctionInitializationContext context, String stateName) throws Exception {
        ListState<Tuple2<String, Long>> state = context.getOperatorStateStore()
                .getListState(new ListStateDescriptor<>(stateName, Types.TUPLE(Types.STRING, Types.LONG)));
        Map<String, Long> restored = new HashMap<>();
        if (context.isRestored()) {
            for (Tuple2<String, Long> t : state.get()) {
                restored.merge(t.f0, t.f1, Long::sum);
            }
        }
        return new CounterTotals(state, restored);
    }

    /** The totals read back from the checkpoint, by counter name; empty on a fresh start. */
    public Map<String, Long> restored() {
        return restored;
    }

    /** Writes the totals of {@code counters} (null before open: the restored totals) to the checkpoint. */
    public void snapshot(JobCounters counters) throws Exception {
        Map<String, Long> totals = counters == null ? restored : counters.totals();
        state.clear();
        for (Map.Entry<String, Long> e : totals.entrySet()) {
            if (e.getValue() != 0) {
                state.add(Tuple2.of(e.getKey(), e.getValue()));
            }
        }
    }
}
