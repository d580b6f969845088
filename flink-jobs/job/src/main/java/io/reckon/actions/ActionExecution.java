package io.reckon.actions;

import io.reckon.connectors.actions.ActionExecutor;
import io.reckon.connectors.actions.ActionOutcome;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * Carries out dispatched actions through Flink async I/O: many calls in flight per subtask (bounded by
 * the operator's capacity), none blocking the stream. Each call ends in one step: {@code executed} with
 * the target's id, or {@code failed} with the reason (a refusal, retries used up, or the operator's
 * timeout). Executors retry transient failures themselves, repeating the same idempotency key or
 * delivery id; calls in flight at a checkpoint are part of it and are repeated after a restore the same
 * way, so the target recognises them.
 */
public final class ActionExecution extends RichAsyncFunction<ActionCommand, ActionStep> {

    private final ExecutorFactory factory;
    private final Duration timeout;

    private transient Map<String, ActionExecutor> executors;

    public ActionExecution(ExecutorFactory factory, Duration timeout) {
        this.factory = factory;
        this.timeout = timeout;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        // Counted by StepCounts downstream: async functions may not use accumulators.
        executors = factory.create();
    }

    @Override
    public void close() throws Exception {
        if (executors != null) {
            for (ActionExecutor e : executors.values()) {
                e.close();
            }
        }
    }

    @Override
    public void asyncInvoke(ActionCommand c, ResultFuture<ActionStep> result) {
        ActionExecutor executor = executors.get(c.target);
        if (executor == null) {
            complete(result, failed(c, "no executor is configured for target " + c.target, 0));
            return;
        }
        CompletableFuture<ActionOutcome> call;
        try {
            call = executor.execute(c.toRequest());
        } catch (RuntimeException e) {
            complete(result, failed(c, "executor failed to start the call: " + e, 1));
            return;
        }
        call.whenComplete((outcome, error) -> {
            if (error != null) {
                complete(result, failed(c, "executor failed: " + error, 1));
            } else if (outcome instanceof ActionOutcome.Executed e) {
                ActionStep s = c.step(ActionStatus.EXECUTED, "executor:" + c.kind, System.currentTimeMillis());
                s.externalId = e.externalId();
                s.attempts = e.attempts();
                complete(result, s);
            } else if (outcome instanceof ActionOutcome.Failed f) {
                complete(
                        result,
                        failed(
                                c,
                                (f.retryable() ? "gave up after retries: " : "refused: ") + f.reason(),
                                f.attempts()));
            }
        });
    }

    @Override
    public void timeout(ActionCommand c, ResultFuture<ActionStep> result) {
        // The call may still reach the target after this; a later attempt for the same action id would
        // carry the same idempotency key, and this action id is never dispatched again.
        complete(result, failed(c, "no outcome within " + timeout + "; the target may still complete it", 0));
    }

    private ActionStep failed(ActionCommand c, String reason, int attempts) {
        ActionStep s = c.step(ActionStatus.FAILED, "executor:" + c.kind, System.currentTimeMillis());
        s.reason = reason;
        s.attempts = attempts;
        return s;
    }

    private static void complete(ResultFuture<ActionStep> result, ActionStep step) {
        result.complete(Collections.singletonList(step));
    }
}
