package io.reckon.connectors.embedded;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stand-in for the read side of Stripe's API on one WireMock server (127.0.0.1, a free port), for
 * the Stripe sources' tests and the demo: {@code GET /v1/events}, {@code /v1/invoices}, {@code
 * /v1/invoices/{id}/lines}, {@code /v1/prices/{id}} and {@code /v1/billing/meters/{id}/event_summaries},
 * with Stripe's object shapes and cursor pagination (see {@link FakeStripeData}). Unknown objects are
 * HTTP 404 {@code resource_missing}; no bearer key is HTTP 401; {@link #rateLimitNext} answers 429 with
 * {@code Retry-After}, as Stripe's rate limiter does.
 *
 * <pre>{@code
 * try (FakeStripeReads stripe = FakeStripeReads.start()) {
 *     stripe.price("price_api", "mtr_api");
 *     stripe.invoice("in_1", "cus_1", "usd", created, "draft", List.of(new Line("il_1", "price_api", ...)));
 *     stripe.event("invoice.created", "in_1", created);
 *     stripe.summary("mtr_api", "cus_1", hourStart, new BigDecimal("120"));
 * }
 * }</pre>
 */
public final class FakeStripeReads implements AutoCloseable {

    /**
     * One invoice line: {@code quantity} units of a price over [periodStart, periodEnd) (epoch seconds),
     * or a credit (negative amount); a null price is a one-off invoice item.
     */
    public record Line(String id, String priceId, long periodStart, long periodEnd, BigDecimal quantity, long amount) {}

    private final Object lock = new Object();
    private final FakeStripeData data = new FakeStripeData();
    private final List<String> requests = new ArrayList<>();
    private final List<String> versions = new ArrayList<>();
    private int rateLimited;
    private long retryAfterSeconds;
    private final WireMockServer server;

    private FakeStripeReads() {
        server = new WireMockServer(options()
                .bindAddress("127.0.0.1")
                .dynamicPort()
                .containerThreads(8)
                .extensions(new Handler()));
        server.start();
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(404)));
    }

    public static FakeStripeReads start() {
        return new FakeStripeReads();
    }

    /** The API base to give the Stripe sources ({@code stripe.api-base}). */
    public String apiBase() {
        return server.baseUrl();
    }

    /** A metered price billing the usage of a Stripe meter. */
    public void price(String priceId, String meterId) {
        synchronized (lock) {
            data.price(priceId, meterId);
        }
    }

    /** Creates or replaces an invoice (no event: see {@link #event}). */
    public void invoice(String id, String customer, String currency, long created, String status, List<Line> lines) {
        synchronized (lock) {
            data.invoice(id, customer, currency, created, status, lines);
        }
    }

    /** Changes an invoice's status (no event). */
    public void status(String invoiceId, String status) {
        synchronized (lock) {
            data.status(invoiceId, status);
        }
    }

    /** An event of the invoice as it is now; {@code invoice.deleted} also deletes it. Returns the id. */
    public String event(String type, String invoiceId, long created) {
        synchronized (lock) {
            String id = data.event(type, invoiceId, created);
            if (type.equals("invoice.deleted")) {
                data.delete(invoiceId);
            }
            return id;
        }
    }

    /** Sets the hourly summary of a customer's usage of a meter (the hour starting at {@code hourStart}). */
    public void summary(String meterId, String customer, long hourStart, BigDecimal value) {
        synchronized (lock) {
            data.summary(meterId, customer, hourStart, value);
        }
    }

    /** Answers the next {@code times} requests HTTP 429 with {@code Retry-After: seconds}. */
    public void rateLimitNext(int times, long seconds) {
        synchronized (lock) {
            rateLimited += times;
            retryAfterSeconds = seconds;
        }
    }

    /** Paths of the requests received (rate-limited ones included), in order. */
    public List<String> requests() {
        synchronized (lock) {
            return List.copyOf(requests);
        }
    }

    /** The {@code Stripe-Version} headers received, in order. */
    public List<String> stripeVersions() {
        synchronized (lock) {
            return List.copyOf(versions);
        }
    }

    public int eventCount() {
        synchronized (lock) {
            return data.eventCount();
        }
    }

    @Override
    public void close() {
        server.stop();
    }

    private final class Handler implements ResponseDefinitionTransformerV2 {
        @Override
        public String getName() {
            return "reckon-fake-stripe-reads";
        }

        @Override
        public ResponseDefinition transform(ServeEvent serveEvent) {
            Request request = serveEvent.getRequest();
            String[] url = request.getUrl().split("\\?", 2);
            synchronized (lock) {
                requests.add(url[0]);
                versions.add(request.getHeader("Stripe-Version"));
                String auth = request.getHeader("Authorization");
                if (auth == null || !auth.startsWith("Bearer ") || auth.length() <= 7) {
                    return error(401, "invalid_request_error", null, "You did not provide an API key.");
                }
                if (rateLimited > 0) {
                    rateLimited--;
                    return new ResponseDefinitionBuilder()
                            .withStatus(429)
                            .withHeader("Content-Type", "application/json")
                            .withHeader("Retry-After", Long.toString(retryAfterSeconds))
                            .withBody(FakeStripeData.errorBody(
                                    "rate_limit_error",
                                    "rate_limit",
                                    "Too many requests hit the API" + " too quickly."))
                            .build();
                }
                if (!RequestMethod.GET.equals(request.getMethod())) {
                    return error(405, "invalid_request_error", null, "only GET is stood in for here");
                }
                try {
                    return route(url[0], query(url.length > 1 ? url[1] : ""));
                } catch (IllegalArgumentException e) {
                    return error(400, "invalid_request_error", "resource_missing", e.getMessage());
                }
            }
        }
    }

    private ResponseDefinition route(String path, Map<String, String> q) {
        String[] parts = path.split("/");
        if (path.equals("/v1/events")) {
            return ok(data.listEvents(q));
        }
        if (path.equals("/v1/invoices")) {
            return ok(data.listInvoices(q));
        }
        if (parts.length == 5 && path.startsWith("/v1/invoices/") && parts[4].equals("lines")) {
            return data.hasInvoice(parts[3]) ? ok(data.listLines(parts[3], q)) : missing("invoice", parts[3]);
        }
        if (parts.length == 4 && path.startsWith("/v1/prices/")) {
            return data.priceMeter(parts[3]) != null ? ok(data.priceJson(parts[3])) : missing("price", parts[3]);
        }
        if (parts.length == 6 && path.startsWith("/v1/billing/meters/") && parts[5].equals("event_summaries")) {
            return data.hasMeter(parts[4]) ? ok(data.listSummaries(parts[4], q)) : missing("billing.meter", parts[4]);
        }
        return error(404, "invalid_request_error", null, "Unrecognized request URL (GET: " + path + ")");
    }

    private static Map<String, String> query(String query) {
        Map<String, String> q = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            String[] kv = pair.split("=", 2);
            q.put(
                    URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return q;
    }

    private static ResponseDefinition ok(ObjectNode body) {
        return new ResponseDefinitionBuilder()
                .withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withHeader("Request-Id", "req_fake")
                .withBody(body.toString())
                .build();
    }

    private static ResponseDefinition missing(String object, String id) {
        return error(404, "invalid_request_error", "resource_missing", "No such " + object + ": '" + id + "'");
    }

    private static ResponseDefinition error(int status, String type, String code, String message) {
        return new ResponseDefinitionBuilder()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody(FakeStripeData.errorBody(type, code, message))
                .build();
    }
}
