package io.reckon.actions;

import static io.reckon.actions.ActionFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.connectors.embedded.FakeBillingApis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.async.CollectionSupplier;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The async execution function with the real executors against FakeBillingApis: 5xx storms and slow
 * answers end in a failed step with the reason or in eventual success, and never in a second invoice
 * or task for one action id.
 */
class ActionExecutionTest {

    @TempDir
    Path dir;

    private FakeBillingApis apis;
    private ActionExecution execution;

    @BeforeEach
    void start() throws Exception {
        apis = FakeBillingApis.start();
        Configuration conf = new Configuration();
        conf.set(ActionOptions.STRIPE_API_BASE, apis.stripeApiBase());
        conf.set(ActionOptions.HUBSPOT_API_BASE, apis.hubspotApiBase());
        conf.set(ActionOptions.STRIPE_API_KEY_FILE, write("stripe", "sk_test_1"));
        conf.set(ActionOptions.HUBSPOT_TOKEN_FILE, write("hubspot", "pat-1"));
        conf.set(ActionOptions.MAX_RETRIES, 2);
        conf.set(ActionOptions.RETRY_BACKOFF, Duration.ofMillis(50));
        // Long enough for a first call on a loaded machine, short enough to test slow answers.
        conf.set(ActionOptions.REQUEST_TIMEOUT, Duration.ofSeconds(2));
        execution = new ActionExecution(ConfiguredExecutors.from(conf, policy(false)), Duration.ofSeconds(30));
        execution.open(null);
    }

    @AfterEach
    void stop() throws Exception {
        execution.close();
        apis.close();
    }

    @Test
    void aStormLongerThanTheRetriesFailsWithTheReasonAndTheSameActionLaterMakesOneInvoice() throws Exception {
        ActionCommand c = command(
                policy(false), anomaly("UNBILLED_USAGE", "acct_1", 1, 25_000, true), ActionKind.STRIPE_DRAFT_INVOICE);
        apis.failNext(FakeBillingApis.Api.STRIPE, 3, 503);

        ActionStep first = run(c);
        assertThat(first.status).isEqualTo("failed");
        assertThat(first.attempts).isEqualTo(3);
        assertThat(first.reason).startsWith("gave up after retries: ").contains("503");
        assertThat(first.actor).isEqualTo("executor:stripe_draft_invoice");
        assertThat(apis.draftInvoices()).isEmpty();

        ActionStep again = run(c);
        ActionStep third = run(c);
        assertThat(again.status).isEqualTo("executed");
        assertThat(third.externalId).isEqualTo(again.externalId);
        assertThat(apis.draftInvoices()).hasSize(1);
        assertThat(apis.draftInvoices().get(0).totalMinor()).isEqualTo(25_000);
    }

    @Test
    void aShortStormIsRetriedToSuccess() throws Exception {
        ActionCommand c =
                command(policy(false), anomaly("UNBILLED_USAGE", "acct_1", 1, 9_000, true), ActionKind.CRM_TASK);
        apis.failNext(FakeBillingApis.Api.HUBSPOT, 2, 502);
        ActionStep s = run(c);
        assertThat(s.status).as("reason: %s", s.reason).isEqualTo("executed");
        assertThat(s.attempts).isEqualTo(3);
        assertThat(apis.tasks()).hasSize(1);
        assertThat(apis.tasks().get(0).companyIds()).containsExactly("co_1");
    }

    @Test
    void answersSlowerThanTheRequestTimeoutAreRetriedAndARepeatedActionFindsItsTask() throws Exception {
        ActionCommand c =
                command(policy(false), anomaly("UNBILLED_USAGE", "acct_1", 1, 9_000, true), ActionKind.CRM_TASK);
        // The first two calls answer after the client's 2 s request timeout.
        apis.delayNext(FakeBillingApis.Api.HUBSPOT, 2, Duration.ofMillis(3000));
        ActionStep slow = run(c);
        assertThat(slow.status).isEqualTo("executed");
        assertThat(slow.attempts).isEqualTo(3);

        // The same action again, as after a restore from a checkpoint taken before its outcome.
        ActionStep repeated = run(c);
        assertThat(repeated.externalId).isEqualTo(slow.externalId);
        assertThat(apis.tasks()).hasSize(1);
        assertThat(apis.tasks().get(0).id()).isEqualTo(slow.externalId);
    }

    @Test
    void theOperatorTimeoutRecordsAFailedStepThatSaysTheTargetMayStillAct() throws Exception {
        ActionCommand c = command(
                policy(false), anomaly("UNBILLED_USAGE", "acct_1", 1, 25_000, true), ActionKind.STRIPE_DRAFT_INVOICE);
        Collecting result = new Collecting();
        execution.timeout(c, result);
        ActionStep s = result.step.get(1, TimeUnit.SECONDS);
        assertThat(s.status).isEqualTo("failed");
        assertThat(s.reason).isEqualTo("no outcome within PT30S; the target may still complete it");
    }

    @Test
    void aTargetWithoutAnExecutorFailsWithTheReason() throws Exception {
        ActionCommand c =
                command(policy(false), anomaly("UNBILLED_USAGE", "acct_1", 1, 250_000, true), ActionKind.WEBHOOK);
        ActionStep s = run(c);
        assertThat(s.status).isEqualTo("failed");
        assertThat(s.reason).isEqualTo("no executor is configured for target finance");
    }

    private ActionStep run(ActionCommand c) throws Exception {
        Collecting result = new Collecting();
        execution.asyncInvoke(c, result);
        return result.step.get(30, TimeUnit.SECONDS);
    }

    private String write(String name, String value) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, value);
        return p.toString();
    }

    private static final class Collecting implements ResultFuture<ActionStep> {
        final CompletableFuture<ActionStep> step = new CompletableFuture<>();

        @Override
        public void complete(Collection<ActionStep> result) {
            assertThat(result).hasSize(1);
            step.complete(result.iterator().next());
        }

        @Override
        public void completeExceptionally(Throwable error) {
            step.completeExceptionally(error);
        }

        @Override
        public void complete(CollectionSupplier<ActionStep> supplier) {
            try {
                complete(supplier.get());
            } catch (Exception e) {
                step.completeExceptionally(e);
            }
        }
    }
}
