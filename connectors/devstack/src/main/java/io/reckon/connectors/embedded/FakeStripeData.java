package io.reckon.connectors.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reckon.connectors.embedded.FakeStripeReads.Line;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@link FakeStripeReads} serves: invoices with lines, the {@code invoice.*} events of their
 * changes, metered prices and hourly meter event summaries, rendered with the shapes of Stripe's API
 * objects (API version 2026-05-27.dahlia: lines carry {@code pricing.price_details.price}) and listed
 * with Stripe's cursor pagination. Not thread-safe: the server holds its lock around every call.
 */
final class FakeStripeData {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String API_VERSION = "2026-05-27.dahlia";

    /** Lines an event's invoice carries before {@code lines.has_more} (Stripe embeds a first page). */
    static final int EMBEDDED_LINES = 10;

    private record Invoice(
            String id, String customer, String currency, long created, String status, List<Line> lines) {}

    private final Map<String, Invoice> invoices = new LinkedHashMap<>();
    private final List<ObjectNode> events = new ArrayList<>();
    private final Map<String, String> priceMeters = new LinkedHashMap<>();
    private final Map<String, TreeMap<Long, BigDecimal>> summaries = new LinkedHashMap<>();
    private long nextEvent = 1;

    void price(String priceId, String meterId) {
        priceMeters.put(priceId, meterId);
    }

    void invoice(String id, String customer, String currency, long created, String status, List<Line> lines) {
        invoices.put(id, new Invoice(id, customer, currency, created, status, List.copyOf(lines)));
    }

    void status(String invoiceId, String status) {
        Invoice i = invoices.get(invoiceId);
        invoices.put(invoiceId, new Invoice(i.id(), i.customer(), i.currency(), i.created(), status, i.lines()));
    }

    boolean hasInvoice(String invoiceId) {
        return invoices.containsKey(invoiceId);
    }

    void delete(String invoiceId) {
        invoices.remove(invoiceId);
    }

    /** Records an event of the invoice as it is now; returns the event id. */
    String event(String type, String invoiceId, long created) {
        ObjectNode invoice = invoiceJson(invoices.get(invoiceId), EMBEDDED_LINES);
        if (type.equals("invoice.deleted")) {
            invoice.put("deleted", true);
        }
        String id = String.format("evt_%024d", nextEvent++);
        ObjectNode event = JSON.createObjectNode();
        event.put("id", id);
        event.put("object", "event");
        event.put("api_version", API_VERSION);
        event.put("created", created);
        event.putObject("data").set("object", invoice);
        event.put("livemode", false);
        event.put("pending_webhooks", 0);
        event.putObject("request").putNull("id").putNull("idempotency_key");
        event.put("type", type);
        events.add(event);
        return id;
    }

    void summary(String meterId, String customer, long hourStart, BigDecimal value) {
        summaries
                .computeIfAbsent(meterId + " " + customer, k -> new TreeMap<>())
                .put(hourStart, value);
    }

    boolean hasMeter(String meterId) {
        return priceMeters.containsValue(meterId);
    }

    String priceMeter(String priceId) {
        return priceMeters.get(priceId);
    }

    int eventCount() {
        return events.size();
    }

    // ---- rendering --------------------------------------------------------------------------

    ObjectNode invoiceJson(String invoiceId) {
        Invoice invoice = invoices.get(invoiceId);
        return invoice == null ? null : invoiceJson(invoice, EMBEDDED_LINES);
    }

    private ObjectNode invoiceJson(Invoice i, int embeddedLines) {
        ObjectNode json = JSON.createObjectNode();
        json.put("id", i.id());
        json.put("object", "invoice");
        json.put("currency", i.currency());
        json.put("customer", i.customer());
        json.put("created", i.created());
        json.put("status", i.status());
        json.put("livemode", false);
        long total = i.lines().stream().mapToLong(Line::amount).sum();
        json.put("subtotal", total);
        json.put("total", total);
        List<ObjectNode> lines = i.lines().stream().map(l -> lineJson(i, l)).toList();
        json.set(
                "lines",
                list(
                        "/v1/invoices/" + i.id() + "/lines",
                        lines.subList(0, Math.min(embeddedLines, lines.size())),
                        lines.size() > embeddedLines));
        return json;
    }

    /** A Stripe error object: {@code {"error": {"type", "code" (if any), "message"}}}. */
    static String errorBody(String type, String code, String message) {
        ObjectNode error = JSON.createObjectNode();
        ObjectNode inner = error.putObject("error");
        inner.put("type", type);
        if (code != null) {
            inner.put("code", code);
        }
        inner.put("message", message);
        return error.toString();
    }

    private static ObjectNode lineJson(Invoice i, Line l) {
        ObjectNode json = JSON.createObjectNode();
        json.put("id", l.id());
        json.put("object", "line_item");
        json.put("amount", l.amount());
        json.put("currency", i.currency());
        json.put("invoice", i.id());
        json.put("livemode", false);
        json.putObject("metadata");
        ObjectNode period = json.putObject("period");
        period.put("end", l.periodEnd());
        period.put("start", l.periodStart());
        ObjectNode pricing = json.putObject("pricing");
        pricing.put("type", "price_details");
        if (l.priceId() != null) {
            pricing.putObject("price_details").put("price", l.priceId()).put("product", "prod_" + l.priceId());
        }
        json.put("quantity", l.quantity().longValue());
        json.put("quantity_decimal", l.quantity().toPlainString());
        json.put("subtotal", l.amount());
        return json;
    }

