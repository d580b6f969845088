package io.reckon.connectors.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.reckon.connectors.actions.ActionOutcome;
import io.reckon.connectors.actions.ActionRequest;
import io.reckon.connectors.testing.ActionFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signed deliveries over real HTTP to WireMock receivers. */
class WebhookExecutorTest {

    /** 32 bytes, base64: the endpoint's signing secret. */
    private static final String SECRET = "whsec_"
            + Base64.getEncoder()
                    .encodeToString("reckon-test-signing-key-32-bytes".getBytes(StandardCharsets.US_ASCII));

    @TempDir
    Path dir;

    private WireMockServer receiver;
    private final ActionRequest request = ActionFixtures.request("act-w1", ActionRequest.KIND_WEBHOOK, "ops-alerts");

    @BeforeEach
    void start() {
        receiver = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        receiver.start();
    }

    @AfterEach
    void stop() {
        receiver.stop();
    }

    private WebhookExecutor executor(int attempts, Duration timeout, Clock clock) {
        return WebhookExecutor.create(
                new WebhookOptions(
                        List.of(new WebhookOptions.Endpoint(
                                "ops-alerts",
                                receiver.baseUrl() + "/hooks/reckon",
                                ActionFixtures.writeSecret(dir, "ops-alerts-secret", SECRET))),
                        ActionFixtures.fastRetries(attempts, timeout)),
                clock);
    }

    @Test
    void deliveryIsSignedAndVerifiesOnTheReceiverSide() throws Exception {
        receiver.stubFor(
                post(urlPathEqualTo("/hooks/reckon")).willReturn(aResponse().withStatus(204)));
        Instant now = Instant.now();

        ActionOutcome outcome;
        try (WebhookExecutor webhooks = executor(3, Duration.ofSeconds(20), Clock.fixed(now, ZoneOffset.UTC))) {
            outcome = webhooks.execute(request).join();
        }

        assertThat(outcome).isEqualTo(new ActionOutcome.Executed("msg_reckon_act-w1", 1));
        LoggedRequest delivered = receiver.findAll(postRequestedFor(urlPathEqualTo("/hooks/reckon"))
                        .withHeader("Content-Type", equalTo("application/json"))
                        .withHeader("webhook-id", equalTo("msg_reckon_act-w1"))
                        .withHeader("webhook-timestamp", equalTo(Long.toString(now.getEpochSecond()))))
                .get(0);
        assertThat(delivered.getBodyAsString()).isEqualTo(request.payloadJson());
        String expected = "v1,"
                + hmacSha256Base64(
                        "reckon-test-signing-key-32-bytes".getBytes(StandardCharsets.US_ASCII),
                        "msg_reckon_act-w1." + now.getEpochSecond() + "." + request.payloadJson());
        assertThat(delivered.getHeader("webhook-signature")).isEqualTo(expected);
        StandardWebhooks.verify(SECRET, delivered.getBodyAsString(), headersOf(delivered));
    }

    @Test
    void signatureMatchesTheSpecificationsTestVector() throws Exception {
        // The example of the Standard Webhooks specification, recomputed here with javax.crypto.
        String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        String id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        long timestamp = 1614265330;
        String body = "{\"test\": 2432232314}";
        String independent = "v1,"
                + hmacSha256Base64(
                        Base64.getDecoder().decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
                        id + "." + timestamp + "." + body);

        assertThat(independent).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assertThat(StandardWebhooks.sign(secret, id, timestamp, body)).isEqualTo(independent);
    }

    @Test
    void verificationRejectsTamperedBodiesWrongSecretsAndStaleTimestamps() throws Exception {
        long now = Instant.now().getEpochSecond();
        String body = "{\"anomaly_id\":\"anom-7\"}";
        Map<String, String> signed = StandardWebhooks.headers(SECRET, "msg_1", now, body);

        StandardWebhooks.verify(SECRET, body, multi(signed));
        assertThatThrownBy(() -> StandardWebhooks.verify(SECRET, body.replace("7", "8"), multi(signed)))
                .isInstanceOf(StandardWebhooks.InvalidSignatureException.class);
        assertThatThrownBy(() -> StandardWebhooks.verify(StandardWebhooks.newSecret(), body, multi(signed)))
                .isInstanceOf(StandardWebhooks.InvalidSignatureException.class);
        Map<String, String> stale = StandardWebhooks.headers(SECRET, "msg_1", now - 3600, body);
        assertThatThrownBy(() -> StandardWebhooks.verify(SECRET, body, multi(stale)))
                .isInstanceOf(StandardWebhooks.InvalidSignatureException.class)
                .hasMessageContaining("too old");
        assertThatThrownBy(() -> StandardWebhooks.verify(SECRET, body, Map.of()))
                .isInstanceOf(StandardWebhooks.InvalidSignatureException.class);
    }

