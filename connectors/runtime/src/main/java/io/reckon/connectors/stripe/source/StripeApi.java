package io.reckon.connectors.stripe.source;

import com.stripe.Stripe;
import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.StripeException;
import com.stripe.model.Event;
import com.stripe.model.Invoice;
import com.stripe.model.InvoiceLineItem;
import com.stripe.model.Price;
import com.stripe.model.StripeCollection;
import com.stripe.model.billing.MeterEventSummary;
import com.stripe.param.EventListParams;
import com.stripe.param.InvoiceLineItemListParams;
import com.stripe.param.InvoiceListParams;
import com.stripe.param.billing.MeterEventSummaryListParams;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The read calls the Stripe sources make, through stripe-java, with Stripe's rate limits handled: an
 * answer 429 (or 5xx, or none) is retried after {@link RateLimitBackoff#delay} (honouring {@code
 * Retry-After}), up to its attempt limit. stripe-java sends the API version it is built for ({@link
 * #API_VERSION}) as {@code Stripe-Version} on every call, so objects always have that version's shapes
 * (lines carry {@code pricing.price_details.price}, not the old {@code price}).
 */
public final class StripeApi {

    /** The Stripe API version every call is pinned to. */
    public static final String API_VERSION = Stripe.API_VERSION;

    /** The invoice events the events source reads. */
    public static final List<String> INVOICE_EVENT_TYPES = List.of(
            "invoice.created",
            "invoice.updated",
            "invoice.finalized",
            "invoice.paid",
            "invoice.voided",
            "invoice.marked_uncollectible",
            "invoice.deleted");

    /** One call to Stripe. */
    @FunctionalInterface
    interface Call<T> {
        T run() throws StripeException;
    }

    private final StripeClient client;
    private final RateLimitBackoff backoff;
    private final StripeMetrics metrics;
    private final long pageSize;
    private final Map<String, Optional<String>> meterOfPrice = new HashMap<>();

    public StripeApi(StripeSourceSettings settings, String apiKey, StripeMetrics metrics) {
        int timeout = (int) Math.min(Integer.MAX_VALUE, settings.timeout().toMillis());
        this.client = StripeClient.builder()
                .setApiKey(apiKey)
                .setApiBase(settings.apiBase())
                // Retries are ours (Retry-After, jitter, counted as a metric), not the client's.
                .setMaxNetworkRetries(0)
                .setConnectTimeout(timeout)
                .setReadTimeout(timeout)
                .build();
        this.backoff = settings.backoff();
        this.metrics = metrics;
        this.pageSize = settings.pageSize();
    }

    /**
     * A page of invoice events. With {@code endingBefore} (an event id): the events just newer than it,
     * at most a page. Without: the newest events (created at or after {@code createdGte} if given),
     * paged to older ones with {@code startingAfter}. Stripe lists newest first either way.
     */
    public StripeCollection<Event> events(String endingBefore, String startingAfter, Long createdGte)
            throws IOException {
        EventListParams.Builder params =
                EventListParams.builder().setLimit(pageSize).addAllType(INVOICE_EVENT_TYPES);
        if (endingBefore != null) {
            params.setEndingBefore(endingBefore);
        }
        if (startingAfter != null) {
            params.setStartingAfter(startingAfter);
        }
        if (createdGte != null) {
            params.setCreated(
                    EventListParams.Created.builder().setGte(createdGte).build());
        }
        EventListParams built = params.build();
        return page("GET /v1/events", () -> client.v1().events().list(built));
    }

    /** Every line of an invoice, all pages. */
    public List<InvoiceLineItem> invoiceLines(String invoiceId) throws IOException {
        List<InvoiceLineItem> lines = new java.util.ArrayList<>();
        String after = null;
        while (true) {
            InvoiceLineItemListParams.Builder params =
                    InvoiceLineItemListParams.builder().setLimit(pageSize);
            if (after != null) {
                params.setStartingAfter(after);
            }
            InvoiceLineItemListParams built = params.build();
            StripeCollection<InvoiceLineItem> page = page(
                    "GET /v1/invoices/" + invoiceId + "/lines",
                    () -> client.v1().invoices().lineItems().list(invoiceId, built));
            lines.addAll(page.getData());
            if (!Boolean.TRUE.equals(page.getHasMore()) || page.getData().isEmpty()) {
                return lines;
            }
            after = page.getData().get(page.getData().size() - 1).getId();
        }
    }

    /** A page of invoices created in [createdGte, createdLt), newest first. */
    public StripeCollection<Invoice> invoices(long createdGte, long createdLt, String startingAfter)
            throws IOException {
        InvoiceListParams.Builder params = InvoiceListParams.builder()
                .setLimit(pageSize)
                .setCreated(InvoiceListParams.Created.builder()
                        .setGte(createdGte)
                        .setLt(createdLt)
                        .build());
        if (startingAfter != null) {
            params.setStartingAfter(startingAfter);
        }
        InvoiceListParams built = params.build();
        return page("GET /v1/invoices", () -> client.v1().invoices().list(built));
    }

    /** A page of a customer's hourly summaries of one meter in [start, end) (epoch seconds, on hours). */
    public StripeCollection<MeterEventSummary> hourlySummaries(
            String meterId, String customerId, long start, long end, String startingAfter) throws IOException {
        MeterEventSummaryListParams.Builder params = MeterEventSummaryListParams.builder()
                .setCustomer(customerId)
                .setStartTime(start)
                .setEndTime(end)
                .setValueGroupingWindow(MeterEventSummaryListParams.ValueGroupingWindow.HOUR)
                .setLimit(pageSize);
        if (startingAfter != null) {
            params.setStartingAfter(startingAfter);
        }
        MeterEventSummaryListParams built = params.build();
        return page(
                "GET /v1/billing/meters/" + meterId + "/event_summaries",
                () -> client.v1().billing().meters().eventSummaries().list(meterId, built));
    }

    /** The Stripe meter behind a price ({@code recurring.meter}), cached; empty for a price without one. */
    public Optional<String> meterOfPrice(String priceId) throws IOException {
        Optional<String> known = meterOfPrice.get(priceId);
        if (known != null) {
            return known;
        }
        Price price =
                call("GET /v1/prices/" + priceId, () -> client.v1().prices().retrieve(priceId));
        Optional<String> meter = Optional.ofNullable(price.getRecurring()).map(Price.Recurring::getMeter);
        meterOfPrice.put(priceId, meter);
        return meter;
    }

    private <T> T page(String what, Call<T> call) throws IOException {
        T page = call(what, call);
        metrics.pageFetched();
        return page;
    }

    /** Runs a call, retrying 429, 5xx and unanswered calls; other answers fail with Stripe's message. */
    <T> T call(String what, Call<T> call) throws IOException {
        for (int attempt = 1; ; attempt++) {
            StripeException failure;
            try {
                return call.run();
            } catch (StripeException e) {
                failure = e;
            }
            Integer status = failure.getStatusCode();
            boolean unanswered = failure instanceof ApiConnectionException || status == null || status == 0;
            boolean retryable = unanswered || status == 429 || status >= 500;
            if (status != null && status == 429) {
                metrics.rateLimited();
            }
            if (!retryable || attempt >= backoff.maxAttempts()) {
                throw new StripeCallException(
                        what + " failed" + (retryable ? " after " + attempt + " attempts" : "") + ": "
                                + describe(failure),
                        unanswered ? 0 : status,
                        failure);
            }
            sleep(backoff.delay(attempt, retryAfter(failure)));
        }
    }

    private static Long retryAfter(StripeException e) {
        if (e.getStripeError() == null || e.getStripeError().getLastResponse() == null) {
            return null;
        }
        return RateLimitBackoff.parseRetryAfter(e.getStripeError()
                .getLastResponse()
                .headers()
                .firstValue("Retry-After")
                .orElse(null));
    }

    private static String describe(StripeException e) {
        Integer status = e.getStatusCode();
        String message = e.getStripeError() != null && e.getStripeError().getMessage() != null
                ? e.getStripeError().getMessage()
                : e.getMessage();
        return (status == null || status == 0 ? "no answer" : "HTTP " + status) + ": " + message;
    }

    private static void sleep(Duration d) throws InterruptedIOException {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to retry a Stripe call");
        }
    }
}
