package io.reckon.connectors.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.connectors.actions.ActionOutcome;
import io.reckon.connectors.actions.ActionRequest;
import io.reckon.connectors.crm.HubSpotOptions;
import io.reckon.connectors.crm.HubSpotTaskExecutor;
import io.reckon.connectors.embedded.FakeBillingApis.Api;
import io.reckon.connectors.stripe.StripeDraftInvoiceExecutor;
import io.reckon.connectors.stripe.StripeOptions;
import io.reckon.connectors.testing.ActionFixtures;
import io.reckon.connectors.webhook.StandardWebhooks;
import io.reckon.connectors.webhook.WebhookExecutor;
import io.reckon.connectors.webhook.WebhookOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stand-ins driven by the real executors: what they record, count and refuse. */
class FakeBillingApisTest {

    @TempDir
    Path dir;

    private FakeBillingApis apis;
    private StripeDraftInvoiceExecutor stripe;
    private HubSpotTaskExecutor hubspot;
    private WebhookExecutor webhooks;
    private String webhookSecret;

    @BeforeEach
    void start() {
        apis = FakeBillingApis.start();
        stripe = StripeDraftInvoiceExecutor.create(StripeOptions.defaults()
                .withApiBase(apis.stripeApiBase())
                .withApiKeyFile(ActionFixtures.writeSecret(dir, "stripe", "sk_test_fake"))
                .withRetry(ActionFixtures.fastRetries(4, Duration.ofSeconds(10))));
        hubspot = HubSpotTaskExecutor.create(HubSpotOptions.defaults()
                .withApiBase(apis.hubspotApiBase())
                .withTokenFile(ActionFixtures.writeSecret(dir, "hubspot", "pat-fake"))
                .withRetry(ActionFixtures.fastRetries(4, Duration.ofSeconds(10))));
        webhookSecret = apis.webhookSecret("ops");
        webhooks = WebhookExecutor.create(new WebhookOptions(
                List.of(new WebhookOptions.Endpoint(
                        "ops", apis.webhookUrl("ops"), ActionFixtures.writeSecret(dir, "ops", webhookSecret))),
                ActionFixtures.fastRetries(4, Duration.ofSeconds(10))));
    }

    @AfterEach
    void stop() {
        stripe.close();
        hubspot.close();
        webhooks.close();
        apis.close();
    }

    @Test
    void repeatedStripeActionsMakeOneInvoicePerIdempotencyKey() {
        ActionRequest first = ActionFixtures.request("act-1", ActionRequest.KIND_STRIPE_DRAFT_INVOICE, "stripe");
        ActionRequest second = ActionFixtures.withAmount(
                ActionFixtures.request("act-2", ActionRequest.KIND_STRIPE_DRAFT_INVOICE, "stripe"), 500);

        ActionOutcome a = stripe.execute(first).join();
        ActionOutcome again = stripe.execute(first).join();
        ActionOutcome b = stripe.execute(second).join();

        assertThat(a).isInstanceOf(ActionOutcome.Executed.class);
        String invoiceId = ((ActionOutcome.Executed) a).externalId();
        assertThat(invoiceId).startsWith("in_");
        assertThat(((ActionOutcome.Executed) again).externalId()).isEqualTo(invoiceId);
        assertThat(b).isInstanceOf(ActionOutcome.Executed.class).isNotEqualTo(a);
        assertThat(apis.requestCount(Api.STRIPE)).isEqualTo(6);
        assertThat(apis.requestCount()).isEqualTo(6);
        List<FakeBillingApis.DraftInvoice> invoices = apis.draftInvoices();
        assertThat(invoices)
                .extracting(FakeBillingApis.DraftInvoice::idempotencyKey)
                .containsExactly("reckon-act-1-invoice", "reckon-act-2-invoice");
        FakeBillingApis.DraftInvoice invoice = invoices.get(0);
        assertThat(invoice.id()).isEqualTo(invoiceId);
        assertThat(invoice.customer()).isEqualTo("cus_Q1w2e3");
        assertThat(invoice.currency()).isEqualTo("eur");
        assertThat(invoice.params())
                .containsEntry("auto_advance", "false")
                .containsEntry("collection_method", "send_invoice");
        assertThat(invoice.metadata())
                .containsEntry("reckon_action_id", "act-1")
                .containsEntry("reckon_anomaly_revision", "3");
        assertThat(invoice.items()).singleElement().satisfies(item -> {
            assertThat(item.id()).startsWith("ii_");
            assertThat(item.amountMinor()).isEqualTo(12_345);
            assertThat(item.currency()).isEqualTo("eur");
            assertThat(item.metadata()).containsEntry("reckon_anomaly_id", "anom-7");
        });
        assertThat(invoices.get(1).totalMinor()).isEqualTo(500);
        assertThat(apis.invoiceItems()).hasSize(2);
    }

