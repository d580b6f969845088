package io.reckon.actions;

import io.reckon.jobs.JobCounters;
import io.reckon.jobs.records.DeadLetterRecord;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by action id: the life of one action. Commands come from the policy (one per anomaly revision),
 * approvals from people.
 *
 * <ul>
 *   <li>A matching command starts the action: {@code proposed} when its rule requires approval, else
 *       {@code approved} by the policy and sent to execution at once.
 *   <li>A later revision updates a proposed action (a new {@code proposed} step with the new amount), or
 *       withdraws it ({@code skipped}, with the condition it no longer meets).
 *   <li>An approval executes a proposed action when it names the proposal's amount ({@link ApprovalScope}):
 *       an approval of another amount is dead-lettered with the reason and the action keeps waiting, so a
 *       grown amount needs a new approval. A rejection skips the action for good.
 *   <li>An action is sent to execution at most once per action id: the state says so, and it is part of
 *       the same checkpoint as the async operator's queue. A revision after that is recorded as {@code
 *       skipped} with the reason and never executes again. After a restore, calls in flight are repeated
 *       by the async operator with the same action id, which the executors turn into the same idempotency
 *       key or delivery id.
 * </ul>
 *
 * <p>Approvals that cannot apply (the action is not proposed, or no such action appears within {@code
 * actions.approval-wait}) go to the dead letters with the reason. State is kept for {@code
 * actions.state-retention} after the last change.
 */
public final class ActionLifecycle extends KeyedCoProcessFunction<String, ActionCommand, ApprovalRecord, ActionStep> {

    public static final OutputTag<ActionCommand> DISPATCH =
            new OutputTag<>("dispatch", TypeInformation.of(ActionCommand.class)) {};

    public static final OutputTag<DeadLetterRecord> DEAD_LETTERS =
            new OutputTag<>("approval-dead-letters", TypeInformation.of(DeadLetterRecord.class)) {};

    private final long approvalWaitMillis;
    private final Duration retention;

    private transient ValueState<ActionLife> life;
    private transient ValueState<ApprovalRecord> pendingApproval;
    private transient ValueState<Long> pendingTimer;
    private transient JobCounters.Counter dispatched;
    private transient JobCounters.Counter approvalsDeadLettered;

    public ActionLifecycle(Duration approvalWait, Duration retention) {
        this.approvalWaitMillis = approvalWait.toMillis();
        this.retention = retention;
    }

