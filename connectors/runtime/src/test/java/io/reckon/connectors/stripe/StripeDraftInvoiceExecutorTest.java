package io.reckon.connectors.stripe;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.reckon.connectors.actions.ActionOutcome;
import io.reckon.connectors.actions.ActionRequest;
import io.reckon.connectors.testing.ActionFixtures;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executor against Stripe's REST protocol, spoken over real HTTP to WireMock. */
class StripeDraftInvoiceExecutorTest {

    private static final String API_KEY = "sk_test_51ReckonTestKey";
    private static final String INVOICE_JSON = "{\"id\":\"in_1QxTest\",\"object\":\"invoice\",\"status\":\"draft\","
            + "\"customer\":\"cus_Q1w2e3\",\"currency\":\"eur\",\"auto_advance\":false}";
    private static final String ITEM_JSON = "{\"id\":\"ii_1QxTest\",\"object\":\"invoiceitem\",\"amount\":12345,"
            + "\"currency\":\"eur\",\"invoice\":\"in_1QxTest\"}";

    @TempDir
    Path dir;

    private WireMockServer stripe;
    private StripeDraftInvoiceExecutor executor;
    private final ActionRequest request =
            ActionFixtures.request("act-9f2c", ActionRequest.KIND_STRIPE_DRAFT_INVOICE, "stripe");

    @BeforeEach
    void start() {
        stripe = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        stripe.start();
        executor = StripeDraftInvoiceExecutor.create(StripeOptions.defaults()
                .withApiBase(stripe.baseUrl())
                .withApiKeyFile(ActionFixtures.writeSecret(dir, "stripe-key", API_KEY))
                .withRetry(ActionFixtures.fastRetries(4, Duration.ofSeconds(20))));
    }

    @AfterEach
    void stop() {
        executor.close();
        stripe.stop();
    }

    @Test
    void createsDraftInvoiceThenOneItemWithExactParametersAndKeys() {
        stripe.stubFor(post(urlPathEqualTo("/v1/invoices")).willReturn(okJson(INVOICE_JSON)));
        stripe.stubFor(post(urlPathEqualTo("/v1/invoiceitems")).willReturn(okJson(ITEM_JSON)));

        ActionOutcome outcome = executor.execute(request).join();

        assertThat(outcome).isEqualTo(new ActionOutcome.Executed("in_1QxTest", 1));
        Map<String, String> metadata = Map.of(
                "reckon_action_id", "act-9f2c",
                "reckon_anomaly_id", "anom-7",
                "reckon_anomaly_revision", "3",
                "reckon_anomaly_type", "UNDER_REPORTED_USAGE",
                "reckon_account_id", "acct-42",
                "reckon_meter", "api_calls",
                "reckon_period_start", "2026-10-01T00:00:00Z",
                "reckon_period_end", "2026-11-01T00:00:00Z");
        RequestPatternBuilder invoice = postRequestedFor(urlPathEqualTo("/v1/invoices"))
                .withHeader("Authorization", equalTo("Bearer " + API_KEY))
                .withHeader("Idempotency-Key", equalTo("reckon-act-9f2c-invoice"))
                .withFormParam("customer", equalTo("cus_Q1w2e3"))
                .withFormParam("auto_advance", equalTo("false"))
                .withFormParam("collection_method", equalTo("send_invoice"))
                .withFormParam("days_until_due", equalTo("30"))
                .withFormParam("currency", equalTo("eur"))
                .withFormParam("pending_invoice_items_behavior", equalTo("exclude"))
                .withFormParam("description", equalTo("Under-reported usage: api_calls"));
        metadata.forEach((k, v) -> invoice.withFormParam("metadata[" + k + "]", equalTo(v)));
        stripe.verify(1, invoice);
        RequestPatternBuilder item = postRequestedFor(urlPathEqualTo("/v1/invoiceitems"))
                .withHeader("Authorization", equalTo("Bearer " + API_KEY))
                .withHeader("Idempotency-Key", equalTo("reckon-act-9f2c-item"))
                .withFormParam("invoice", equalTo("in_1QxTest"))
                .withFormParam("customer", equalTo("cus_Q1w2e3"))
                .withFormParam("amount", equalTo("12345"))
                .withFormParam("currency", equalTo("eur"))
                .withFormParam("description", equalTo("Usage 1,234,500 calls vs reported 0 in October"));
        metadata.forEach((k, v) -> item.withFormParam("metadata[" + k + "]", equalTo(v)));
        stripe.verify(1, item);
        // Exactly these parameters, nothing else (no finalize, no send, no other fields).
        assertThat(formKeys(single("/v1/invoices")))
                .containsExactlyInAnyOrderElementsOf(concat(
                        List.of(
                                "customer",
                                "auto_advance",
                                "collection_method",
                                "days_until_due",
                                "currency",
                                "pending_invoice_items_behavior",
                                "description"),
                        metadata.keySet()));
        assertThat(formKeys(single("/v1/invoiceitems")))
                .containsExactlyInAnyOrderElementsOf(
                        concat(List.of("invoice", "customer", "amount", "currency", "description"), metadata.keySet()));
        assertThat(stripe.getAllServeEvents()).hasSize(2);
    }

