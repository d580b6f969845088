package io.reckon.actions;

import com.fasterxml.jackson.databind.JsonNode;
import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.ContractEvent;
import io.reckon.jobs.records.InvalidRecordException;
import io.reckon.jobs.records.JsonFields;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by account: joins each anomaly revision with the latest contract version of its account (for the
 * Stripe customer and the CRM company) and applies the policy.
 *
 * <p>Anomalies and contracts come from two topics read at their own pace, so an anomaly may arrive
 * before its account's contract. It then waits in state until the contract arrives, or at most {@code
 * actions.contract-wait} of processing time; after that it is planned without contract ids and an
 * executor that needs them records the action as failed with that reason. A bounded run (replay, demo)
 * also lets them go at the end of its input, when the final watermark fires the event-time timer set
 * at the end of time; the job has no other watermarks, so that timer never fires in a live job. State
 * per account: one small contract reference and the anomalies waiting (usually none).
 */
public final class ActionPlanner extends KeyedCoProcessFunction<String, AnomalyRecord, ContractEvent, ActionCommand> {

    /** Reached only by the watermark a bounded source emits when its input ends. */
    static final long END_OF_INPUT = Long.MAX_VALUE - 1;

    private final ActionPolicy policy;
    private final long contractWaitMillis;

    private transient ValueState<ContractRefs> contract;
    private transient ListState<AnomalyRecord> waiting;
    private transient ValueState<Long> waitTimer;

    public ActionPlanner(ActionPolicy policy, Duration contractWait) {
        this.policy = policy;
        this.contractWaitMillis = contractWait.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        contract = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("contract-refs", TypeInformation.of(ContractRefs.class)));
        waiting = getRuntimeContext()
                .getListState(new ListStateDescriptor<>("waiting-anomalies", TypeInformation.of(AnomalyRecord.class)));
        waitTimer = getRuntimeContext().getState(new ValueStateDescriptor<>("contract-wait-timer", Long.class));
    }

    @Override
    public void processElement1(AnomalyRecord anomaly, Context ctx, Collector<ActionCommand> out) throws Exception {
        ContractRefs refs = contract.value();
        if (refs != null) {
            emit(anomaly, refs, out);
            return;
        }
        waiting.add(anomaly);
        if (waitTimer.value() == null) {
            long at = ctx.timerService().currentProcessingTime() + contractWaitMillis;
            ctx.timerService().registerProcessingTimeTimer(at);
            ctx.timerService().registerEventTimeTimer(END_OF_INPUT);
            waitTimer.update(at);
        }
    }

    @Override
    public void processElement2(ContractEvent c, Context ctx, Collector<ActionCommand> out) throws Exception {
        ContractRefs current = contract.value();
        if (current != null && current.version > c.version) {
            return;
        }
        ContractRefs refs = refsOf(c);
        contract.update(refs);
        flush(refs, ctx, out);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ActionCommand> out) throws Exception {
        flush(contract.value(), ctx, out);
    }

    private void flush(ContractRefs refs, Context ctx, Collector<ActionCommand> out) throws Exception {
        for (AnomalyRecord a : waiting.get()) {
            emit(a, refs, out);
        }
        waiting.clear();
        Long timer = waitTimer.value();
        if (timer != null) {
            ctx.timerService().deleteProcessingTimeTimer(timer);
            ctx.timerService().deleteEventTimeTimer(END_OF_INPUT);
            waitTimer.clear();
        }
    }

    private void emit(AnomalyRecord a, ContractRefs refs, Collector<ActionCommand> out) {
        for (ActionCommand c : policy.plan(a, refs)) {
            out.collect(c);
        }
    }

    static ContractRefs refsOf(ContractEvent c) {
        try {
            JsonNode n = JsonFields.parse(c.json);
            return new ContractRefs(
                    c.version,
                    JsonFields.optionalText(n, "stripe_customer_id"),
                    JsonFields.optionalText(n, "crm_account_id"));
        } catch (InvalidRecordException e) {
            // Contracts were validated when they were read; an unreadable one here is a bug, not input.
            throw new IllegalStateException("contract of " + c.accountId + " is not valid JSON", e);
        }
    }
}
