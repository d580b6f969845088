package io.reckon.actions;

import static io.reckon.actions.ActionFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.connectors.actions.ActionRequest;
import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.DeadLetterRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
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

        harness.processElement2(new StreamRecord<>(approval(invoice, "ana@example.com")));
        assertThat(steps()).containsExactly("proposed#1 by policy:invoice-big", "approved#1 by ana@example.com");
        assertThat(dispatched()).containsExactly(invoice.actionId + "#1:25000");
    }

    @Test
    void anApprovalAt250DoesNotExecuteADraftInvoiceThatGrewTo400AndANewApprovalAt400Does() throws Exception {
        ActionPolicy policy = policy(true);
        ActionCommand r2 = command(
                policy, anomaly("UNDER_REPORTED_USAGE", "acct_1", 2, 25_000, true), ActionKind.STRIPE_DRAFT_INVOICE);
        ActionCommand r3 = command(
                policy, anomaly("UNDER_REPORTED_USAGE", "acct_1", 3, 40_000, true), ActionKind.STRIPE_DRAFT_INVOICE);
        assertThat(r3.actionId).as("a revision updates its action").isEqualTo(r2.actionId);

        harness.processElement1(new StreamRecord<>(r2));
        harness.processElement1(new StreamRecord<>(r3));
        // Ana approved what she saw: revision 2 at 250.00. The leak has grown since.
        harness.processElement2(new StreamRecord<>(approval(r2, "ana@example.com")));

        assertThat(outputs().stream().map(s -> s.actionId).distinct()).containsExactly(r2.actionId);
        assertThat(outputs())
                .extracting(s -> s.status + "#" + s.anomalyRevision + ":" + s.amountMinor)
                .containsExactly("proposed#2:25000", "proposed#3:40000");
        assertThat(dispatched()).isEmpty();
        assertThat(deadLetters())
                .containsExactly("approval by ana@example.com of action " + r2.actionId
                        + " names revision 2 at 250.00 usd, but revision 3 proposes 400.00 usd; the action waits for"
                        + " an approval of that amount");

        harness.processElement2(new StreamRecord<>(approval(r3, "bo@example.com")));
        assertThat(outputs())
                .extracting(s -> s.status + "#" + s.anomalyRevision + ":" + s.amountMinor + " by " + s.actor)
                .containsExactly(
                        "proposed#2:25000 by policy:invoice-big",
                        "proposed#3:40000 by policy:invoice-big",
                        "approved#3:40000 by bo@example.com");
        assertThat(dispatched()).containsExactly(r2.actionId + "#3:40000");
    }

    @Test
    void anApprovalOfTheProposedRevisionAtAnotherAmountOrCurrencyDoesNotApply() throws Exception {
        ActionPolicy policy = policy(true);
        ActionCommand r1 = command(
                policy, anomaly("UNDER_REPORTED_USAGE", "acct_1", 1, 25_000, true), ActionKind.STRIPE_DRAFT_INVOICE);
        harness.processElement1(new StreamRecord<>(r1));
        harness.processElement2(new StreamRecord<>(approval(r1.actionId, 1, 24_999, "ana@example.com")));
        ApprovalRecord euros = approval(r1, "ana@example.com");
        euros.currency = "eur";
        harness.processElement2(new StreamRecord<>(euros));
        ApprovalRecord unnamed = approval(r1.actionId, "approved", "ana@example.com");
        harness.processElement2(new StreamRecord<>(unnamed));

        assertThat(dispatched()).isEmpty();
        assertThat(deadLetters())
                .extracting(r -> r.substring(r.indexOf(" names ")))
                .containsExactly(
                        " names revision 1 at 249.99 usd, but revision 1 proposes 250.00 usd; the action waits for an"
                                + " approval of that amount",
                        " names revision 1 at 250.00 eur, but revision 1 proposes 250.00 usd; the action waits for an"
                                + " approval of that amount",
                        " names no revision and amount, but revision 1 proposes 250.00 usd; the action waits for an"
                                + " approval of that amount");
        assertThat(steps()).containsExactly("proposed#1 by policy:invoice-big");
    }

    @Test
    void anApprovalOfAnEarlierRevisionAtTheSameAmountStillApplies() throws Exception {
        ActionPolicy policy = policy(true);
        ActionCommand r1 = command(
                policy, anomaly("UNDER_REPORTED_USAGE", "acct_1", 1, 25_000, true), ActionKind.STRIPE_DRAFT_INVOICE);
        AnomalyRecord sameAmount = anomaly("UNDER_REPORTED_USAGE", "acct_1", 2, 25_000, true);
        sameAmount.confidence = 0.95;
        ActionCommand r2 = command(policy, sameAmount, ActionKind.STRIPE_DRAFT_INVOICE);
        harness.processElement1(new StreamRecord<>(r1));
        harness.processElement1(new StreamRecord<>(r2));
        harness.processElement2(new StreamRecord<>(approval(r1, "ana@example.com")));

        assertThat(deadLetters()).isEmpty();
        assertThat(dispatched()).containsExactly(r1.actionId + "#2:25000");
    }

    @Test
    void anApprovalOfARevisionNotYetReadWaitsForItAndAppliesWhenItsAmountMatches() throws Exception {
        ActionPolicy policy = policy(true);
        ActionCommand r1 = command(
                policy, anomaly("UNDER_REPORTED_USAGE", "acct_1", 1, 25_000, true), ActionKind.STRIPE_DRAFT_INVOICE);
        ActionCommand r2 = command(
                policy, anomaly("UNDER_REPORTED_USAGE", "acct_1", 2, 40_000, true), ActionKind.STRIPE_DRAFT_INVOICE);
        ActionCommand r3 = command(
                policy, anomaly("UNDER_REPORTED_USAGE", "acct_1", 3, 40_000, true), ActionKind.STRIPE_DRAFT_INVOICE);
        harness.processElement1(new StreamRecord<>(r1));
        // Approved from the actions table, where revision 2 already shows; this job has not read it yet.
        harness.processElement2(new StreamRecord<>(approval(r2, "ana@example.com")));
        assertThat(dispatched()).isEmpty();
        assertThat(deadLetters()).isEmpty();

        harness.processElement1(new StreamRecord<>(r2));
        assertThat(dispatched()).containsExactly(r1.actionId + "#2:40000");
        harness.processElement1(new StreamRecord<>(r3));
        assertThat(dispatched()).hasSize(1);
        harness.setProcessingTime(1_000 + APPROVAL_WAIT.toMillis() + 1);
        assertThat(deadLetters()).isEmpty();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void anApprovalOfARevisionThatNeverComesIsDeadLetteredAfterTheWaitAndTheActionStaysProposed() throws Exception {
        ActionPolicy policy = policy(true);
        ActionCommand r1 = command(
                policy, anomaly("UNDER_REPORTED_USAGE", "acct_1", 1, 25_000, true), ActionKind.STRIPE_DRAFT_INVOICE);
        harness.processElement1(new StreamRecord<>(r1));
        harness.processElement2(new StreamRecord<>(approval(r1.actionId, 5, 25_000, "ana@example.com")));
        harness.setProcessingTime(1_000 + APPROVAL_WAIT.toMillis());

        assertThat(deadLetters())
                .containsExactly(
                        "approval of action " + r1.actionId + " names revision 5, which was not proposed within"
                                + " PT1H (the action is proposed at revision 1)");
        assertThat(dispatched()).isEmpty();
        harness.processElement2(new StreamRecord<>(approval(r1, "ana@example.com")));
        assertThat(dispatched()).containsExactly(r1.actionId + "#1:25000");
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
        harness.processElement2(new StreamRecord<>(approval(r1, "ana@example.com")));
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
        harness.processElement2(new StreamRecord<>(approval(c, "ana@example.com")));
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
        harness.processElement2(new StreamRecord<>(approval("act_nothing", 1, 25_000, "ana@example.com")));
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

        restoreFromSnapshot(1L);

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
        process(policy.plan(big, new ContractRefs(1, "cus_1", "co_1")));
        assertThat(outputs())
                .extracting(s -> s.kind + "->" + s.target + ":" + s.status)
                .containsExactlyInAnyOrder("stripe_draft_invoice->stripe:approved", "webhook->finance:approved");
        assertThat(dispatched()).hasSize(2);
    }

    @Test
    void anApprovalAfterARestoreExecutesTheRevisionProposedLastAndARevisionAfterTheNextRestoreIsSkipped()
            throws Exception {
        ActionPolicy policy = policy(true);
        ActionCommand r1 = command(
                policy, anomaly("UNDER_REPORTED_USAGE", "acct_1", 1, 25_000, true), ActionKind.STRIPE_DRAFT_INVOICE);
        ActionCommand r2 = command(
                policy, anomaly("UNDER_REPORTED_USAGE", "acct_1", 2, 40_000, true), ActionKind.STRIPE_DRAFT_INVOICE);
        ActionCommand r3 = command(
                policy, anomaly("UNDER_REPORTED_USAGE", "acct_1", 3, 60_000, true), ActionKind.STRIPE_DRAFT_INVOICE);
        assertThat(List.of(r2.actionId, r3.actionId)).containsOnly(r1.actionId);
        assertThat(List.of(r1.matches, r2.matches, r3.matches)).containsOnly(true);

        harness.processElement1(new StreamRecord<>(r1));
        assertThat(outputs())
                .extracting(s -> s.status + "#" + s.anomalyRevision + ":" + s.amountMinor + " by " + s.actor)
                .containsExactly("proposed#1:25000 by policy:invoice-big");
        assertThat(dispatchedCommands()).isEmpty();

        // The proposal of revision 1 lives only in the restored state from here on.
        restoreFromSnapshot(1L);

        harness.processElement1(new StreamRecord<>(r2));
        harness.processElement2(new StreamRecord<>(approval(r2, "ana@example.com")));
        assertThat(outputs())
                .extracting(s -> s.status + "#" + s.anomalyRevision + ":" + s.amountMinor + " by " + s.actor)
                .containsExactly("proposed#2:40000 by policy:invoice-big", "approved#2:40000 by ana@example.com");
        assertThat(outputs()).extracting(s -> s.actionId).containsOnly(r1.actionId);
        assertThat(outputs().get(1).reason).isEqualTo("checked");
        List<ActionCommand> sent = dispatchedCommands();
        assertThat(sent).hasSize(1);
        ActionRequest request = sent.get(0).toRequest();
        assertThat(request).isEqualTo(r2.toRequest()).isNotEqualTo(r1.toRequest());
        assertThat(request.actionId()).isEqualTo(r1.actionId);
        assertThat(request.kind()).isEqualTo("stripe_draft_invoice");
        assertThat(request.target()).isEqualTo("stripe");
        assertThat(request.anomalyRevision()).isEqualTo(2);
        assertThat(request.amountMinor()).isEqualTo(40_000L);
        assertThat(request.currency()).isEqualTo("usd");
        assertThat(request.stripeCustomerId()).isEqualTo("cus_1");
        assertThat(request.title())
                .isEqualTo("UNDER_REPORTED_USAGE: 400.00 USD on acct_1/api_calls for the period from"
                        + " 2026-03-01T00:00:00Z");

        // A checkpoint taken after the dispatch: the restored state knows the action was sent.
        restoreFromSnapshot(2L);

        harness.processElement1(new StreamRecord<>(r3));
        harness.processElement2(new StreamRecord<>(approval(r3, "bo@example.com")));
        assertThat(outputs())
                .extracting(s -> s.status + "#" + s.anomalyRevision + ":" + s.amountMinor + " by " + s.actor)
                .containsExactly("skipped#3:60000 by policy:invoice-big");
        assertThat(outputs().get(0).reason)
                .isEqualTo("already sent for execution at revision 2; an action executes at most once");
        assertThat(dispatchedCommands()).isEmpty();
        assertThat(deadLetters())
                .containsExactly("action " + r1.actionId
                        + " is dispatched, not awaiting approval; decision 'approved' by bo@example.com not applied");
    }

    @Test
    void aLeakThatGrowsPastTheInvoiceThresholdAddsAnInvoiceAndNeverRepeatsTheTask() throws Exception {
        Configuration conf = new Configuration();
        conf.set(
                ActionOptions.POLICY_RULES,
                """
                - name: invoice-big
                  match: {min-amount: "100.00"}
                  action: stripe_draft_invoice
                - name: task-small
                  match: {min-amount-minor: 500}
                  action: crm_task
                """);
        ActionPolicy policy = PolicyParser.fromConfiguration(conf);
        ContractRefs refs = new ContractRefs(1, "cus_1", "co_1");
        AnomalyRecord r1 = anomaly("UNBILLED_USAGE", "acct_3", 1, 5_000, true);
        AnomalyRecord r2 = anomaly("UNBILLED_USAGE", "acct_3", 2, 25_000, true);
        String taskId = documentedActionId(r1.anomalyId, "crm_task", "hubspot");
        String invoiceId = documentedActionId(r1.anomalyId, "stripe_draft_invoice", "stripe");
        assertThat(taskId).isNotEqualTo(invoiceId);

        List<ActionCommand> plan1 = policy.plan(r1, refs);
        assertThat(plan1)
                .extracting(c -> c.actionId + ":" + c.kind + ":" + c.matches)
                .containsExactly(invoiceId + ":stripe_draft_invoice:false", taskId + ":crm_task:true");
        process(plan1);
        assertThat(targetedSteps()).containsExactly(taskId + ":crm_task->hubspot:approved#1:5000");
        assertThat(outputs().get(0).reason).isEqualTo("rule task-small needs no approval");

        List<ActionCommand> plan2 = policy.plan(r2, refs);
        assertThat(plan2)
                .extracting(c -> c.actionId + ":" + c.kind + ":" + c.matches)
                .containsExactly(invoiceId + ":stripe_draft_invoice:true", taskId + ":crm_task:false");
        process(plan2);
        assertThat(targetedSteps())
                .containsExactly(
                        taskId + ":crm_task->hubspot:approved#1:5000",
                        invoiceId + ":stripe_draft_invoice->stripe:approved#2:25000",
                        taskId + ":crm_task->hubspot:skipped#2:25000");
        assertThat(outputs().get(1).reason).isEqualTo("rule invoice-big needs no approval");
        assertThat(outputs().get(2).reason)
                .isEqualTo("already sent for execution at revision 1; an action executes at most once");

        assertThat(dispatchedCommands())
                .extracting(ActionCommand::toRequest)
                .extracting(r -> r.actionId() + ":" + r.kind() + "->" + r.target() + "#" + r.anomalyRevision() + ":"
                        + r.amountMinor() + ":" + r.stripeCustomerId() + ":" + r.crmAccountId())
                .containsExactly(
                        taskId + ":crm_task->hubspot#1:5000:cus_1:co_1",
                        invoiceId + ":stripe_draft_invoice->stripe#2:25000:cus_1:co_1");
    }

    private List<ActionStep> outputs() {
        return harness.extractOutputValues();
    }

    private void process(List<ActionCommand> plan) throws Exception {
        for (ActionCommand c : plan) {
            harness.processElement1(new StreamRecord<>(c));
        }
    }

    /** Every step with its action id, kind, target, revision and amount. */
    private List<String> targetedSteps() {
        return outputs().stream()
                .map(s -> s.actionId + ":" + s.kind + "->" + s.target + ":" + s.status + "#" + s.anomalyRevision + ":"
                        + s.amountMinor)
                .collect(Collectors.toList());
    }

    private List<String> steps() {
        return outputs().stream()
                .map(s -> s.status + "#" + s.anomalyRevision + " by " + s.actor)
                .collect(Collectors.toList());
    }

    private List<String> dispatched() {
        return dispatchedCommands().stream()
                .map(c -> c.actionId + "#" + c.anomalyRevision + ":" + c.amountMinor)
                .collect(Collectors.toList());
    }

    private List<ActionCommand> dispatchedCommands() {
        var out = harness.getSideOutput(ActionLifecycle.DISPATCH);
        return out == null ? List.of() : out.stream().map(r -> r.getValue()).collect(Collectors.toList());
    }

    /** Snapshots the harness, closes it and continues in a new harness restored from the snapshot. */
    private void restoreFromSnapshot(long checkpointId) throws Exception {
        OperatorSubtaskState snapshot = harness.snapshot(checkpointId, 1_000L + checkpointId);
        harness.close();
        harness = newHarness();
        harness.initializeState(snapshot);
        harness.open();
    }

    /**
     * The id as docs/actions.md defines it, computed here rather than through {@link ActionIds} so that the
     * test checks the derivation: {@code act_} + the first 128 bits of SHA-256 over anomaly id, kind and
     * target, one per line.
     */
    private static String documentedActionId(String anomalyId, String kind, String target) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest((anomalyId + "\n" + kind + "\n" + target).getBytes(StandardCharsets.UTF_8));
        return "act_" + HexFormat.of().formatHex(digest, 0, 16);
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
