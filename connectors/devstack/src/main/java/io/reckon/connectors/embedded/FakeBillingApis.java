package io.reckon.connectors.embedded;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * HTTP stand-ins for Stripe, HubSpot and webhook receivers on one WireMock server (127.0.0.1, a free
 * port), for the demo and for tests of the action job. They answer like the real APIs where Reckon
 * depends on it:
 *
 * <ul>
 *   <li>Stripe: {@code POST /v1/invoices} and {@code POST /v1/invoiceitems} return {@code in_...} and
 *       {@code ii_...} objects; a repeated {@code Idempotency-Key} returns the first response, and the
 *       same key with other parameters is refused with HTTP 400 {@code idempotency_error}, as Stripe
 *       does; an item for an unknown invoice is HTTP 400 {@code resource_missing}; no bearer key is
 *       HTTP 401.
 *   <li>HubSpot: {@code POST /crm/v3/objects/tasks} returns HTTP 201 with a numeric id; {@code POST
 *       /crm/v3/objects/tasks/search} sees the tasks created before ({@code CONTAINS_TOKEN} and {@code
 *       EQ} filters).
 *   <li>Webhooks: {@code POST /webhooks/<name>} records the delivery, checks its signature when the
 *       endpoint's secret was taken from {@link #webhookSecret(String)}, and answers HTTP 204.
 * </ul>
 *
 * <p>Faults are injected per API: {@link #failNext(Api, int, int)} answers the next requests with an
 * error status and no effect; {@link #delayNext(Api, int, Duration)} takes effect as usual but answers
 * late, as a slow API whose client gives up before the answer.
 *
 * <pre>{@code
 * try (FakeBillingApis apis = FakeBillingApis.start()) {
 *     StripeOptions stripe = StripeOptions.defaults().withApiBase(apis.stripeApiBase()).withApiKeyFile(keyFile);
 *     apis.failNext(FakeBillingApis.Api.STRIPE, 2, 503);
 *     ... run the action job ...
 *     assertThat(apis.draftInvoices()).hasSize(1);
 * }
 * }</pre>
 */
public final class FakeBillingApis implements AutoCloseable {

    /** The stand-ins whose requests are counted and can be faulted separately. */
    public enum Api {
        STRIPE,
        HUBSPOT,
        WEBHOOKS
    }

    /** A Stripe invoice created through {@code POST /v1/invoices}, with the items added to it. */
    public record DraftInvoice(
            String id,
            String idempotencyKey,
            String customer,
            String currency,
            Map<String, String> params,
            Map<String, String> metadata,
            List<InvoiceItem> items) {

        /** Sum of the items' amounts, in minor units. */
        public long totalMinor() {
            return items.stream().mapToLong(InvoiceItem::amountMinor).sum();
        }
    }

    /** A Stripe invoice item created through {@code POST /v1/invoiceitems}. */
    public record InvoiceItem(
            String id,
            String idempotencyKey,
            String invoiceId,
            long amountMinor,
            String currency,
            String description,
            Map<String, String> metadata) {}

    /** A HubSpot task, its properties and the company ids it is associated with. */
    public record CrmTask(String id, Map<String, String> properties, List<String> companyIds, String requestBody) {}

    /**
     * One webhook delivery, as received. {@code verified} tells whether its signature checked out
     * against {@link #webhookSecret(String)} of the endpoint (false when no secret was asked for).
     */
    public record WebhookDelivery(
            String endpoint,
            String webhookId,
            String timestamp,
            String signature,
            String body,
            Map<String, List<String>> headers,
            boolean verified) {}

    private record Fault(int status, Duration delay) {}

    private final Object lock = new Object();
    private final Map<Api, Deque<Fault>> faults = new EnumMap<>(Api.class);
    private final Map<Api, Integer> requestCounts = new EnumMap<>(Api.class);
    private int otherRequests;
    private long nextId = 1;

    private final StripeStandIn stripe = new StripeStandIn(this::newIdNumber);
    private final HubSpotStandIn hubspot = new HubSpotStandIn(this::newIdNumber);
    private final WebhookReceiversStandIn webhooks = new WebhookReceiversStandIn();
    private final Map<Api, StandIn> standIns = Map.of(Api.STRIPE, stripe, Api.HUBSPOT, hubspot, Api.WEBHOOKS, webhooks);

    private final WireMockServer server;

    private FakeBillingApis() {
        for (Api api : Api.values()) {
            faults.put(api, new ArrayDeque<>());
            requestCounts.put(api, 0);
        }
        server = new WireMockServer(options()
                .bindAddress("127.0.0.1")
                .dynamicPort()
                .containerThreads(16)
                .extensions(new Handler()));
        server.start();
        // One catch-all stub; the handler answers every request from the stand-ins' state.
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(404)));
    }

    /** Starts the server on a free port of 127.0.0.1. */
    public static FakeBillingApis start() {
        return new FakeBillingApis();
    }

    public int port() {
        return server.port();
    }

    /** The value for {@code StripeOptions.apiBase}. */
    public String stripeApiBase() {
        return server.baseUrl();
    }

    /** The value for {@code HubSpotOptions.apiBase}. */
    public String hubspotApiBase() {
        return server.baseUrl();
    }

    /** The URL of the webhook receiver named {@code name}. */
    public String webhookUrl(String name) {
        return server.baseUrl() + "/webhooks/" + name;
    }

    /**
     * The signing secret ({@code whsec_...}) the receiver {@code name} checks deliveries with; made on
     * first use and kept until {@link #close()}. Give it to the webhook executor (as a secret file) to
     * see {@link WebhookDelivery#verified()} true.
     */
    public String webhookSecret(String name) {
        synchronized (lock) {
            return webhooks.secret(name);
        }
    }

    /** Answers the next {@code times} requests to {@code api} with {@code status}, without effect. */
    public void failNext(Api api, int times, int status) {
        synchronized (lock) {
            for (int i = 0; i < times; i++) {
                faults.get(api).add(new Fault(status, Duration.ZERO));
            }
        }
    }

    /** Handles the next {@code times} requests to {@code api} as usual but answers after {@code delay}. */
    public void delayNext(Api api, int times, Duration delay) {
        synchronized (lock) {
            for (int i = 0; i < times; i++) {
                faults.get(api).add(new Fault(0, delay));
            }
        }
    }

    /** Draft invoices, one per distinct idempotency key (or per request without one), oldest first. */
    public List<DraftInvoice> draftInvoices() {
        synchronized (lock) {
            return stripe.draftInvoices();
        }
    }

    /** Every invoice item created, oldest first. */
    public List<InvoiceItem> invoiceItems() {
        synchronized (lock) {
            return stripe.invoiceItems();
        }
    }

    /** HubSpot tasks created, oldest first. */
    public List<CrmTask> tasks() {
        synchronized (lock) {
            return hubspot.tasks();
        }
    }

    /** Webhook deliveries, the first of each distinct {@code webhook-id}, in arrival order. */
    public List<WebhookDelivery> webhookDeliveries() {
        synchronized (lock) {
            return webhooks.deliveries();
        }
    }

    /** Every webhook request that was accepted, duplicates (retries, replays) included. */
    public List<WebhookDelivery> webhookAttempts() {
        synchronized (lock) {
            return webhooks.attempts();
        }
    }

    /** Requests received by one stand-in, faulted ones included. */
    public int requestCount(Api api) {
        synchronized (lock) {
            return requestCounts.get(api);
        }
    }

    /** Requests received in total, faulted and unknown paths included. */
    public int requestCount() {
        synchronized (lock) {
            return requestCounts.values().stream().mapToInt(Integer::intValue).sum() + otherRequests;
        }
    }

    /** Forgets every object, request count and pending fault. */
    public void reset() {
        synchronized (lock) {
            faults.values().forEach(Deque::clear);
            requestCounts.replaceAll((api, n) -> 0);
            standIns.values().forEach(StandIn::reset);
            otherRequests = 0;
        }
    }

    @Override
    public void close() {
        server.stop();
    }

    private final class Handler implements ResponseDefinitionTransformerV2 {
        @Override
        public String getName() {
            return "reckon-fake-billing-apis";
        }

        @Override
        public ResponseDefinition transform(ServeEvent serveEvent) {
            Request request = serveEvent.getRequest();
            String path = request.getUrl().split("\\?", 2)[0];
            Api api = apiOf(path);
            Fault fault;
            synchronized (lock) {
                if (api == null) {
                    otherRequests++;
                    return StandIn.json(404, "{\"message\":\"no stand-in at " + path + "\"}", Duration.ZERO);
                }
                requestCounts.merge(api, 1, Integer::sum);
                fault = faults.get(api).poll();
            }
            StandIn standIn = standIns.get(api);
            if (fault != null && fault.status() != 0) {
                return StandIn.json(fault.status(), standIn.errorBody(fault.status()), Duration.ZERO);
            }
            Duration delay = fault == null ? Duration.ZERO : fault.delay();
            if (!RequestMethod.POST.equals(request.getMethod())) {
                return StandIn.json(405, "{\"message\":\"only POST is stood in for\"}", delay);
            }
            try {
                synchronized (lock) {
                    return standIn.handle(path, request, delay);
                }
            } catch (RuntimeException | IOException e) {
                ObjectNode error =
                        StandIn.JSON.createObjectNode().put("message", "unreadable request: " + e.getMessage());
                return StandIn.json(400, error.toString(), delay);
            }
        }
    }

    private static Api apiOf(String path) {
        if (path.startsWith("/v1/")) {
            return Api.STRIPE;
        }
        if (path.startsWith("/crm/")) {
            return Api.HUBSPOT;
        }
        if (path.startsWith("/webhooks/")) {
            return Api.WEBHOOKS;
        }
        return null;
    }

    private long newIdNumber() {
        return nextId++;
    }
}