    @Override
    public void open(OpenContext openContext) {
        StateTtlConfig ttl = StateTtlConfig.newBuilder(retention).build();
        ValueStateDescriptor<ActionLife> lifeDescriptor =
                new ValueStateDescriptor<>("action-life", TypeInformation.of(ActionLife.class));
        lifeDescriptor.enableTimeToLive(ttl);
        life = getRuntimeContext().getState(lifeDescriptor);
        pendingApproval = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("pending-approval", TypeInformation.of(ApprovalRecord.class)));
        pendingTimer = getRuntimeContext().getState(new ValueStateDescriptor<>("pending-approval-timer", Long.class));
        JobCounters counters = new JobCounters(getRuntimeContext());
        dispatched = counters.counter("actions.dispatched");
        approvalsDeadLettered = counters.counter("approvals.dead_lettered");
    }

    @Override
    public void processElement1(ActionCommand c, Context ctx, Collector<ActionStep> out) throws Exception {
        ActionLife l = life.value();
        long now = ctx.timerService().currentProcessingTime();
        if (l == null) {
            if (c.matches) {
                l = new ActionLife();
                start(l, c, ctx, out);
            }
            return;
        }
        if (c.anomalyRevision <= l.revision) {
            // The same or an older revision again (a re-read topic): its decision was already taken.
            return;
        }
        l.revision = c.anomalyRevision;
        switch (l.status) {
            case ActionLife.PROPOSED -> {
                if (c.matches) {
                    start(l, c, ctx, out);
                    return;
                }
                l.status = ActionLife.WITHDRAWN;
                emit(
                        out,
                        c.step(ActionStatus.SKIPPED, "policy:" + l.command.policy, now)
                                .withReason("revision " + c.anomalyRevision + " no longer matches: " + c.whyNot));
            }
            case ActionLife.DISPATCHED ->
                emit(
                        out,
                        c.step(ActionStatus.SKIPPED, "policy:" + c.policy, now)
                                .withReason("already sent for execution at revision " + l.dispatchedRevision
                                        + "; an action executes at most once"));
            case ActionLife.WITHDRAWN -> {
                if (c.matches) {
                    start(l, c, ctx, out);
                    return;
                }
            }
            default -> {
                // Rejected by a person: later revisions change nothing.
            }
        }
        life.update(l);
    }

    private void start(ActionLife l, ActionCommand c, Context ctx, Collector<ActionStep> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        l.revision = c.anomalyRevision;
        l.command = c;
        ApprovalRecord pending = pendingApproval.value();
        if (!c.requireApproval) {
            emit(
                    out,
                    c.step(ActionStatus.APPROVED, "policy:" + c.policy, now)
                            .withReason("rule " + c.policy + " needs no approval"));
            dispatch(l, c, ctx);
            if (pending != null) {
                clearPending(ctx);
                deadLetter(ctx, pending, "action " + c.actionId + " needs no approval (rule " + c.policy + ")");
            }
            return;
        }
        l.status = ActionLife.PROPOSED;
        emit(out, c.step(ActionStatus.PROPOSED, "policy:" + c.policy, now).withReason("awaiting approval"));
        life.update(l);
        if (pending != null) {
            ApprovalScope.Result scope = ApprovalScope.judge(c, pending);
            if (scope.verdict() != ApprovalScope.Verdict.WAIT_FOR_REVISION) {
                // Still for a later revision: it keeps waiting under its timer.
                clearPending(ctx);
                apply(l, pending, scope, ctx, out);
                life.update(l);
            }
        }
    }

    @Override
    public void processElement2(ApprovalRecord a, Context ctx, Collector<ActionStep> out) throws Exception {
        ActionLife l = life.value();
        if (l == null) {
            // The decision may be read before the proposal (two topics, each at its own pace): keep it.
            hold(a, ctx);
            return;
        }
        if (!ActionLife.PROPOSED.equals(l.status)) {
            deadLetter(
                    ctx,
                    a,
                    "action " + a.actionId + " is " + l.status + ", not awaiting approval; decision '" + a.decision
                            + "' by " + a.approver + " not applied");
            return;
        }
        apply(l, a, ApprovalScope.judge(l.command, a), ctx, out);
        life.update(l);
    }

    /** Keeps a decision until its proposal (or the revision it names) arrives, for at most the wait. */
    private void hold(ApprovalRecord a, Context ctx) throws Exception {
        ApprovalRecord earlier = pendingApproval.value();
        if (earlier != null) {
            deadLetter(ctx, earlier, "superseded by a later decision on action " + a.actionId);
        } else {
            long at = ctx.timerService().currentProcessingTime() + approvalWaitMillis;
            ctx.timerService().registerProcessingTimeTimer(at);
            pendingTimer.update(at);
        }
        pendingApproval.update(a);
    }

    /**
     * Applies a decision to a proposed action as {@link ApprovalScope} judged it: an approval of another
     * amount is dead-lettered with the reason and the action keeps waiting for one of its amount.
     */
    private void apply(
            ActionLife l, ApprovalRecord a, ApprovalScope.Result scope, Context ctx, Collector<ActionStep> out)
            throws Exception {
        switch (scope.verdict()) {
            case APPLIES -> decide(l, a, ctx, out);
            case WAIT_FOR_REVISION -> hold(a, ctx);
            case DOES_NOT_APPLY -> deadLetter(ctx, a, scope.reason());
        }
    }

    private void decide(ActionLife l, ApprovalRecord a, Context ctx, Collector<ActionStep> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        ActionCommand c = l.command;
        if (a.approved()) {
            emit(out, c.step(ActionStatus.APPROVED, a.approver, now).withReason(a.reason));
            dispatch(l, c, ctx);
        } else {
            l.status = ActionLife.REJECTED;
            emit(
                    out,
                    c.step(ActionStatus.SKIPPED, a.approver, now)
                            .withReason("rejected by " + a.approver + (a.reason == null ? "" : ": " + a.reason)));
        }
    }

    private void dispatch(ActionLife l, ActionCommand c, Context ctx) throws Exception {
        l.status = ActionLife.DISPATCHED;
        l.dispatchedRevision = c.anomalyRevision;
        life.update(l);
        dispatched.inc();
        ctx.output(DISPATCH, c);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ActionStep> out) throws Exception {
        ApprovalRecord pending = pendingApproval.value();
        pendingTimer.clear();
        if (pending != null) {
            pendingApproval.clear();
            Duration wait = Duration.ofMillis(approvalWaitMillis);
            ActionLife l = life.value();
            deadLetter(
                    ctx,
                    pending,
                    l == null
                            ? "no action " + pending.actionId + " was proposed within " + wait
                            : "approval of action " + pending.actionId + " names revision " + pending.anomalyRevision
                                    + ", which was not proposed within " + wait + " (the action is " + l.status
                                    + " at revision " + l.revision + ")");
        }
    }

    private void clearPending(Context ctx) throws Exception {
        pendingApproval.clear();
        Long at = pendingTimer.value();
        if (at != null) {
            ctx.timerService().deleteProcessingTimeTimer(at);
            pendingTimer.clear();
        }
    }

    private void deadLetter(Context ctx, ApprovalRecord a, String reason) {
        approvalsDeadLettered.inc();
        ctx.output(
                DEAD_LETTERS,
                DeadLetterRecord.of(
                        a.topic,
                        a.partition,
                        a.offset,
                        a.raw,
                        reason,
                        ctx.timerService().currentProcessingTime()));
    }

    private static void emit(Collector<ActionStep> out, ActionStep step) {
        out.collect(step);
    }
}
