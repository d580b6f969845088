package io.reckon.jobs.reconcile;

import io.reckon.jobs.sources.CorroboratedTime;
import io.reckon.jobs.sources.RecordId;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;

/**
 * How far in event time the input has been observed, so that hours after the data's real end are not
 * judged as usage drops. When a bounded input ends, the watermark jumps to the end of time and the
 * remaining ticks of every open period fire; the hours between the last record and the period's end
 * were never observed, and an empty hour there is no evidence of a drop.
 *
 * <p>The reach is the larger of the usage event time this subtask has read corroborated by {@link
 * #CORROBORATION} records with distinct ids at or after it (the third largest, each id at its latest
 * copy: no single record dated far ahead, within what input validation lets through, can stretch it,
 * nor can copies of it, as for the watermark, see {@code reconcile.watermark-corroboration}) and the
 * last finite watermark it has seen; the hours a USAGE_SPIKE/USAGE_DROP verdict is given on end at the reach (an
 * hour h is judged only when h + 1 h &lt;= reach + 1 ms). While the input is unbounded every tick is at or
 * below the watermark, so nothing changes there; at the end of a bounded input the reach is the
 * subtask's highest usage event time, a maximum over its records and so the same in any arrival order
 * (the last finite watermark decides only for a subtask whose keys all fell silent before the others',
 * and then only by what the watermark had reached, which depends on when the last watermark before
 * the end was emitted). When the whole input's end is known ({@code reconcile.input-end}, which {@code
 * reckon replay} sets from its sorted usage file), the reach is the larger of it and what this
 * subtask read, and the watermark plays no part: every subtask judges up to the same end in every
 * run.
 *
 * <p>Kept in operator state (union list state, the maximum taken on restore), so a restart between the
 * last record and the end of the input judges the same hours.
 */
final class InputReach {

    static final String STATE = "reconcile-input-reach";

    /** Usage records with distinct ids at or after the reach: the default watermark corroboration. */
    static final int CORROBORATION = 3;

    private ListState<Long> state;
    /** The reach restored from a checkpoint. */
    private long restored = Long.MIN_VALUE;
    /** The largest usage event times read, one per record id. */
    private final CorroboratedTime largest = new CorroboratedTime(CORROBORATION);

    private long lastFiniteWatermark = Long.MIN_VALUE;

    /** Where the whole input is known to reach, or {@link ReconSettings#NO_INPUT_END}. */
    private final long inputEnd;

    /** @param inputEnd where the whole bounded input is known to reach, or {@link ReconSettings#NO_INPUT_END} */
    InputReach(long inputEnd) {
        this.inputEnd = inputEnd;
    }

    void restore(FunctionInitializationContext context) throws Exception {
        state = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>(STATE, Types.LONG));
        if (context.isRestored()) {
            for (Long reach : state.get()) {
                restored = Math.max(restored, reach);
            }
        }
    }

    void snapshot() throws Exception {
        if (state != null) {
            state.update(java.util.List.of(reach()));
        }
    }

    /** A usage record with this id and event time was read. */
    void usage(String accountId, String meter, String id, long eventTime) {
        if (largest.mayMove(eventTime)) { // most records cannot: no id is made for them
            largest.add(new RecordId(accountId, meter, id), eventTime);
        }
    }

    /** The watermark reached {@code watermark}; the jump to the end of time is not an observation. */
    void watermark(long watermark) {
        if (watermark != Long.MAX_VALUE) {
            lastFiniteWatermark = Math.max(lastFiniteWatermark, watermark);
        }
    }

    /** The last event time observed (inclusive); Long.MIN_VALUE when nothing was. */
    long reach() {
        long observed = inputEnd != ReconSettings.NO_INPUT_END ? inputEnd : lastFiniteWatermark;
        return Math.max(restored, Math.max(largest.time(), observed));
    }

    /**
     * The end (exclusive, on an hour boundary) of the hours that can be judged as of {@code asOf}: the
     * hours before {@code asOf} that end at or before the reach.
     */
    long judgeableBefore(long asOf) {
        long reach = reach();
        if (reach == Long.MIN_VALUE) {
            return Long.MIN_VALUE;
        }
        long end = Math.floorDiv(reach + 1, ReconSettings.HOUR_MS) * ReconSettings.HOUR_MS;
        return Math.min(asOf, end);
    }
}
