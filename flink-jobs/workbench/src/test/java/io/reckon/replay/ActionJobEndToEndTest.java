package io.reckon.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.actions.ActionIds;
import io.reckon.actions.ActionKind;
import io.reckon.actions.ActionOptions;
import io.reckon.actions.ActionPolicy;
import io.reckon.actions.ActionStep;
import io.reckon.actions.ActionWiring;
import io.reckon.actions.ConfiguredExecutors;
import io.reckon.actions.PolicyParser;
import io.reckon.avro.Action;
import io.reckon.avro.Approval;
import io.reckon.avro.DeadLetter;
import io.reckon.connectors.embedded.EmbeddedStack;
import io.reckon.connectors.embedded.FakeBillingApis;
import io.reckon.connectors.kafka.KafkaOptions;
import io.reckon.connectors.kafka.TopicAdmin;
import io.reckon.connectors.kafka.Topics;
import io.reckon.connectors.registry.ConfluentAvroCodec;
import io.reckon.connectors.stripe.StripeDraftInvoiceExecutor;
import io.reckon.connectors.webhook.WebhookExecutor;
import io.reckon.jobs.reconcile.AnomalyIds;
import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.sinks.OutputRecords;
import io.reckon.jobs.sources.InputKind;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The action job through the production graph: anomaly revisions, contracts and approvals in a real
 * KRaft broker (Confluent Avro), the job on a local cluster with exactly-once Kafka sinks and JDBC
 * upserts into real PostgreSQL, and the real Stripe, HubSpot and webhook executors against
 * FakeBillingApis (WireMock). Stripe answers its first calls with a 503 storm and some late (the
 * effect happens, the answer comes after the job has moved on), and the job fails once in the middle
 * of execution and restores its last checkpoint, so calls are in flight across the restart.
 *
 * <p>The workload, per account i = 1..24 (USD): an UNDER_REPORTED_USAGE with a non-final revision of
 * 10.00 x i and a final one of 10.00 x i + 5.00; accounts 10, 15 and 20 get a late final revision of
 * 20.00 more after that; accounts 1..4 a final MISSED_OVERAGE of 300.00 whose invoice needs approval
 * (1 and 2 approved, 3 rejected, 4 left waiting). Account 24's contract has no Stripe customer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ActionJobEndToEndTest {

    private static final int ACCOUNTS = 24;
    private static final long START = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
    private static final long END = Instant.parse("2026-04-01T00:00:00Z").toEpochMilli();

    static final AtomicInteger EXECUTED_SEEN = new AtomicInteger();
    static final AtomicBoolean FAILED_ONCE = new AtomicBoolean();

    @TempDir
    static Path work;

    private EmbeddedStack stack;
    private FakeBillingApis apis;
    private Configuration conf;
    private ActionReplay.Result result;
    private List<DeadLetter> deadLetters;

    @BeforeAll
    void runTheActionJobWithAFailureInTheMiddle() throws Exception {
        stack = EmbeddedStack.start(work.resolve("stack"));
        apis = FakeBillingApis.start();
        conf = new Configuration(stack.connectorConfig());
        conf.set(ActionOptions.POLICY_FILE, policyFile().toString());
        conf.set(ActionOptions.STRIPE_API_BASE, apis.stripeApiBase());
        conf.set(ActionOptions.HUBSPOT_API_BASE, apis.hubspotApiBase());
        conf.set(
                ActionOptions.STRIPE_API_KEY_FILE,
                secret("stripe", "sk_test_reckon").toString());
        conf.set(
                ActionOptions.HUBSPOT_TOKEN_FILE,
                secret("hubspot", "pat-na1-reckon").toString());
        conf.setString("actions.webhooks.finance.url", apis.webhookUrl("finance"));
        conf.setString(
                "actions.webhooks.finance.secret-file",
                secret("finance", apis.webhookSecret("finance")).toString());
        conf.set(ActionOptions.CAPACITY, 4);
        conf.set(ActionOptions.MAX_RETRIES, 4);
        conf.set(ActionOptions.RETRY_BACKOFF, Duration.ofMillis(100));
        conf.set(ActionOptions.REQUEST_TIMEOUT, Duration.ofSeconds(5));
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(300));

        produceInputs();
        // A 503 storm (retried with the same idempotency keys), then answers that come late.
        apis.failNext(FakeBillingApis.Api.STRIPE, 3, 503);
        apis.delayNext(FakeBillingApis.Api.STRIPE, 12, Duration.ofMillis(400));
        apis.delayNext(FakeBillingApis.Api.HUBSPOT, 6, Duration.ofMillis(400));

        ActionPolicy policy = PolicyParser.fromConfiguration(conf);
        ActionWiring.kafkaAndPostgresOutputs(conf);
        var production = ActionWiring.kafkaAndPostgresOutputs(conf);
        result = ActionReplay.run(
                conf,
                ConfiguredExecutors.from(conf, policy),
                new io.reckon.actions.ActionJob.Outputs(
                        steps -> production
                                .steps()
                                .accept(steps.map(new FailOnceAfterExecutions(6))
                                        .name("fail-once")
                                        .uid("fail-once")),
                        production.deadLetters()));
        ConfluentAvroCodec codec = ConfluentAvroCodec.fromConfig(conf);
        deadLetters = new ArrayList<>();
        try (TopicAdmin admin = TopicAdmin.connect(conf)) {
            for (ConsumerRecord<byte[], byte[]> r : admin.readAll(Topics.DLQ, true)) {
                deadLetters.add(codec.decode(r.value(), DeadLetter.class));
            }
        }
    }

    @AfterAll
    void stop() {
        if (apis != null) {
            apis.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theJobFailedOnceInTheMiddleOfExecutionAndRecovered() {
        assertThat(FAILED_ONCE).isTrue();
        // Accumulators (and metrics) count what the last attempt of the job saw: steps emitted before
        // the checkpoint it restored are not emitted again, so the counts are at most the totals.
        assertThat((Long) result.job().getAllAccumulatorResults().get("actions.executed"))
                .isBetween(1L, 30L);
        System.out.printf(
                "action job: %.1f s; HTTP requests stripe %d, hubspot %d, webhook attempts %d; distinct invoices %d,"
                        + " tasks %d, deliveries %d%n",
                result.jobTime().toMillis() / 1000.0,
                apis.requestCount(FakeBillingApis.Api.STRIPE),
                apis.requestCount(FakeBillingApis.Api.HUBSPOT),
                apis.webhookAttempts().size(),
                apis.draftInvoices().size(),
                apis.tasks().size(),
                apis.webhookDeliveries().stream()
                        .map(FakeBillingApis.WebhookDelivery::webhookId)
                        .distinct()
                        .count());
        // The 503 storm alone costs 3 extra Stripe calls; each invoice takes 2 calls.
        assertThat(apis.requestCount(FakeBillingApis.Api.STRIPE)).isGreaterThanOrEqualTo(2 * 16 + 3);
    }

    @Test
    void exactlyTheBigCertainLeaksAndTheApprovedOnesBecameDraftInvoicesOncePerAction() {
        Map<String, Long> expected = new TreeMap<>();
        for (int i = 10; i <= 23; i++) {
            expected.put(ActionIds.of(under(i), ActionKind.STRIPE_DRAFT_INVOICE, "stripe"), 1000L * i + 500);
        }
        expected.put(ActionIds.of(overage(1), ActionKind.STRIPE_DRAFT_INVOICE, "stripe"), 30_000L);
        expected.put(ActionIds.of(overage(2), ActionKind.STRIPE_DRAFT_INVOICE, "stripe"), 30_000L);

        List<FakeBillingApis.DraftInvoice> invoices = apis.draftInvoices();
        Map<String, Long> byKey = new TreeMap<>();
        for (FakeBillingApis.DraftInvoice inv : invoices) {
            byKey.merge(inv.idempotencyKey(), inv.totalMinor(), Long::sum);
        }
        Map<String, Long> byAction = expected.keySet().stream()
                .collect(Collectors.toMap(
                        a -> a,
                        a -> byKey.getOrDefault(StripeDraftInvoiceExecutor.invoiceIdempotencyKey(a), -1L),
                        (x, y) -> x,
                        TreeMap::new));
        assertThat(invoices).hasSize(16);
        assertThat(byKey).hasSize(16);
        assertThat(byAction).isEqualTo(expected);
        assertThat(invoices.stream()
                        .mapToLong(FakeBillingApis.DraftInvoice::totalMinor)
                        .sum())
                .isEqualTo(Σ(10, 23) + 60_000L);
        assertThat(invoices).allSatisfy(inv -> assertThat(inv.items()).hasSize(1));
        assertThat(invoices).extracting(FakeBillingApis.DraftInvoice::customer).doesNotHaveDuplicates();
    }

    @Test
    void theSmallLeaksBecameOneCrmTaskEachOnTheContractsCompany() {
        List<FakeBillingApis.CrmTask> tasks = apis.tasks();
        assertThat(tasks).hasSize(9);
        assertThat(tasks.stream().flatMap(t -> t.companyIds().stream()).sorted())
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 9)
                        .mapToObj(i -> "co_" + i)
                        .sorted()
                        .toList());
    }

    @Test
    void everyHighSeverityAnomalyWasDeliveredToTheWebhookExactlyOnce() {
        List<FakeBillingApis.WebhookDelivery> deliveries = apis.webhookDeliveries();
        List<String> expectedIds = java.util.stream.IntStream.rangeClosed(20, 24)
                .mapToObj(i -> WebhookExecutor.deliveryId(ActionIds.of(under(i), ActionKind.WEBHOOK, "finance")))
                .sorted()
                .toList();
        assertThat(deliveries.stream()
                        .map(FakeBillingApis.WebhookDelivery::webhookId)
                        .distinct()
                        .sorted())
                .containsExactlyElementsOf(expectedIds);
        assertThat(deliveries.stream()
                        .map(FakeBillingApis.WebhookDelivery::webhookId)
                        .distinct())
                .hasSize(5);
    }

    @Test
    void eachActionHasExactlyOneCommittedOutcomeOnTheTopic() {
        Map<String, List<String>> outcomes = new TreeMap<>();
        for (Action a : result.actions()) {
            if (a.getStatus().equals("executed") || a.getStatus().equals("failed")) {
                outcomes.computeIfAbsent(a.getActionId(), k -> new ArrayList<>())
                        .add(a.getStatus());
            }
        }
        assertThat(outcomes.values()).allSatisfy(list -> assertThat(list).hasSize(1));
        Map<String, Long> counts = outcomes.values().stream()
                .map(l -> l.get(0))
                .collect(Collectors.groupingBy(s -> s, TreeMap::new, Collectors.counting()));
        // 16 invoices + 9 tasks + 5 deliveries executed; account 24's invoice failed.
        assertThat(counts).isEqualTo(Map.of("executed", 30L, "failed", 1L));
    }

    @Test
    void theInvoiceWithoutAStripeCustomerFailedWithTheReason() {
        String id = ActionIds.of(under(24), ActionKind.STRIPE_DRAFT_INVOICE, "stripe");
        Action failed = step(id, "failed");
        assertThat(failed.getReason())
                .isEqualTo(
                        "refused: no Stripe customer id on the contract of account acct_24: cannot draft an invoice");
        assertThat(failed.getActor()).isEqualTo("executor:stripe_draft_invoice");
    }

    @Test
    void aLateRevisionAfterExecutionIsSkippedWithTheReasonAndNeverExecutesAgain() {
        for (int i : new int[] {10, 15, 20}) {
            String id = ActionIds.of(under(i), ActionKind.STRIPE_DRAFT_INVOICE, "stripe");
            Action skipped = step(id, "skipped");
            assertThat(skipped.getAnomalyRevision()).isEqualTo(3);
            assertThat(skipped.getReason())
                    .isEqualTo("already sent for execution at revision 2; an action executes at most once");
            assertThat(step(id, "executed").getAmountMinor()).isEqualTo(1000L * i + 500);
        }
    }

    @Test
    void approvalsExecuteRejectionsSkipAndWaitingProposalsStayProposed() {
        String a1 = ActionIds.of(overage(1), ActionKind.STRIPE_DRAFT_INVOICE, "stripe");
        String a3 = ActionIds.of(overage(3), ActionKind.STRIPE_DRAFT_INVOICE, "stripe");
        String a4 = ActionIds.of(overage(4), ActionKind.STRIPE_DRAFT_INVOICE, "stripe");
        assertThat(step(a1, "proposed").getActor()).isEqualTo("policy:invoice-overage-approved");
        assertThat(step(a1, "approved").getActor()).isEqualTo("ana@example.com");
        assertThat(step(a1, "executed").getExternalId()).startsWith("in_");
        assertThat(step(a3, "skipped").getReason()).isEqualTo("rejected by bo@example.com: customer disputes it");
        assertThat(statuses(a4)).containsExactly("proposed");
    }

    @Test
    void badApprovalsAreDeadLetteredWithTheirReason() {
        List<String> reasons = deadLetters.stream()
                .filter(d -> d.getSource().equals(Topics.APPROVALS))
                .map(DeadLetter::getReason)
                .sorted()
                .toList();
        String noApproval = ActionIds.of(under(12), ActionKind.STRIPE_DRAFT_INVOICE, "stripe");
        String overage4 = ActionIds.of(overage(4), ActionKind.STRIPE_DRAFT_INVOICE, "stripe");
        assertThat(reasons).hasSize(4);
        // Read before or after its action was sent to Stripe, the needless approval is refused either way.
        assertThat(reasons.get(0)).startsWith("action " + noApproval + " ");
        assertThat(reasons.get(1))
                .isEqualTo("approval by cy@example.com of action " + overage4 + " names revision 1 at 299.99 usd,"
                        + " but revision 1 proposes 300.00 usd; the action waits for an approval of that amount");
        assertThat(reasons.get(2))
                .isEqualTo("approval of " + overage4 + " does not name the anomaly_revision and amount_minor it"
                        + " approves; an approval applies only to the amount it names");
        assertThat(reasons.get(3)).isEqualTo("decision 'maybe' is neither approved nor rejected");
    }

    @Test
    void theActionsTableHoldsTheLatestStepAndTheAuditTrailEveryStep() throws Exception {
        try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUsername(), stack.jdbcPassword());
                Statement s = c.createStatement()) {
            Map<String, String> counts = new TreeMap<>();
            try (ResultSet r = s.executeQuery("SELECT status, count(*) FROM actions GROUP BY status")) {
                while (r.next()) {
                    counts.put(r.getString(1), r.getString(2));
                }
            }
            // Executed stays executed even though a skipped step (a later revision) came after it.
            assertThat(counts).isEqualTo(Map.of("executed", "30", "failed", "1", "proposed", "1", "skipped", "1"));
            try (ResultSet r = s.executeQuery("SELECT count(*), count(DISTINCT action_id) FROM action_events")) {
                r.next();
                assertThat(r.getLong(1)).isEqualTo(result.actions().size());
                assertThat(r.getLong(2)).isEqualTo(33);
            }
            String a1 = ActionIds.of(overage(1), ActionKind.STRIPE_DRAFT_INVOICE, "stripe");
            try (ResultSet r = s.executeQuery("SELECT status || ':' || actor FROM action_events WHERE action_id = '"
                    + a1 + "' ORDER BY occurred_at, " + STEP_ORDER)) {
                List<String> trail = new ArrayList<>();
                while (r.next()) {
                    trail.add(r.getString(1));
                }
                assertThat(trail)
                        .containsExactly(
                                "proposed:policy:invoice-overage-approved",
                                "approved:ana@example.com",
                                "executed:executor:stripe_draft_invoice");
            }
        }
    }

    /** Steps of one anomaly revision may share a millisecond; their order in the life breaks the tie. */
    private static final String STEP_ORDER =
            "CASE status WHEN 'proposed' THEN 1 WHEN 'approved' THEN 2 WHEN 'skipped' THEN 3 ELSE 4 END";

    private Action step(String actionId, String status) {
        return result.actions().stream()
                .filter(a -> a.getActionId().equals(actionId) && a.getStatus().equals(status))
                .reduce((x, y) -> {
                    throw new AssertionError("two " + status + " steps for " + actionId);
                })
                .orElseThrow(
                        () -> new AssertionError("no " + status + " step for " + actionId + ": " + statuses(actionId)));
    }

    private List<String> statuses(String actionId) {
        return result.actions().stream()
                .filter(a -> a.getActionId().equals(actionId))
                .map(Action::getStatus)
                .toList();
    }

    private static long Σ(int from, int to) {
        long sum = 0;
        for (int i = from; i <= to; i++) {
            sum += 1000L * i + 500;
        }
        return sum;
    }

    private static String account(int i) {
        return String.format("acct_%02d", i);
    }

    private static String under(int i) {
        return AnomalyIds.of("UNDER_REPORTED_USAGE", account(i), "api_calls", START);
    }

    private static String overage(int i) {
        return AnomalyIds.of("MISSED_OVERAGE", account(i), "api_calls", START);
    }

    private Path policyFile() throws Exception {
        Path p = work.resolve("policy.yaml");
        Files.writeString(
                p,
                String.join(
                        "\n",
                        "rules:",
                        "  - name: invoice-big-leaks",
                        "    match: {types: [UNDER_REPORTED_USAGE], min-amount: '100.00', min-confidence: 0.9}",
                        "    action: stripe_draft_invoice",
                        "  - name: invoice-overage-approved",
                        "    match: {types: [MISSED_OVERAGE], min-amount: '100.00'}",
                        "    action: stripe_draft_invoice",
                        "    require-approval: true",
                        "  - name: task-small-leaks",
                        "    match: {types: [UNDER_REPORTED_USAGE]}",
                        "    action: crm_task",
                        "  - name: notify-finance",
                        "    match: {severities: [high, critical], final-only: false}",
                        "    action: webhook",
                        "    endpoints: [finance]",
                        ""));
        return p;
    }

    private Path secret(String name, String value) throws Exception {
        Path p = work.resolve(name + ".secret");
        Files.writeString(p, value + "\n");
        return p;
    }

    private void produceInputs() throws Exception {
        ConfluentAvroCodec codec = ConfluentAvroCodec.fromConfig(conf);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (TopicAdmin admin = TopicAdmin.connect(conf)) {
            admin.ensureTopics(conf.get(KafkaOptions.TOPIC_PARTITIONS));
            for (int i = 1; i <= ACCOUNTS; i++) {
                String json = "{\"account_id\":\"" + account(i) + "\",\"version\":1,"
                        + "\"effective_from\":\"2026-01-01T00:00:00Z\",\"currency\":\"usd\","
                        + (i == 24 ? "" : "\"stripe_customer_id\":\"cus_" + i + "\",")
                        + "\"crm_account_id\":\"co_" + i + "\",\"meters\":[{\"meter\":\"api_calls\","
                        + "\"pricing\":{\"model\":\"per_unit\",\"unit_amount_decimal\":\"1\"}}]}";
                JsonInputs.Converted c = JsonInputs.convert(InputKind.CONTRACTS, json);
                records.add(TopicAdmin.record(
                        Topics.CONTRACTS,
                        c.key(),
                        codec.encode(ConfluentAvroCodec.valueSubject(Topics.CONTRACTS), c.value()),
                        null));
            }
            String anomalySubject = ConfluentAvroCodec.valueSubject(Topics.ANOMALIES);
            for (int i = 1; i <= ACCOUNTS; i++) {
                List<AnomalyRecord> revisions = new ArrayList<>();
                revisions.add(anomaly("UNDER_REPORTED_USAGE", i, 1, 1000L * i, false));
                revisions.add(anomaly("UNDER_REPORTED_USAGE", i, 2, 1000L * i + 500, true));
                if (i == 10 || i == 15 || i == 20) {
                    revisions.add(anomaly("UNDER_REPORTED_USAGE", i, 3, 1000L * i + 2500, true));
                }
                if (i <= 4) {
                    AnomalyRecord o = anomaly("MISSED_OVERAGE", i, 1, 30_000, true);
                    o.severity = "medium";
                    revisions.add(o);
                }
                for (AnomalyRecord a : revisions) {
                    records.add(TopicAdmin.record(
                            Topics.ANOMALIES,
                            a.anomalyId,
                            codec.encode(anomalySubject, OutputRecords.toAvro(a)),
                            null));
                }
            }
            String approvalSubject = ConfluentAvroCodec.valueSubject(Topics.APPROVALS);
            Map<String, Approval> approvals = new LinkedHashMap<>();
            String overage4 = ActionIds.of(overage(4), ActionKind.STRIPE_DRAFT_INVOICE, "stripe");
            approvals.put(
                    "1",
                    approval(
                            ActionIds.of(overage(1), ActionKind.STRIPE_DRAFT_INVOICE, "stripe"),
                            "approved",
                            "ana@example.com",
                            null,
                            1,
                            30_000L));
            approvals.put(
                    "2",
                    approval(
                            ActionIds.of(overage(2), ActionKind.STRIPE_DRAFT_INVOICE, "stripe"),
                            "approved",
                            "ana@example.com",
                            null,
                            1,
                            30_000L));
            approvals.put(
                    "3",
                    approval(
                            ActionIds.of(overage(3), ActionKind.STRIPE_DRAFT_INVOICE, "stripe"),
                            "rejected",
                            "bo@example.com",
                            "customer disputes it",
                            null,
                            null));
            approvals.put("bad", approval(overage4, "maybe", "cy@example.com", null, null, null));
            // Approves less than the proposal asks: the action keeps waiting.
            approvals.put("stale", approval(overage4, "approved", "cy@example.com", null, 1, 29_999L));
            // Names no amount at all: refused when decoded.
            approvals.put("unnamed", approval(overage4, "approved", "cy@example.com", null, null, null));
            approvals.put(
                    "needless",
                    approval(
                            ActionIds.of(under(12), ActionKind.STRIPE_DRAFT_INVOICE, "stripe"),
                            "approved",
                            "cy@example.com",
                            null,
                            2,
                            12_500L));
            for (Approval a : approvals.values()) {
                records.add(
                        TopicAdmin.record(Topics.APPROVALS, a.getActionId(), codec.encode(approvalSubject, a), null));
            }
            admin.produceAll(records);
        }
    }

    private static Approval approval(
            String actionId, String decision, String approver, String reason, Integer revision, Long amountMinor) {
        return Approval.newBuilder()
                .setAnomalyRevision(revision)
                .setAmountMinor(amountMinor)
                .setCurrency(amountMinor == null ? null : "usd")
                .setActionId(actionId)
                .setDecision(decision)
                .setApprover(approver)
                .setReason(reason)
                .setDecidedAt(Instant.parse("2026-04-02T09:00:00Z"))
                .build();
    }

    private static AnomalyRecord anomaly(String type, int i, int revision, long amountMinor, boolean fin) {
        AnomalyRecord a = new AnomalyRecord();
        a.anomalyId = AnomalyIds.of(type, account(i), "api_calls", START);
        a.revision = revision;
        a.status = revision == 1 ? "open" : "updated";
        a.type = type;
        a.accountId = account(i);
        a.meter = "api_calls";
        a.periodStart = START;
        a.periodEnd = END;
        a.currency = "usd";
        a.actualQuantity = BigDecimal.valueOf(amountMinor);
        a.reportedQuantity = BigDecimal.ZERO;
        a.expectedAmountMinor = amountMinor;
        a.pricedReportedAmountMinor = 0;
        a.amountMinor = amountMinor;
        a.confidence = fin ? 1.0 : 0.8;
        a.severity = amountMinor >= 20_000 ? "high" : "medium";
        a.finalRevision = fin;
        a.explanation = "usage of " + amountMinor + " units was not reported";
        a.eventTimeWatermark = END;
        a.detectedAt = END;
        return a;
    }

    /** Fails the job once, after a number of executed steps have passed, while other calls are in flight. */
    static final class FailOnceAfterExecutions implements MapFunction<ActionStep, ActionStep> {
        private final int after;

        FailOnceAfterExecutions(int after) {
            this.after = after;
        }

        @Override
        public ActionStep map(ActionStep s) {
            if (s.status.equals("executed")
                    && EXECUTED_SEEN.incrementAndGet() >= after
                    && FAILED_ONCE.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure after " + after + " executed steps");
            }
            return s;
        }
    }
}
