package io.reckon.connectors.embedded;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import io.reckon.connectors.webhook.StandardWebhooks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Webhook receivers at {@code POST /webhooks/<name>}: each delivery is recorded, its signature checked
 * when the receiver's secret was asked for ({@link #secret}), and answered HTTP 204.
 */
final class WebhookReceiversStandIn implements StandIn {

    private final Map<String, String> secrets = new LinkedHashMap<>();
    private final List<FakeBillingApis.WebhookDelivery> deliveries = new ArrayList<>();

    /** The signing secret of receiver {@code name}, made on first use and kept across {@link #reset}. */
    String secret(String name) {
        return secrets.computeIfAbsent(name, n -> StandardWebhooks.newSecret());
    }

    /** The first delivery of each distinct {@code webhook-id}, in arrival order. */
    List<FakeBillingApis.WebhookDelivery> deliveries() {
        Map<String, FakeBillingApis.WebhookDelivery> byId = new LinkedHashMap<>();
        for (FakeBillingApis.WebhookDelivery delivery : deliveries) {
            byId.putIfAbsent(delivery.webhookId(), delivery);
        }
        return List.copyOf(byId.values());
    }

    /** Every delivery accepted, retries and replays included. */
    List<FakeBillingApis.WebhookDelivery> attempts() {
        return List.copyOf(deliveries);
    }

    @Override
    public void reset() {
        deliveries.clear();
    }

    @Override
    public String errorBody(int status) {
        return "{}";
    }

    @Override
    public ResponseDefinition handle(String path, Request request, Duration delay) {
        String name = path.substring("/webhooks/".length());
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HttpHeader header : request.getHeaders().all()) {
            headers.put(header.key().toLowerCase(java.util.Locale.ROOT), List.copyOf(header.values()));
        }
        String secret = secrets.get(name);
        boolean verified = false;
        if (secret != null) {
            try {
                StandardWebhooks.verify(secret, request.getBodyAsString(), headers);
                verified = true;
            } catch (StandardWebhooks.InvalidSignatureException | IllegalArgumentException e) {
                // Recorded as unverified; a real receiver would answer 401 and the sender would give up.
                verified = false;
            }
        }
        deliveries.add(new FakeBillingApis.WebhookDelivery(
                name,
                request.getHeader("webhook-id"),
                request.getHeader("webhook-timestamp"),
                request.getHeader("webhook-signature"),
                request.getBodyAsString(),
                Map.copyOf(headers),
                verified));
        return new ResponseDefinitionBuilder()
                .withStatus(204)
                .withFixedDelay((int) delay.toMillis())
                .build();
    }
}
