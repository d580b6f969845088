package io.reckon.connectors.actions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reckon.connectors.crm.HubSpotOptions;
import io.reckon.connectors.stripe.StripeOptions;
import io.reckon.connectors.webhook.WebhookExecutor;
import io.reckon.connectors.webhook.WebhookOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The options records travel inside Flink functions: they must survive Java serialization. */
class ExecutorOptionsTest {

    @TempDir
    Path dir;

    @Test
    void optionsRoundTripThroughJavaSerialization() throws Exception {
        RetryOptions retry = new RetryOptions(3, Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(7));
        List<Object> options = List.of(
                retry,
                StripeOptions.defaults()
                        .withApiKeyFile("/run/stripe")
                        .withDaysUntilDue(14)
                        .withRetry(retry),
                HubSpotOptions.defaults().withTokenFile("/run/hubspot").withTaskDueIn(Duration.ofDays(1)),
                new WebhookOptions(
                        List.of(new WebhookOptions.Endpoint("ops", "https://hooks.example.com/r", null)), retry));

        for (Object original : options) {
            assertThat(roundTrip(original)).isEqualTo(original);
        }
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        assertThat(RetryOptions.defaults())
                .isEqualTo(new RetryOptions(5, Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(20)));
        assertThat(StripeOptions.defaults().daysUntilDue()).isEqualTo(30);
        assertThat(StripeOptions.defaults().apiBase()).isEqualTo("https://api.stripe.com");
        assertThat(HubSpotOptions.defaults().apiBase()).isEqualTo("https://api.hubapi.com");
    }

    @Test
    void invalidSettingsAreRefused() {
        assertThatThrownBy(() -> RetryOptions.defaults().withMaxAttempts(0)).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> RetryOptions.defaults().withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("maxBackoff");
        assertThatThrownBy(() -> StripeOptions.defaults().withDaysUntilDue(0)).hasMessageContaining("daysUntilDue");
        assertThatThrownBy(() -> WebhookOptions.of(List.of(
                        new WebhookOptions.Endpoint("ops", "http://a", null),
                        new WebhookOptions.Endpoint("ops", "http://b", null))))
                .hasMessageContaining("Two webhook endpoints are named ops");
    }

    @Test
    void webhookSecretThatIsNotBase64FailsAtCreationWithoutQuotingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("bad"), "whsec_not*base64!secret");

        assertThatThrownBy(() -> WebhookExecutor.create(WebhookOptions.of(
                        List.of(new WebhookOptions.Endpoint("ops", "http://127.0.0.1:1/x", file.toString())))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("webhook endpoint ops")
                .hasMessageNotContaining("not*base64");
    }

    private static Object roundTrip(Object value) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return in.readObject();
        }
    }
}
