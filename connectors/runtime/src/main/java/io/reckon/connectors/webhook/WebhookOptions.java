package io.reckon.connectors.webhook;

import io.reckon.connectors.actions.RetryOptions;
import io.reckon.connectors.actions.Secrets;
import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of {@link WebhookExecutor}: the endpoints actions may target, by name, and the retries.
 * Holds where each signing secret is, never the secret: it is read from the endpoint's {@code
 * secretFile}, else the environment variable {@link Secrets#webhookSecretEnv(String)} of its name.
 *
 * <pre>{@code
 * WebhookOptions options = WebhookOptions.of(List.of(
 *         new WebhookOptions.Endpoint("ops-alerts", "https://hooks.example.com/reckon", null)));
 * // secret from RECKON_WEBHOOK_SECRET_OPS_ALERTS
 * }</pre>
 */
public record WebhookOptions(List<Endpoint> endpoints, RetryOptions retry) implements Serializable {

    /**
     * One receiver.
     *
     * @param name the name actions use as their {@code target}
     * @param url where deliveries are POSTed
     * @param secretFile path of a file holding the {@code whsec_...} secret, or null for the environment
     */
    public record Endpoint(String name, String url, String secretFile) implements Serializable {
        public Endpoint {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(url, "url");
            if (name.isBlank()) {
                throw new IllegalArgumentException("A webhook endpoint needs a name");
            }
        }

        /** The option name reported when this endpoint's secret is missing. */
        public String secretFileOption() {
            return "actions.webhooks." + name + ".secret-file";
        }

        String resolveSecret() {
            return Secrets.resolve(
                    "signing secret of webhook endpoint " + name,
                    secretFileOption(),
                    secretFile,
                    Secrets.webhookSecretEnv(name));
        }
    }

    public WebhookOptions {
        endpoints = List.copyOf(Objects.requireNonNull(endpoints, "endpoints"));
        Objects.requireNonNull(retry, "retry");
        Set<String> names = new HashSet<>();
        for (Endpoint endpoint : endpoints) {
            if (!names.add(endpoint.name())) {
                throw new IllegalArgumentException("Two webhook endpoints are named " + endpoint.name());
            }
        }
    }

    /** The endpoints with the default retries. */
    public static WebhookOptions of(List<Endpoint> endpoints) {
        return new WebhookOptions(endpoints, RetryOptions.defaults());
    }

    public WebhookOptions withRetry(RetryOptions options) {
        return new WebhookOptions(endpoints, options);
    }
}
