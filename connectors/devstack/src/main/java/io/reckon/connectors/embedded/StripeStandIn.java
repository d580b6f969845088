package io.reckon.connectors.embedded;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * Stripe's invoice endpoints as the action job uses them ({@code POST /v1/invoices}, {@code POST
 * /v1/invoiceitems}), with Stripe's idempotency keys: a repeated key returns the first response, the
 * same key with other parameters is refused with HTTP 400 {@code idempotency_error}.
 */
final class StripeStandIn implements StandIn {

    private record Stored(String paramsFingerprint, int status, String body) {}

    private final Map<String, Stored> idempotentResponses = new LinkedHashMap<>();
    private final Map<String, FakeBillingApis.DraftInvoice> invoicesById = new LinkedHashMap<>();
    private final List<FakeBillingApis.InvoiceItem> items = new ArrayList<>();
    private final LongSupplier ids;

    /** {@code ids} numbers the objects made, shared with the other stand-ins. */
    StripeStandIn(LongSupplier ids) {
        this.ids = ids;
    }

    /** Draft invoices with their items, oldest first. */
    List<FakeBillingApis.DraftInvoice> draftInvoices() {
        List<FakeBillingApis.DraftInvoice> out = new ArrayList<>();
        for (FakeBillingApis.DraftInvoice invoice : invoicesById.values()) {
            List<FakeBillingApis.InvoiceItem> own = items.stream()
                    .filter(item -> item.invoiceId().equals(invoice.id()))
                    .toList();
            out.add(new FakeBillingApis.DraftInvoice(
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

    List<FakeBillingApis.InvoiceItem> invoiceItems() {
        return List.copyOf(items);
    }

    @Override
    public void reset() {
        idempotentResponses.clear();
        invoicesById.clear();
        items.clear();
    }

    @Override
    public String errorBody(int status) {
        return FakeStripeData.errorBody(
                status == 429 ? "rate_limit_error" : "api_error",
                status == 429 ? "rate_limit" : null,
                "Injected failure (HTTP " + status + ")");
    }

    @Override
    public ResponseDefinition handle(String path, Request request, Duration delay) throws IOException {
        if (!StandIn.hasBearer(request)) {
            return StandIn.json(
                    401,
                    FakeStripeData.errorBody("invalid_request_error", null, "You did not provide an API key."),
                    delay);
        }
        Map<String, String> params = parseForm(request.getBodyAsString());
        String key = request.getHeader("Idempotency-Key");
        String fingerprint = path + "?" + new TreeMap<>(params);
        if (key != null) {
            Stored earlier = idempotentResponses.get(key);
            if (earlier != null) {
                if (!earlier.paramsFingerprint().equals(fingerprint)) {
                    return StandIn.json(
                            400,
                            FakeStripeData.errorBody(
                                    "idempotency_error",
                                    null,
                                    "Keys for idempotent requests can only be used with the same parameters they"
                                            + " were first used with. Try using a key other than '" + key
                                            + "' if you meant to execute a different request."),
                            delay);
                }
                return StandIn.json(earlier.status(), earlier.body(), delay);
            }
        }
        ResponseDefinition response =
                switch (path) {
                    case "/v1/invoices" -> createInvoice(params, key, delay);
                    case "/v1/invoiceitems" -> createInvoiceItem(params, key, delay);
                    default ->
                        StandIn.json(
                                404,
                                FakeStripeData.errorBody(
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
            return invalidRequest("parameter_missing", "Missing required param: customer.", delay);
        }
        String id = "in_" + newId();
        Map<String, String> metadata = metadata(params);
        invoicesById.put(
                id,
                new FakeBillingApis.DraftInvoice(
                        id, key, customer, params.get("currency"), Map.copyOf(params), metadata, List.of()));
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
        return StandIn.json(200, JSON.writeValueAsString(invoice), delay);
    }

    private ResponseDefinition createInvoiceItem(Map<String, String> params, String key, Duration delay)
            throws IOException {
        String invoiceId = params.get("invoice");
        if (invoiceId == null || !invoicesById.containsKey(invoiceId)) {
            return invalidRequest("resource_missing", "No such invoice: '" + invoiceId + "'", delay);
        }
        if (!params.containsKey("amount")) {
            return invalidRequest("parameter_missing", "Missing required param: amount.", delay);
        }
        String id = "ii_" + newId();
        Map<String, String> metadata = metadata(params);
        FakeBillingApis.InvoiceItem item = new FakeBillingApis.InvoiceItem(
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
        return StandIn.json(200, JSON.writeValueAsString(json), delay);
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

    /** HTTP 400 with an {@code invalid_request_error} of {@code code}, as Stripe refuses a bad request. */
    private static ResponseDefinition invalidRequest(String code, String message, Duration delay) {
        return StandIn.json(400, FakeStripeData.errorBody("invalid_request_error", code, message), delay);
    }

    private String newId() {
        // Stripe ids are the prefix and 24 base62 characters.
        return "Reckon" + String.format("%018d", ids.getAsLong());
    }
}