    @Test
    void serverErrorIsRetriedWithTheSameIdempotencyKey() {
        stripe.stubFor(invoicesInScenario(Scenario.STARTED, "recovered")
                .willReturn(aResponse()
                        .withStatus(503)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"type\":\"api_error\",\"message\":\"Service unavailable\"}}")));
        stripe.stubFor(invoicesInScenario("recovered", "recovered").willReturn(okJson(INVOICE_JSON)));
        stripe.stubFor(post(urlPathEqualTo("/v1/invoiceitems")).willReturn(okJson(ITEM_JSON)));

        ActionOutcome outcome = executor.execute(request).join();

        assertThat(outcome).isEqualTo(new ActionOutcome.Executed("in_1QxTest", 2));
        List<LoggedRequest> invoices = stripe.findAll(postRequestedFor(urlPathEqualTo("/v1/invoices")));
        assertThat(invoices).hasSize(2);
        assertThat(invoices)
                .extracting(r -> r.getHeader("Idempotency-Key"))
                .containsExactly("reckon-act-9f2c-invoice", "reckon-act-9f2c-invoice");
        assertThat(invoices.get(0).getBodyAsString()).isEqualTo(invoices.get(1).getBodyAsString());
        stripe.verify(
                1,
                postRequestedFor(urlPathEqualTo("/v1/invoiceitems"))
                        .withHeader("Idempotency-Key", equalTo("reckon-act-9f2c-item")));
    }

    @Test
    void badRequestIsPermanentAndCarriesStripesMessage() {
        stripe.stubFor(post(urlPathEqualTo("/v1/invoices"))
                .willReturn(aResponse()
                        .withStatus(400)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"resource_missing\","
                                + "\"param\":\"customer\",\"message\":\"No such customer: 'cus_Q1w2e3'\"}}")));

        ActionOutcome outcome = executor.execute(request).join();

        assertThat(outcome).isInstanceOf(ActionOutcome.Failed.class);
        ActionOutcome.Failed failed = (ActionOutcome.Failed) outcome;
        assertThat(failed.retryable()).isFalse();
        assertThat(failed.attempts()).isEqualTo(1);
        assertThat(failed.reason())
                .contains("HTTP 400")
                .contains("resource_missing")
                .contains("No such customer: 'cus_Q1w2e3'")
                .doesNotContain(API_KEY);
        assertThat(stripe.getAllServeEvents()).hasSize(1);
    }

    @Test
    void rateLimitsAreRetriedUntilTheAttemptsRunOut() {
        stripe.stubFor(post(urlPathEqualTo("/v1/invoices"))
                .willReturn(aResponse()
                        .withStatus(429)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"rate_limit\","
                                + "\"message\":\"Too many requests\"}}")));

        ActionOutcome outcome = executor.execute(request).join();

        assertThat(outcome).isInstanceOf(ActionOutcome.Failed.class);
        assertThat(((ActionOutcome.Failed) outcome).retryable()).isTrue();
        assertThat(outcome.attempts()).isEqualTo(4);
        assertThat(((ActionOutcome.Failed) outcome).reason()).contains("429").contains("Too many requests");
        assertThat(stripe.findAll(postRequestedFor(urlPathEqualTo("/v1/invoices"))))
                .hasSize(4);
    }

    @Test
    void missingCustomerFailsPermanentlyWithoutAnyCall() {
        ActionOutcome outcome =
                executor.execute(ActionFixtures.withCustomer(request, null)).join();

        assertThat(outcome).isInstanceOf(ActionOutcome.Failed.class);
        ActionOutcome.Failed failed = (ActionOutcome.Failed) outcome;
        assertThat(failed.retryable()).isFalse();
        assertThat(failed.attempts()).isZero();
        assertThat(failed.reason()).contains("no Stripe customer id").contains("acct-42");
        assertThat(stripe.getAllServeEvents()).isEmpty();
    }

    @Test
    void nonPositiveAmountFailsPermanentlyWithoutAnyCall() {
        ActionOutcome outcome =
                executor.execute(ActionFixtures.withAmount(request, 0)).join();

        assertThat(outcome).isInstanceOf(ActionOutcome.Failed.class);
        assertThat(((ActionOutcome.Failed) outcome).retryable()).isFalse();
        assertThat(((ActionOutcome.Failed) outcome).reason()).contains("amount must be positive");
        assertThat(stripe.getAllServeEvents()).isEmpty();
    }

    @Test
    void daysUntilDueIsConfigurable() {
        stripe.stubFor(post(urlPathEqualTo("/v1/invoices")).willReturn(okJson(INVOICE_JSON)));
        stripe.stubFor(post(urlPathEqualTo("/v1/invoiceitems")).willReturn(okJson(ITEM_JSON)));
        try (StripeDraftInvoiceExecutor fourteen = StripeDraftInvoiceExecutor.create(StripeOptions.defaults()
                .withApiBase(stripe.baseUrl())
                .withApiKeyFile(ActionFixtures.writeSecret(dir, "stripe-key-2", API_KEY))
                .withDaysUntilDue(14))) {
            assertThat(fourteen.execute(request).join()).isInstanceOf(ActionOutcome.Executed.class);
        }
        stripe.verify(
                1, postRequestedFor(urlPathEqualTo("/v1/invoices")).withFormParam("days_until_due", equalTo("14")));
    }

    private static MappingBuilder invoicesInScenario(String state, String next) {
        return post(urlPathEqualTo("/v1/invoices"))
                .inScenario("invoice")
                .whenScenarioStateIs(state)
                .willSetStateTo(next);
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder okJson(String body) {
        return aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(body);
    }

    private LoggedRequest single(String path) {
        List<LoggedRequest> requests = stripe.findAll(postRequestedFor(urlPathEqualTo(path)));
        assertThat(requests).hasSize(1);
        return requests.get(0);
    }

    private static List<String> formKeys(LoggedRequest request) {
        return java.util.Arrays.stream(request.getBodyAsString().split("&"))
                .map(pair -> java.net.URLDecoder.decode(pair.split("=", 2)[0], java.nio.charset.StandardCharsets.UTF_8))
                .toList();
    }

    private static List<String> concat(List<String> plain, java.util.Set<String> metadataKeys) {
        List<String> all = new java.util.ArrayList<>(plain);
        metadataKeys.forEach(k -> all.add("metadata[" + k + "]"));
        return all;
    }
}
