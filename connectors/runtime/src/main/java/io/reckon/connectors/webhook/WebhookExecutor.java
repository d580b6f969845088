package io.reckon.connectors.webhook;

import io.reckon.connectors.actions.ActionCallException;
import io.reckon.connectors.actions.ActionExecutor;
import io.reckon.connectors.actions.ActionOutcome;
import io.reckon.connectors.actions.ActionRequest;
import io.reckon.connectors.actions.RetryingCalls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Delivers an anomaly revision ({@link ActionRequest#payloadJson()}) to a named webhook endpoint,
 * signed by the Standard Webhooks specification ({@link StandardWebhooks}). {@code target} names the
 * endpoint among {@link WebhookOptions#endpoints()}; a 2xx answer is success, 5xx, 429, timeouts and
 * connection errors are retried with backoff, anything else (410 Gone, 400, redirects) fails at once.
 *
 * <p>The {@code webhook-id} is derived from the action id ({@link #deliveryId(String)}) and is the same
 * on every attempt and every execution of the action, so receivers drop duplicates by it, as the
 * specification asks them to. The timestamp and signature are made anew per attempt, so a retry after
 * a long backoff still passes the receiver's timestamp tolerance.
 *
 * <pre>{@code
 * try (WebhookExecutor webhooks = WebhookExecutor.create(WebhookOptions.of(List.of(
 *         new WebhookOptions.Endpoint("ops-alerts", "https://hooks.example.com/reckon", null))))) {
 *     ActionOutcome outcome = webhooks.execute(request).join();   // Executed(<delivery id>, attempts)
 * }
 * }</pre>
 */
public final class WebhookExecutor implements ActionExecutor {

    private record Target(WebhookOptions.Endpoint endpoint, String secret) {
        @Override
        public String toString() {
            return "Target{endpoint=" + endpoint + "}";
        }
    }

    private final WebhookOptions options;
    private final Map<String, Target> targets;
    private final RetryingCalls calls;
    private final HttpClient http;
    private final Clock clock;

    private WebhookExecutor(WebhookOptions options, Clock clock) {
        this.options = options;
        this.clock = clock;
        Map<String, Target> byName = new HashMap<>();
        for (WebhookOptions.Endpoint endpoint : options.endpoints()) {
            // Resolved up front: a missing secret fails the job at start-up, not at the first anomaly.
            String secret = endpoint.resolveSecret();
            StandardWebhooks.requireValidSecret(secret, "The signing secret of webhook endpoint " + endpoint.name());
            byName.put(endpoint.name(), new Target(endpoint, secret));
        }
        this.targets = Map.copyOf(byName);
        this.calls = RetryingCalls.create(options.retry());
        this.http = HttpClient.newBuilder()
                .connectTimeout(options.retry().attemptTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Resolves every endpoint's secret and builds the HTTP client.
     *
     * @throws IllegalArgumentException if an endpoint's secret is missing
     */
    public static WebhookExecutor create(WebhookOptions options) {
        return new WebhookExecutor(options, Clock.systemUTC());
    }

    /** As {@link #create(WebhookOptions)}, with the clock of the {@code webhook-timestamp} (for tests). */
    public static WebhookExecutor create(WebhookOptions options, Clock clock) {
        return new WebhookExecutor(options, clock);
    }

    @Override
    public String kind() {
        return ActionRequest.KIND_WEBHOOK;
    }

    /** The {@code webhook-id} of the deliveries of an action; receivers dedup by it. */
    public static String deliveryId(String actionId) {
        return "msg_reckon_" + actionId;
    }

    @Override
    public CompletableFuture<ActionOutcome> execute(ActionRequest request) {
        Target target = request.target() == null ? null : targets.get(request.target());
        if (target == null) {
            return CompletableFuture.completedFuture(new ActionOutcome.Failed(
                    "no webhook endpoint named " + request.target() + " is configured", false, 0));
        }
        String body = request.payloadJson() == null ? "{}" : request.payloadJson();
        String id = deliveryId(request.actionId());
        return calls.call(attempt -> deliver(target, id, body));
    }

    private CompletableFuture<String> deliver(Target target, String id, String body) {
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest.Builder builder = HttpRequest.newBuilder(
                        URI.create(target.endpoint().url()))
                .timeout(options.retry().attemptTimeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        StandardWebhooks.headers(target.secret(), id, timestamp, body).forEach(builder::header);
        return http.sendAsync(builder.build(), HttpResponse.BodyHandlers.discarding())
                .thenApply(response -> {
                    int status = response.statusCode();
                    if (status / 100 != 2) {
                        throw ActionCallException.forStatus(
                                status, "webhook endpoint " + target.endpoint().name() + " answered HTTP " + status);
                    }
                    return id;
                });
    }

    @Override
    public void close() {
        calls.close();
    }

    @Override
    public String toString() {
        return "WebhookExecutor{endpoints=" + options.endpoints() + "}";
    }
}
