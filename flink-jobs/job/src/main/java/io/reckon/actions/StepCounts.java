package io.reckon.actions;

import io.reckon.jobs.JobCounters;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * Counts the steps of all actions by status ({@code actions.proposed}, {@code .approved}, {@code
 * .executed}, {@code .failed}, {@code .skipped}) where the lifecycle's and the execution's steps meet;
 * the async operator itself may not hold accumulators.
 */
final class StepCounts extends RichMapFunction<ActionStep, ActionStep> {

    private transient JobCounters counters;
    private transient Map<String, JobCounters.Counter> byStatus;

    @Override
    public void open(OpenContext openContext) {
        counters = new JobCounters(getRuntimeContext());
        byStatus = new HashMap<>();
        for (String s : new String[] {
            ActionStatus.PROPOSED,
            ActionStatus.APPROVED,
            ActionStatus.EXECUTED,
            ActionStatus.FAILED,
            ActionStatus.SKIPPED
        }) {
            byStatus.put(s, counters.counter("actions." + s));
        }
    }

    @Override
    public ActionStep map(ActionStep step) {
        byStatus.computeIfAbsent(step.status, s -> counters.counter("actions." + s))
                .inc();
        return step;
    }
}
