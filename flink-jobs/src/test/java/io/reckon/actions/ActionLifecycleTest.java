package io.reckon.actions;

import static io.reckon.actions.ActionFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.DeadLetterRecord;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ActionLifecycleTest {

    private static final Duration APPROVAL_WAIT = Duration.ofHours(1);

    private KeyedTwoInputStreamOperatorTestHarness<String, ActionCommand, ApprovalRecord, ActionStep> harness;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness();
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, ActionCommand, ApprovalRecord, ActionStep>
            newHarness() throws Exception {
        // Built by hand rather than through ProcessFunctionTestHarnesses, which opens the harness and so
        // leaves no way to restore a snapshot into it.
        var h = new KeyedTwoInputStreamOperatorTestHarness<String, ActionCommand, ApprovalRecord, ActionStep>(
                new KeyedCoProcessOperator<>(new ActionLifecycle(APPROVAL_WAIT, Duration.ofDays(90))),
                (ActionCommand c) -> c.actionId,
                (ApprovalRecord a) -> a.actionId,
                Types.STRING);
        h.setProcessingTime(1_000);
        return h;
    }

    @Test
    void anActionThatNeedsApprovalIsProposedAndExecutedOnlyWhenApproved() throws Exception {
        ActionPolicy policy = policy(true);
        ActionCommand invoice = command(
                policy, anomaly("UNDER_REPORTED_USAGE", "acct_1", 1, 25_000, true), ActionKind.STRIPE_DRAFT_INVOICE);
        assertThat(invoice.matches).isTrue();

        harness.processElement1(new StreamRecord<>(invoice));
        assertThat(steps()).containsExactly("proposed#1 by policy:invoice-big");
        assertThat(dispatched()).isEmpty();

        harness.processElement2(new StreamRecord<>(approval(invoice.actionId, "approved", "ana@example.com")));
        assertThat(steps()).containsExactly("proposed#1 by policy:invoice-big", "approved#1 by ana@example.com");
        assertThat(dispatched()).containsExactly(invoice.actionId + "#1:25000");
    }

    @Test
    void aNewRevisionUpdatesTheProposedActionInsteadOfCreatingASecond() throws Exception {
        ActionPolicy policy = policy(true);
        ActionCommand r1 = command(
                policy, anomaly("UNDER_REPORTED_USAGE", "acct_1", 2, 25_000, true), ActionKind.STRIPE_DRAFT_INVOICE);
        ActionCommand r2 = command(
                policy, anomaly("UNDER_REPORTED_USAGE", "acct_1", 3, 40_000, true), ActionKind.STRIPE_DRAFT_INVOICE);
        assertThat(r2.actionId).isEqualTo(r1.actionId);

        harness.processElement1(new StreamRecord<>(r1));
        harness.processElement1(new StreamRecord<>(r2));
        harness.processElement2(new StreamRecord<>(approval(r1.actionId, "approved", "ana@example.com")));

        assertThat(outputs().stream().map(s -> s.actionId).distinct()).containsExactly(r1.actionId);
        assertThat(outputs())
                .extracting(s -> s.status + "#" + s.anomalyRevision + ":" + s.amountMinor)
                .containsExactly("proposed#2:25000", "proposed#3:40000", "approved#3:40000");
        assertThat(dispatched()).containsExactly(r1.actionId + "#3:40000");
    }

    @Test
    void aRevisionBelowTheThresholdWithdrawsTheProposalWithTheReason() throws Exception {
        ActionPolicy policy = policy(true);
        ActionCommand r1 = command(
                policy, anomaly("UNDER_REPORTED_USAGE", "acct_1", 1, 25_000, true), ActionKind.STRIPE_DRAFT_INVOICE);
        ActionCommand r2 = command(
                policy, anomaly("UNDER_REPORTED_USAGE", "acct_1", 2, 9_999, true), ActionKind.STRIPE_DRAFT_INVOICE);
        assertThat(r2.matches).isFalse();

        harness.processElement1(new StreamRecord<>(r1));
        harness.processElement1(new StreamRecord<>(r2));

        ActionStep last = outputs().get(outputs().size() - 1);
        assertThat(last.status).isEqualTo("skipped");
        assertThat(last.reason).isEqualTo("revision 2 no longer matches: amount 99.99 usd is below 100.00");
        harness.processElement2(new StreamRecord<>(approval(r1.actionId, "approved", "ana@example.com")));
        assertThat(dispatched()).isEmpty();
        assertThat(deadLetters())
                .containsExactly("action " + r1.actionId
                        + " is withdrawn, not awaiting approval; decision 'approved' by ana@example.com not applied");
    }

    @Test
    void aRejectionSkipsTheActionForGoodAndNamesTheApprover() throws Exception {
        ActionPolicy policy = policy(true);
        AnomalyRecord a = anomaly("UNDER_REPORTED_USAGE", "acct_1", 1, 25_000, true);
        ActionCommand c = command(policy, a, ActionKind.STRIPE_DRAFT_INVOICE);
        harness.processElement1(new StreamRecord<>(c));
        harness.processElement2(new StreamRecord<>(approval(c.actionId, "rejected", "bo@example.com")));
        harness.processElement1(new StreamRecord<>(command(
                policy, anomaly("UNDER_REPORTED_USAGE", "acct_1", 2, 30_000, true), ActionKind.STRIPE_DRAFT_INVOICE)));

        assertThat(steps()).containsExactly("proposed#1 by policy:invoice-big", "skipped#1 by bo@example.com");
        assertThat(outputs().get(1).reason).isEqualTo("rejected by bo@example.com: checked");
        assertThat(dispatched()).isEmpty();
    }

    @Test
    void anApprovalReadBeforeItsProposalIsAppliedWhenTheProposalArrives() throws Exception {
        ActionPolicy policy = policy(true);
        ActionCommand c =
                command(policy, anomaly("UNBILLED_USAGE", "acct_2", 1, 50_000, true), ActionKind.STRIPE_DRAFT_INVOICE);
        harness.processElement2(new StreamRecord<>(approval(c.actionId, "approved", "ana@example.com")));
        assertThat(outputs()).isEmpty();

        harness.processElement1(new StreamRecord<>(c));
        assertThat(steps()).containsExactly("proposed#1 by policy:invoice-big", "approved#1 by ana@example.com");
        assertThat(dispatched()).containsExactly(c.actionId + "#1:50000");
        harness.setProcessingTime(1_000 + APPROVAL_WAIT.toMillis() + 1);
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void aRejectionReadBeforeItsProposalHoldsForLaterRevisions() throws Exception {
        ActionPolicy policy = policy(true);
        ActionCommand r1 =
                command(policy, anomaly("UNBILLED_USAGE", "acct_2", 1, 50_000, true), ActionKind.STRIPE_DRAFT_INVOICE);
        harness.processElement2(new StreamRecord<>(approval(r1.actionId, "rejected", "bo@example.com")));
        harness.processElement1(new StreamRecord<>(r1));
        harness.processElement1(new StreamRecord<>(command(
                policy, anomaly("UNBILLED_USAGE", "acct_2", 2, 70_000, true), ActionKind.STRIPE_DRAFT_INVOICE)));

        assertThat(steps()).containsExactly("proposed#1 by policy:invoice-big", "skipped#1 by bo@example.com");
        assertThat(dispatched()).isEmpty();
    }

    @Test
    void anApprovalForAnActionNeverProposedIsDeadLetteredAfterTheWait() throws Exception {
        harness.processElement2(new StreamRecord<>(approval("act_nothing", "approved", "ana@example.com")));
        harness.setProcessingTime(1_000 + APPROVAL_WAIT.toMillis() - 1);
        assertThat(deadLetters()).isEmpty();
        harness.setProcessingTime(1_000 + APPROVAL_WAIT.toMillis());
        assertThat(deadLetters()).containsExactly("no action act_nothing was proposed within PT1H");
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void aCommandThatMatchesNothingLeavesNoState() throws Exception {
        ActionPolicy policy = policy(true);
        ActionCommand notFinal = command(
                policy, anomaly("UNDER_REPORTED_USAGE", "acct_1", 1, 25_000, false), ActionKind.STRIPE_DRAFT_INVOICE);
        assertThat(notFinal.matches).isFalse();
        harness.processElement1(new StreamRecord<>(notFinal));
        assertThat(outputs()).isEmpty();
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void afterRestoreFromASnapshotALaterRevisionNeverExecutesTheActionAgain() throws Exception {
        ActionPolicy policy = policy(false);
        ActionCommand r1 = command(
                policy, anomaly("UNDER_REPORTED_USAGE", "acct_1", 1, 25_000, true), ActionKind.STRIPE_DRAFT_INVOICE);
        harness.processElement1(new StreamRecord<>(r1));
        assertThat(steps()).containsExactly("approved#1 by policy:invoice-big");
        assertThat(dispatched()).containsExactly(r1.actionId + "#1:25000");

        OperatorSubtaskState snapshot = harness.snapshot(1L, 1_500L);
        harness.close();
        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();

        harness.processElement1(new StreamRecord<>(r1));
        harness.processElement1(new StreamRecord<>(command(
                policy, anomaly("UNDER_REPORTED_USAGE", "acct_1", 2, 60_000, true), ActionKind.STRIPE_DRAFT_INVOICE)));
        assertThat(dispatched()).isEmpty();
        assertThat(steps()).containsExactly("skipped#2 by policy:invoice-big");
        assertThat(outputs().get(0).reason)
                .isEqualTo("already sent for execution at revision 1; an action executes at most once");
    }

    @Test
    void withoutApprovalThePolicyApprovesAndEveryKindGetsItsOwnActionId() throws Exception {
        ActionPolicy policy = policy(false);
        AnomalyRecord big = anomaly("UNDER_REPORTED_USAGE", "acct_1", 1, 250_000, true);
        for (ActionCommand c : policy.plan(big, new ContractRefs(1, "cus_1", "co_1"))) {
            harness.processElement1(new StreamRecord<>(c));
        }
        assertThat(outputs())
                .extracting(s -> s.kind + "->" + s.target + ":" + s.status)
                .containsExactlyInAnyOrder("stripe_draft_invoice->stripe:approved", "webhook->finance:approved");
        assertThat(dispatched()).hasSize(2);
    }

    private List<ActionStep> outputs() {
        return harness.extractOutputValues();
    }

    private List<String> steps() {
        return outputs().stream()
                .map(s -> s.status + "#" + s.anomalyRevision + " by " + s.actor)
                .collect(Collectors.toList());
    }

    private List<String> dispatched() {
        var out = harness.getSideOutput(ActionLifecycle.DISPATCH);
        return out == null
                ? List.of()
                : out.stream()
                        .map(r -> r.getValue())
                        .map(c -> c.actionId + "#" + c.anomalyRevision + ":" + c.amountMinor)
                        .collect(Collectors.toList());
    }

    private List<String> deadLetters() {
        var out = harness.getSideOutput(ActionLifecycle.DEAD_LETTERS);
        return out == null
                ? List.of()
                : out.stream()
                        .map(r -> r.getValue())
                        .map((DeadLetterRecord d) -> d.reason)
                        .filter(Objects::nonNull)
                        .collect(Collectors.toList());
    }
}