    @Test
    void reusedIdempotencyKeyWithOtherParametersIsRefusedLikeStripe() {
        ActionRequest request = ActionFixtures.request("act-3", ActionRequest.KIND_STRIPE_DRAFT_INVOICE, "stripe");
        stripe.execute(request).join();

        ActionOutcome changed =
                stripe.execute(ActionFixtures.withAmount(request, 999)).join();

        // The invoice call is identical and replays; the item call carries another amount under the same key.
        assertThat(changed).isInstanceOf(ActionOutcome.Failed.class);
        assertThat(((ActionOutcome.Failed) changed).retryable()).isFalse();
        assertThat(((ActionOutcome.Failed) changed).reason()).contains("400").contains("idempotency_error");
        assertThat(apis.draftInvoices()).singleElement().satisfies(i -> assertThat(i.totalMinor())
                .isEqualTo(12_345));
    }

    @Test
    void injectedUnavailabilityIsRetriedAndCountedButCreatesNothing() {
        apis.failNext(Api.STRIPE, 2, 503);

        ActionOutcome outcome = stripe.execute(
                        ActionFixtures.request("act-4", ActionRequest.KIND_STRIPE_DRAFT_INVOICE, "stripe"))
                .join();

        assertThat(outcome.attempts()).isEqualTo(3);
        assertThat(apis.requestCount(Api.STRIPE)).isEqualTo(4);
        assertThat(apis.draftInvoices()).hasSize(1);
        assertThat(apis.invoiceItems()).hasSize(1);
    }

    @Test
    void slowAnswerBeyondTheTimeoutStillMakesOneInvoice() {
        // The first invoice request takes effect but answers after the client gave up; the retry with
        // the same idempotency key gets the first request's invoice back.
        ActionOutcome outcome;
        try (StripeDraftInvoiceExecutor impatient = StripeDraftInvoiceExecutor.create(StripeOptions.defaults()
                .withApiBase(apis.stripeApiBase())
                .withApiKeyFile(ActionFixtures.writeSecret(dir, "stripe-2", "sk_test_fake"))
                .withRetry(ActionFixtures.fastRetries(4, Duration.ofMillis(1_500))))) {
            // Warm the client up first, so only the injected delay can exceed the timeout.
            impatient
                    .execute(ActionFixtures.request("act-warm", ActionRequest.KIND_STRIPE_DRAFT_INVOICE, "stripe"))
                    .join();
            apis.reset();
            apis.delayNext(Api.STRIPE, 1, Duration.ofMillis(3_500));

            outcome = impatient
                    .execute(ActionFixtures.request("act-5", ActionRequest.KIND_STRIPE_DRAFT_INVOICE, "stripe"))
                    .join();
        }

        assertThat(outcome).isInstanceOf(ActionOutcome.Executed.class);
        assertThat(outcome.attempts()).isEqualTo(2);
        assertThat(apis.draftInvoices()).singleElement().satisfies(i -> {
            assertThat(i.id()).isEqualTo(((ActionOutcome.Executed) outcome).externalId());
            assertThat(i.items()).hasSize(1);
        });
    }

    @Test
    void hubSpotSearchSeesEarlierTasksSoRepeatsMakeNoSecondTask() {
        ActionRequest request = ActionFixtures.request("act-6", ActionRequest.KIND_CRM_TASK, "hubspot");

        ActionOutcome first = hubspot.execute(request).join();
        ActionOutcome second = hubspot.execute(request).join();
        ActionOutcome other = hubspot.execute(ActionFixtures.request("act-7", ActionRequest.KIND_CRM_TASK, "hubspot"))
                .join();

        assertThat(second).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        assertThat(apis.tasks()).hasSize(2);
        FakeBillingApis.CrmTask task = apis.tasks().get(0);
        assertThat(task.id()).isEqualTo(((ActionOutcome.Executed) first).externalId());
        assertThat(task.companyIds()).containsExactly("31415926");
        assertThat(task.properties())
                .containsEntry("hs_task_status", "NOT_STARTED")
                .containsEntry("hs_task_priority", "HIGH");
        // search + create, search only, search + create
        assertThat(apis.requestCount(Api.HUBSPOT)).isEqualTo(5);
    }

