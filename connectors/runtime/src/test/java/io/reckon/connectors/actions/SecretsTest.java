package io.reckon.connectors.actions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reckon.connectors.crm.HubSpotOptions;
import io.reckon.connectors.stripe.StripeOptions;
import io.reckon.connectors.webhook.WebhookOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {

    @TempDir
    Path dir;

    @Test
    void fileWinsOverEnvironmentAndLosesTrailingLineBreaks() throws Exception {
        Path file = dir.resolve("key");
        Files.writeString(file, "sk_test_from_file\r\n\n");

        String secret = Secrets.resolve(
                "Stripe API key",
                "opt.file",
                file.toString(),
                "RECKON_STRIPE_API_KEY",
                Map.of("RECKON_STRIPE_API_KEY", "sk_test_from_env"));

        assertThat(secret).isEqualTo("sk_test_from_file");
    }

    @Test
    void environmentIsUsedWithoutFile() {
        String secret = Secrets.resolve(
                "HubSpot access token",
                "opt.file",
                null,
                "RECKON_HUBSPOT_TOKEN",
                Map.of("RECKON_HUBSPOT_TOKEN", "pat-na1-123"));

        assertThat(secret).isEqualTo("pat-na1-123");
    }

    @Test
    void missingSecretNamesTheOptionAndTheVariable() {
        assertThatThrownBy(() -> Secrets.resolve(
                        "Stripe API key",
                        "actions.stripe.api-key-file",
                        " ",
                        "RECKON_STRIPE_API_KEY",
                        Map.of("OTHER", "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("actions.stripe.api-key-file")
                .hasMessageContaining("RECKON_STRIPE_API_KEY");
    }

    @Test
    void unreadableFileNamesTheFileButNotAnyValue() {
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> Secrets.resolve(
                        "Stripe API key",
                        "opt.file",
                        missing.toString(),
                        "RECKON_STRIPE_API_KEY",
                        Map.of("RECKON_STRIPE_API_KEY", "sk_live_secret")))
                .hasMessageContaining(missing.toString())
                .hasMessageNotContaining("sk_live_secret");
    }

    @Test
    void webhookSecretVariableIsUpperCasedWithUnderscores() {
        assertThat(Secrets.webhookSecretEnv("ops-alerts.eu")).isEqualTo("RECKON_WEBHOOK_SECRET_OPS_ALERTS_EU");
        assertThat(Secrets.webhookSecretEnv("Finance 2")).isEqualTo("RECKON_WEBHOOK_SECRET_FINANCE_2");
    }

    @Test
    void webhookEndpointWithoutSecretNamesItsVariable() {
        WebhookOptions.Endpoint endpoint = new WebhookOptions.Endpoint("ops-alerts", "http://127.0.0.1:1/x", null);
        assertThatThrownBy(
                        () -> io.reckon.connectors.webhook.WebhookExecutor.create(WebhookOptions.of(List.of(endpoint))))
                .hasMessageContaining("RECKON_WEBHOOK_SECRET_OPS_ALERTS")
                .hasMessageContaining("actions.webhooks.ops-alerts.secret-file");
    }

    @Test
    void optionsAndExecutorsNeverPrintTheirSecrets() throws Exception {
        String stripeKey = "sk_test_do_not_print_4242";
        String hubspotToken = "pat-na1-do-not-print";
        String webhookSecret = "whsec_ZG8tbm90LXByaW50LXRoaXMtd2ViaG9vay1zZWNyZXQ=";
        Path keyFile = Files.writeString(dir.resolve("stripe"), stripeKey);
        Path tokenFile = Files.writeString(dir.resolve("hubspot"), hubspotToken);
        Path secretFile = Files.writeString(dir.resolve("hook"), webhookSecret);

        StripeOptions stripe = StripeOptions.defaults().withApiKeyFile(keyFile.toString());
        HubSpotOptions hubspot = HubSpotOptions.defaults().withTokenFile(tokenFile.toString());
        WebhookOptions webhooks = WebhookOptions.of(
                List.of(new WebhookOptions.Endpoint("ops", "http://127.0.0.1:1/hook", secretFile.toString())));

        try (var s = io.reckon.connectors.stripe.StripeDraftInvoiceExecutor.create(stripe);
                var h = io.reckon.connectors.crm.HubSpotTaskExecutor.create(hubspot);
                var w = io.reckon.connectors.webhook.WebhookExecutor.create(webhooks)) {
            String printed = String.join(
                    "\n",
                    stripe.toString(),
                    hubspot.toString(),
                    webhooks.toString(),
                    s.toString(),
                    h.toString(),
                    w.toString());
            assertThat(printed)
                    .contains(keyFile.toString())
                    .doesNotContain(stripeKey, hubspotToken, webhookSecret, "ZG8tbm90");
        }
    }
}