    ObjectNode priceJson(String priceId) {
        ObjectNode json = JSON.createObjectNode();
        json.put("id", priceId);
        json.put("object", "price");
        json.put("active", true);
        json.put("billing_scheme", "per_unit");
        json.put("currency", "usd");
        json.put("livemode", false);
        json.put("type", "recurring");
        ObjectNode recurring = json.putObject("recurring");
        recurring.put("interval", "month");
        recurring.put("interval_count", 1);
        recurring.put("meter", priceMeters.get(priceId));
        recurring.put("usage_type", "metered");
        return json;
    }

    // ---- lists ------------------------------------------------------------------------------

    /** {@code GET /v1/events}: newest first; ending_before gives the page just newer than the cursor. */
    ObjectNode listEvents(Map<String, String> q) {
        List<ObjectNode> matching = new ArrayList<>();
        List<String> types = q.entrySet().stream()
                .filter(e -> e.getKey().startsWith("types["))
                .map(Map.Entry::getValue)
                .toList();
        long gte = Long.parseLong(q.getOrDefault("created[gte]", "0"));
        for (ObjectNode e : events) {
            if ((types.isEmpty() || types.contains(e.get("type").asText()))
                    && e.get("created").asLong() >= gte) {
                matching.add(e);
            }
        }
        List<ObjectNode> newestFirst = new ArrayList<>(matching);
        java.util.Collections.reverse(newestFirst);
        return page("/v1/events", newestFirst, q);
    }

    /** {@code GET /v1/invoices}: newest first within {@code created[gte]}, {@code created[lt]}. */
    ObjectNode listInvoices(Map<String, String> q) {
        long gte = Long.parseLong(q.getOrDefault("created[gte]", "0"));
        long lt = Long.parseLong(q.getOrDefault("created[lt]", Long.toString(Long.MAX_VALUE)));
        List<ObjectNode> newestFirst = new ArrayList<>();
        for (Invoice i : invoices.values()) {
            if (i.created() >= gte && i.created() < lt) {
                newestFirst.add(invoiceJson(i, EMBEDDED_LINES));
            }
        }
        newestFirst.sort((a, b) ->
                Long.compare(b.get("created").asLong(), a.get("created").asLong()));
        return page("/v1/invoices", newestFirst, q);
    }

    ObjectNode listLines(String invoiceId, Map<String, String> q) {
        Invoice i = invoices.get(invoiceId);
        List<ObjectNode> lines = i.lines().stream().map(l -> lineJson(i, l)).toList();
        return page("/v1/invoices/" + invoiceId + "/lines", lines, q);
    }

    /** {@code GET /v1/billing/meters/{id}/event_summaries}: hours with usage, newest first, as Stripe lists them. */
    ObjectNode listSummaries(String meterId, Map<String, String> q) {
        String customer = q.get("customer");
        long start = Long.parseLong(q.get("start_time"));
        long end = Long.parseLong(q.get("end_time"));
        List<ObjectNode> found = new ArrayList<>();
        summaries
                .getOrDefault(meterId + " " + customer, new TreeMap<>())
                .subMap(start, end)
                .forEach((hour, v) -> {
                    ObjectNode json = JSON.createObjectNode();
                    json.put(
                            "id",
                            "mtrusg_" + meterId.replace("mtr_", "") + "_" + customer.replace("cus_", "") + "_" + hour);
                    json.put("object", "billing.meter_event_summary");
                    json.put("aggregated_value", v);
                    json.put("end_time", hour + 3600);
                    json.put("livemode", false);
                    json.put("meter", meterId);
                    json.put("start_time", hour);
                    found.add(json);
                });
        java.util.Collections.reverse(found);
        return page("/v1/billing/meters/" + meterId + "/event_summaries", found, q);
    }

    /** One page of {@code all} (in list order) with Stripe's {@code starting_after}/{@code ending_before}. */
    private static ObjectNode page(String url, List<ObjectNode> all, Map<String, String> q) {
        int limit = Integer.parseInt(q.getOrDefault("limit", "10"));
        int from = 0;
        int to = all.size();
        boolean backwards = false;
        if (q.containsKey("starting_after")) {
            from = indexOf(all, q.get("starting_after")) + 1;
        } else if (q.containsKey("ending_before")) {
            to = indexOf(all, q.get("ending_before"));
            backwards = true;
        }
        List<ObjectNode> slice;
        boolean hasMore;
        if (backwards) {
            int start = Math.max(0, to - limit);
            slice = all.subList(start, Math.max(start, to));
            hasMore = start > 0;
        } else {
            int end = Math.min(all.size(), from + limit);
            slice = all.subList(Math.min(from, end), end);
            hasMore = end < all.size();
        }
        return list(url, slice, hasMore);
    }

    private static int indexOf(List<ObjectNode> all, String id) {
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).get("id").asText().equals(id)) {
                return i;
            }
        }
        throw new IllegalArgumentException("No such object: '" + id + "'");
    }

    private static ObjectNode list(String url, List<ObjectNode> data, boolean hasMore) {
        ObjectNode json = JSON.createObjectNode();
        json.put("object", "list");
        ArrayNode array = json.putArray("data");
        data.forEach(array::add);
        json.put("has_more", hasMore);
        json.put("url", url);
        return json;
    }
}