    @Test
    void timeoutsAndServerErrorsAreRetriedWithBackoffUnderOneDeliveryId() {
        receiver.stubFor(post(urlPathEqualTo("/hooks/reckon"))
                .inScenario("storm")
                .whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("503")
                .willReturn(aResponse().withStatus(204).withFixedDelay(3_000)));
        receiver.stubFor(post(urlPathEqualTo("/hooks/reckon"))
                .inScenario("storm")
                .whenScenarioStateIs("503")
                .willSetStateTo("500")
                .willReturn(aResponse().withStatus(503)));
        receiver.stubFor(post(urlPathEqualTo("/hooks/reckon"))
                .inScenario("storm")
                .whenScenarioStateIs("500")
                .willSetStateTo("ok")
                .willReturn(aResponse().withStatus(500)));
        receiver.stubFor(post(urlPathEqualTo("/hooks/reckon"))
                .inScenario("storm")
                .whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(200)));

        ActionOutcome outcome;
        long start = System.nanoTime();
        try (WebhookExecutor webhooks = executor(5, Duration.ofMillis(1_000), Clock.systemUTC())) {
            outcome = webhooks.execute(request).join();
        }
        long millis = (System.nanoTime() - start) / 1_000_000;

        // Four attempts: had the first (answering 204 after 3 s) not been cut off, it would have won.
        assertThat(outcome).isEqualTo(new ActionOutcome.Executed("msg_reckon_act-w1", 4));
        List<LoggedRequest> attempts = receiver.findAll(postRequestedFor(urlPathEqualTo("/hooks/reckon")));
        assertThat(attempts).hasSize(4);
        assertThat(attempts).extracting(r -> r.getHeader("webhook-id")).containsOnly("msg_reckon_act-w1");
        // One attempt cut off at 1 s, plus three backoff waits of at least 7.5, 15 and 30 ms (25 % jitter).
        assertThat(millis).isGreaterThanOrEqualTo(1_000 + 52);
    }

    @Test
    void serverErrorStormEndsAsRetryableFailureAfterAllAttempts() {
        receiver.stubFor(
                post(urlPathEqualTo("/hooks/reckon")).willReturn(aResponse().withStatus(503)));

        ActionOutcome outcome;
        try (WebhookExecutor webhooks = executor(4, Duration.ofSeconds(20), Clock.systemUTC())) {
            outcome = webhooks.execute(request).join();
        }

        assertThat(outcome)
                .isEqualTo(new ActionOutcome.Failed("webhook endpoint ops-alerts answered HTTP 503", true, 4));
        receiver.verify(4, postRequestedFor(urlPathEqualTo("/hooks/reckon")));
    }

    @Test
    void goneAndBadRequestArePermanentAtOnce() {
        for (int status : new int[] {410, 400}) {
            receiver.resetAll();
            receiver.stubFor(
                    post(urlPathEqualTo("/hooks/reckon")).willReturn(aResponse().withStatus(status)));

            ActionOutcome outcome;
            try (WebhookExecutor webhooks = executor(5, Duration.ofSeconds(20), Clock.systemUTC())) {
                outcome = webhooks.execute(request).join();
            }

            assertThat(outcome)
                    .isEqualTo(
                            new ActionOutcome.Failed("webhook endpoint ops-alerts answered HTTP " + status, false, 1));
            receiver.verify(1, postRequestedFor(urlPathEqualTo("/hooks/reckon")));
        }
    }

    @Test
    void unknownEndpointFailsPermanentlyWithoutAnyCall() {
        ActionRequest elsewhere = new ActionRequest(
                request.actionId(),
                request.kind(),
                "finance",
                request.anomalyId(),
                request.anomalyRevision(),
                request.anomalyType(),
                request.accountId(),
                request.meter(),
                request.periodStartMillis(),
                request.periodEndMillis(),
                request.amountMinor(),
                request.currency(),
                null,
                null,
                request.title(),
                request.description(),
                request.payloadJson());

        ActionOutcome outcome;
        try (WebhookExecutor webhooks = executor(3, Duration.ofSeconds(20), Clock.systemUTC())) {
            outcome = webhooks.execute(elsewhere).join();
        }

        assertThat(outcome)
                .isEqualTo(new ActionOutcome.Failed("no webhook endpoint named finance is configured", false, 0));
        assertThat(receiver.getAllServeEvents()).isEmpty();
    }

    private static String hmacSha256Base64(byte[] key, String content) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(content.getBytes(StandardCharsets.UTF_8)));
    }

    private static Map<String, List<String>> headersOf(LoggedRequest request) {
        Map<String, List<String>> headers = new java.util.HashMap<>();
        for (var header : request.getHeaders().all()) {
            headers.put(header.key(), header.values());
        }
        return headers;
    }

    private static Map<String, List<String>> multi(Map<String, String> single) {
        Map<String, List<String>> headers = new java.util.HashMap<>();
        single.forEach((k, v) -> headers.put(k, List.of(v)));
        return headers;
    }
}