    @Test
    void timedOutTaskCreationIsFoundByTheRetrysSearch() {
        ActionRequest request = ActionFixtures.request("act-8", ActionRequest.KIND_CRM_TASK, "hubspot");
        ActionOutcome outcome;
        try (HubSpotTaskExecutor impatient = HubSpotTaskExecutor.create(HubSpotOptions.defaults()
                .withApiBase(apis.hubspotApiBase())
                .withTokenFile(ActionFixtures.writeSecret(dir, "hubspot-2", "pat-fake"))
                .withRetry(ActionFixtures.fastRetries(4, Duration.ofMillis(1_500))))) {
            impatient
                    .execute(ActionFixtures.request("act-warm", ActionRequest.KIND_CRM_TASK, "hubspot"))
                    .join();
            apis.reset();
            // The search answers at once; the create takes effect but answers after the timeout.
            apis.delayNext(Api.HUBSPOT, 1, Duration.ZERO);
            apis.delayNext(Api.HUBSPOT, 1, Duration.ofMillis(3_500));

            outcome = impatient.execute(request).join();
        }

        assertThat(outcome).isInstanceOf(ActionOutcome.Executed.class);
        assertThat(outcome.attempts()).isEqualTo(2);
        assertThat(apis.tasks()).singleElement().satisfies(t -> assertThat(t.id())
                .isEqualTo(((ActionOutcome.Executed) outcome).externalId()));
        assertThat(apis.requestCount(Api.HUBSPOT)).isEqualTo(3);
    }

    @Test
    void webhookDeliveriesAreDistinctByIdAndVerifiable() throws Exception {
        ActionRequest request = ActionFixtures.request("act-9", ActionRequest.KIND_WEBHOOK, "ops");
        apis.failNext(Api.WEBHOOKS, 1, 503);

        ActionOutcome first = webhooks.execute(request).join();
        ActionOutcome replay = webhooks.execute(request).join();
        webhooks.execute(ActionFixtures.request("act-10", ActionRequest.KIND_WEBHOOK, "ops"))
                .join();

        assertThat(first).isEqualTo(new ActionOutcome.Executed("msg_reckon_act-9", 2));
        assertThat(replay).isEqualTo(new ActionOutcome.Executed("msg_reckon_act-9", 1));
        assertThat(apis.requestCount(Api.WEBHOOKS)).isEqualTo(4);
        assertThat(apis.webhookAttempts()).hasSize(3);
        assertThat(apis.webhookDeliveries())
                .extracting(FakeBillingApis.WebhookDelivery::webhookId)
                .containsExactly("msg_reckon_act-9", "msg_reckon_act-10");
        for (FakeBillingApis.WebhookDelivery delivery : apis.webhookAttempts()) {
            assertThat(delivery.endpoint()).isEqualTo("ops");
            StandardWebhooks.verify(webhookSecret, delivery.body(), delivery.headers());
            assertThat(delivery.verified()).isTrue();
        }
    }

    @Test
    void deliveriesSignedWithAnotherSecretAreRecordedUnverified() {
        String otherSecret = apis.webhookSecret("audit");
        assertThat(otherSecret).isNotEqualTo(webhookSecret).isEqualTo(apis.webhookSecret("audit"));
        try (WebhookExecutor wrongKey = WebhookExecutor.create(WebhookOptions.of(List.of(new WebhookOptions.Endpoint(
                "audit", apis.webhookUrl("audit"), ActionFixtures.writeSecret(dir, "audit", webhookSecret)))))) {
            wrongKey.execute(ActionFixtures.request("act-11", ActionRequest.KIND_WEBHOOK, "audit"))
                    .join();
        }

        assertThat(apis.webhookDeliveries()).singleElement().satisfies(d -> {
            assertThat(d.endpoint()).isEqualTo("audit");
            assertThat(d.verified()).isFalse();
        });
    }

    @Test
    void unknownPathsAndMissingCredentialsAreRefusedAndCounted() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> unknown = http.send(
                HttpRequest.newBuilder(URI.create(apis.stripeApiBase() + "/nowhere"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> noKey = http.send(
                HttpRequest.newBuilder(URI.create(apis.stripeApiBase() + "/v1/invoices"))
                        .POST(HttpRequest.BodyPublishers.ofString("customer=cus_1"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(apis.requestCount()).isEqualTo(2);
        assertThat(apis.requestCount(Api.STRIPE)).isEqualTo(1);
        assertThat(apis.draftInvoices()).isEmpty();

        apis.reset();
        assertThat(apis.requestCount()).isZero();
    }
}
