package io.reckon.jobs.reconcile;

import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.streaming.api.TimerService;

/**
 * The watermark the reconcile operator had reached at the checkpoint it was restored from. Flink does
 * not restore watermarks: after a restart the operator's watermark is the beginning of time until its
 * inputs send a new one, while its keyed state (hours ticked, periods matured, verdicts given) is that
 * of the old watermark. A record read in between would be taken for a record of an open hour: combined
 * without the hours it changes being judged again, and a contract arriving then would not have the
 * keys it prices evaluated again. So every watermark the function reads is at least this one ({@link
 * #over}); a restart between two records changes no answer.
 *
 * <p>Kept in operator state (union list state): the least of the subtasks' watermarks is taken on
 * restore, since a key may move to another subtask when the job is rescaled, and each subtask's
 * watermark is the least of all upstream ones anyway (the keyed exchange reaches every subtask).
 */
final class WatermarkFloor {

    static final String STATE = "reconcile-watermark";

    private ListState<Long> state;
    private long restored = Long.MIN_VALUE;
    private long reached = Long.MIN_VALUE;

    void restore(FunctionInitializationContext context) throws Exception {
        state = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>(STATE, Types.LONG));
        if (context.isRestored()) {
            long least = Long.MAX_VALUE;
            boolean any = false;
            for (Long w : state.get()) {
                least = Math.min(least, w);
                any = true;
            }
            restored = any ? least : Long.MIN_VALUE;
        }
        reached = restored;
    }

    void snapshot() throws Exception {
        if (state != null) {
            state.update(List.of(reached));
        }
    }

    /** The operator's watermark reached {@code watermark}. */
    void watermark(long watermark) {
        reached = Math.max(reached, watermark);
    }

    /** {@code timers}, whose watermark is at least the restored one. */
    TimerService over(TimerService timers) {
        return restored == Long.MIN_VALUE || timers.currentWatermark() >= restored
                ? timers
                : new WatermarkView(timers, restored);
    }
}
