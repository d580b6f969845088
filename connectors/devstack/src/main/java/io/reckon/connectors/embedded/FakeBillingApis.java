package io.reckon.connectors.embedded;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.reckon.connectors.webhook.StandardWebhooks;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

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

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Fault(int status, Duration delay) {}

    private record Stored(String paramsFingerprint, int status, String body) {}

    private final Object lock = new Object();
    private final Map<Api, Deque<Fault>> faults = new EnumMap<>(Api.class);
    private final Map<Api, Integer> requestCounts = new EnumMap<>(Api.class);
    private final Map<String, Stored> idempotentResponses = new LinkedHashMap<>();
    private final Map<String, DraftInvoice> invoicesById = new LinkedHashMap<>();
    private final Map<String, String> webhookSecrets = new LinkedHashMap<>();
    private final List<InvoiceItem> items = new ArrayList<>();
    private final List<CrmTask> tasks = new ArrayList<>();
    private final List<WebhookDelivery> deliveries = new ArrayList<>();
    private int otherRequests;
    private long nextId = 1;

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
        // One catch-all stub; the handler answers every request from the state above.
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
            return webhookSecrets.computeIfAbsent(name, n -> StandardWebhooks.newSecret());
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
            List<DraftInvoice> out = new ArrayList<>();
            for (DraftInvoice invoice : invoicesById.values()) {
                List<InvoiceItem> own = items.stream()
                        .filter(item -> item.invoiceId().equals(invoice.id()))
                        .toList();
                out.add(new DraftInvoice(
                        invoice.id(),
                        invoice.idempotencyKey(),
                        invoice.customer(),
                        invoice.currency(),
                        invoice.params(),
                        invoice.metadata(),
                        own));
            }
            return List.copyOf(out);
        }
    }

    /** Every invoice item created, oldest first. */
    public List<InvoiceItem> invoiceItems() {
        synchronized (lock) {
            return List.copyOf(items);
        }
    }

    /** HubSpot tasks created, oldest first. */
    public List<CrmTask> tasks() {
        synchronized (lock) {
            return List.copyOf(tasks);
        }
    }

    /** Webhook deliveries, the first of each distinct {@code webhook-id}, in arrival order. */
    public List<WebhookDelivery> webhookDeliveries() {
        synchronized (lock) {
            Map<String, WebhookDelivery> byId = new LinkedHashMap<>();
            for (WebhookDelivery delivery : deliveries) {
                byId.putIfAbsent(delivery.webhookId(), delivery);
            }
            return List.copyOf(byId.values());
        }
    }

    /** Every webhook request that was accepted, duplicates (retries, replays) included. */
    public List<WebhookDelivery> webhookAttempts() {
        synchronized (lock) {
            return List.copyOf(deliveries);
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
            idempotentResponses.clear();
            invoicesById.clear();
            items.clear();
            tasks.clear();
            deliveries.clear();
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
                    return json(404, "{\"message\":\"no stand-in at " + path + "\"}", Duration.ZERO);
                }
                requestCounts.merge(api, 1, Integer::sum);
                fault = faults.get(api).poll();
            }
            if (fault != null && fault.status() != 0) {
                return json(fault.status(), errorBody(api, fault.status()), Duration.ZERO);
            }
            Duration delay = fault == null ? Duration.ZERO : fault.delay();
            try {
                synchronized (lock) {
                    return handle(api, path, request, delay);
                }
            } catch (RuntimeException | IOException e) {
                ObjectNode error = JSON.createObjectNode().put("message", "unreadable request: " + e.getMessage());
                return json(400, error.toString(), delay);
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

    private ResponseDefinition handle(Api api, String path, Request request, Duration delay) throws IOException {
        if (!RequestMethod.POST.equals(request.getMethod())) {
            return json(405, "{\"message\":\"only POST is stood in for\"}", delay);
        }
        return switch (api) {
            case STRIPE -> stripe(path, request, delay);
            case HUBSPOT -> hubspot(path, request, delay);
            case WEBHOOKS -> webhook(path, request, delay);
        };
    }

    // ---- Stripe ------------------------------------------------------------------------------

    private ResponseDefinition stripe(String path, Request request, Duration delay) throws IOException {
        String authorization = request.getHeader("Authorization");
        if (authorization == null || !authorization.startsWith("Bearer ") || authorization.length() <= 7) {
            return json(401, stripeError("invalid_request_error", null, "You did not provide an API key."), delay);
        }
        Map<String, String> params = parseForm(request.getBodyAsString());
        String key = request.getHeader("Idempotency-Key");
        String fingerprint = path + "?" + new TreeMap<>(params);
        if (key != null) {
            Stored earlier = idempotentResponses.get(key);
            if (earlier != null) {
                if (!earlier.paramsFingerprint().equals(fingerprint)) {
                    return json(
                            400,
                            stripeError(
                                    "idempotency_error",
                                    null,
                                    "Keys for idempotent requests can only be used with the same parameters they"
                                            + " were first used with. Try using a key other than '" + key
                                            + "' if you meant to execute a different request."),
                            delay);
                }
                return json(earlier.status(), earlier.body(), delay);
            }
        }
        ResponseDefinition response =
                switch (path) {
                    case "/v1/invoices" -> createInvoice(params, key, delay);
                    case "/v1/invoiceitems" -> createInvoiceItem(params, key, delay);
                    default ->
                        json(
                                404,
                                stripeError(
                                        "invalid_request_error", null, "Unrecognized request URL (POST: " + path + ")"),
                                delay);
                };
        if (key != null && response.getStatus() / 100 == 2) {
            idempotentResponses.put(key, new Stored(fingerprint, response.getStatus(), response.getBody()));
        }
        return response;
    }

    private ResponseDefinition createInvoice(Map<String, String> params, String key, Duration delay)
            throws IOException {
        String customer = params.get("customer");
        if (customer == null) {
            return json(
                    400,
                    stripeError("invalid_request_error", "parameter_missing", "Missing required param: customer."),
                    delay);
        }
        String id = "in_" + newId();
        Map<String, String> metadata = metadata(params);
        invoicesById.put(
                id,
                new DraftInvoice(id, key, customer, params.get("currency"), Map.copyOf(params), metadata, List.of()));
        ObjectNode invoice = JSON.createObjectNode();
        invoice.put("id", id);
        invoice.put("object", "invoice");
        invoice.put("customer", customer);
        invoice.put("currency", params.getOrDefault("currency", "usd"));
        invoice.put("status", "draft");
        invoice.put("auto_advance", Boolean.parseBoolean(params.getOrDefault("auto_advance", "true")));
        invoice.put("collection_method", params.getOrDefault("collection_method", "charge_automatically"));
        if (params.containsKey("days_until_due")) {
            invoice.put("days_until_due", Long.parseLong(params.get("days_until_due")));
        }
        invoice.put("description", params.get("description"));
        invoice.put("livemode", false);
        invoice.put("total", 0);
        invoice.set("metadata", JSON.valueToTree(metadata));
        return json(200, JSON.writeValueAsString(invoice), delay);
    }

    private ResponseDefinition createInvoiceItem(Map<String, String> params, String key, Duration delay)
            throws IOException {
        String invoiceId = params.get("invoice");
        if (invoiceId == null || !invoicesById.containsKey(invoiceId)) {
            return json(
                    400,
                    stripeError("invalid_request_error", "resource_missing", "No such invoice: '" + invoiceId + "'"),
                    delay);
        }
        if (!params.containsKey("amount")) {
            return json(
                    400,
                    stripeError("invalid_request_error", "parameter_missing", "Missing required param: amount."),
                    delay);
        }
        String id = "ii_" + newId();
        Map<String, String> metadata = metadata(params);
        InvoiceItem item = new InvoiceItem(
                id,
                key,
                invoiceId,
                Long.parseLong(params.get("amount")),
                params.get("currency"),
                params.get("description"),
                metadata);
        items.add(item);
        ObjectNode json = JSON.createObjectNode();
        json.put("id", id);
        json.put("object", "invoiceitem");
        json.put("amount", item.amountMinor());
        json.put("currency", item.currency());
        json.put("customer", params.get("customer"));
        json.put("invoice", invoiceId);
        json.put("description", item.description());
        json.put("livemode", false);
        json.set("metadata", JSON.valueToTree(metadata));
        return json(200, JSON.writeValueAsString(json), delay);
    }

    private static Map<String, String> metadata(Map<String, String> params) {
        Map<String, String> metadata = new TreeMap<>();
        params.forEach((name, value) -> {
            if (name.startsWith("metadata[") && name.endsWith("]")) {
                metadata.put(name.substring("metadata[".length(), name.length() - 1), value);
            }
        });
        return Map.copyOf(metadata);
    }

    private static Map<String, String> parseForm(String body) {
        Map<String, String> params = new LinkedHashMap<>();
        if (body == null || body.isEmpty()) {
            return params;
        }
        for (String pair : body.split("&")) {
            String[] kv = pair.split("=", 2);
            params.put(
                    URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return params;
    }

    private static String stripeError(String type, String code, String message) {
        ObjectNode error = JSON.createObjectNode();
        ObjectNode inner = error.putObject("error");
        inner.put("type", type);
        if (code != null) {
            inner.put("code", code);
        }
        inner.put("message", message);
        return error.toString();
    }

    // ---- HubSpot -----------------------------------------------------------------------------

    private ResponseDefinition hubspot(String path, Request request, Duration delay) throws IOException {
        String authorization = request.getHeader("Authorization");
        if (authorization == null || !authorization.startsWith("Bearer ") || authorization.length() <= 7) {
            return json(401, hubspotError("Authentication credentials not found.", "INVALID_AUTHENTICATION"), delay);
        }
        JsonNode body = JSON.readTree(request.getBodyAsString());
        return switch (path) {
            case "/crm/v3/objects/tasks" -> createTask(body, request.getBodyAsString(), delay);
            case "/crm/v3/objects/tasks/search" -> searchTasks(body, delay);
            default -> json(404, hubspotError("Not found: " + path, "OBJECT_NOT_FOUND"), delay);
        };
    }

    private ResponseDefinition createTask(JsonNode body, String raw, Duration delay) throws IOException {
        Map<String, String> properties = new LinkedHashMap<>();
        body.path("properties")
                .fields()
                .forEachRemaining(e -> properties.put(e.getKey(), e.getValue().asText()));
        if (!properties.containsKey("hs_timestamp")) {
            return json(
                    400,
                    hubspotError("Property values were not valid: hs_timestamp is required", "VALIDATION_ERROR"),
                    delay);
        }
        List<String> companies = new ArrayList<>();
        for (JsonNode association : body.path("associations")) {
            for (JsonNode type : association.path("types")) {
                if (type.path("associationTypeId").asInt() == 192) {
                    companies.add(association.path("to").path("id").asText());
                }
            }
        }
        String id = Long.toString(90_000_000_000L + newIdNumber());
        tasks.add(new CrmTask(id, Map.copyOf(properties), List.copyOf(companies), raw));
        ObjectNode json = JSON.createObjectNode();
        json.put("id", id);
        json.set("properties", JSON.valueToTree(properties));
        json.put("archived", false);
        return json(201, JSON.writeValueAsString(json), delay);
    }

    private ResponseDefinition searchTasks(JsonNode body, Duration delay) throws IOException {
        List<CrmTask> found = new ArrayList<>();
        for (CrmTask task : tasks) {
            if (matchesAnyGroup(task, body.path("filterGroups"))) {
                found.add(task);
            }
        }
        int limit = body.path("limit").asInt(10);
        ObjectNode json = JSON.createObjectNode();
        json.put("total", found.size());
        ArrayNode results = json.putArray("results");
        for (CrmTask task : found.subList(0, Math.min(limit, found.size()))) {
            ObjectNode result = results.addObject();
            result.put("id", task.id());
            result.set("properties", JSON.valueToTree(task.properties()));
            result.put("archived", false);
        }
        return json(200, JSON.writeValueAsString(json), delay);
    }

    private static boolean matchesAnyGroup(CrmTask task, JsonNode groups) {
        if (!groups.isArray() || groups.isEmpty()) {
            return true;
        }
        for (JsonNode group : groups) {
            boolean all = true;
            for (JsonNode filter : group.path("filters")) {
                String value = task.properties().get(filter.path("propertyName").asText());
                String wanted = filter.path("value").asText();
                boolean match =
                        switch (filter.path("operator").asText()) {
                            case "EQ" -> wanted.equals(value);
                            case "CONTAINS_TOKEN" ->
                                value != null && List.of(value.split("\\s+")).contains(wanted);
                            default -> false;
                        };
                all &= match;
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    private static String hubspotError(String message, String category) {
        ObjectNode error = JSON.createObjectNode();
        error.put("status", "error");
        error.put("message", message);
        error.put("category", category);
        return error.toString();
    }

    // ---- Webhooks ----------------------------------------------------------------------------

    private ResponseDefinition webhook(String path, Request request, Duration delay) {
        String name = path.substring("/webhooks/".length());
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HttpHeader header : request.getHeaders().all()) {
            headers.put(header.key().toLowerCase(java.util.Locale.ROOT), List.copyOf(header.values()));
        }
        String secret = webhookSecrets.get(name);
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
        deliveries.add(new WebhookDelivery(
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

    // ---- Shared ------------------------------------------------------------------------------

    private String errorBody(Api api, int status) {
        return switch (api) {
            case STRIPE ->
                stripeError(
                        status == 429 ? "rate_limit_error" : "api_error",
                        status == 429 ? "rate_limit" : null,
                        "Injected failure (HTTP " + status + ")");
            case HUBSPOT -> hubspotError("Injected failure (HTTP " + status + ")", "INTERNAL_ERROR");
            case WEBHOOKS -> "{}";
        };
    }

    private long newIdNumber() {
        return nextId++;
    }

    private String newId() {
        // Stripe ids are the prefix and 24 base62 characters.
        return "Reckon" + String.format("%018d", newIdNumber());
    }

    private static ResponseDefinition json(int status, String body, Duration delay) {
        return new ResponseDefinitionBuilder()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withHeader("Request-Id", "req_fake")
                .withBody(Objects.requireNonNullElse(body, ""))
                .withFixedDelay((int) delay.toMillis())
                .build();
    }
}
