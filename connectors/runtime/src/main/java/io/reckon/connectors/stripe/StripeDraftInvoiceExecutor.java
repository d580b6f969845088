package io.reckon.connectors.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.Invoice;
import com.stripe.net.RequestOptions;
import com.stripe.param.InvoiceCreateParams;
import com.stripe.param.InvoiceItemCreateParams;
import io.reckon.connectors.actions.ActionCallException;
import io.reckon.connectors.actions.ActionExecutor;
import io.reckon.connectors.actions.ActionOutcome;
import io.reckon.connectors.actions.ActionRequest;
import io.reckon.connectors.actions.RetryingCalls;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns a revenue-leak action into a <b>draft</b> Stripe invoice for the contract's customer, holding
 * one invoice item of the leaked amount. The invoice is never finalized or sent: a person reviews it
 * in the Stripe dashboard ({@code auto_advance=false}, {@code collection_method=send_invoice}, and
 * {@code pending_invoice_items_behavior=exclude} so unrelated pending items stay where they are).
 *
 * <p>Exactly once: both calls carry idempotency keys derived only from the action id ({@code
 * reckon-<actionId>-invoice}, {@code reckon-<actionId>-item}), so a retry, a replay after a restore, or
 * a second execution returns the objects made the first time instead of new ones. Stripe keeps keys for
 * at least 24 hours and rejects a key reused with different parameters (a newer anomaly revision with
 * another amount): that ends as a permanent failure, which the job records rather than billing twice.
 *
 * <pre>{@code
 * try (StripeDraftInvoiceExecutor stripe = StripeDraftInvoiceExecutor.create(StripeOptions.defaults()
 *         .withApiKeyFile("/var/run/secrets/reckon/stripe-api-key"))) {
 *     ActionOutcome outcome = stripe.execute(request).join();   // Executed("in_...", attempts)
 * }
 * }</pre>
 */
public final class StripeDraftInvoiceExecutor implements ActionExecutor {

    private final StripeOptions options;
    private final StripeClient client;
    private final RetryingCalls calls;
    private final ExecutorService blocking;

    private StripeDraftInvoiceExecutor(StripeOptions options, String apiKey) {
        this.options = options;
        int timeoutMillis = (int)
                Math.min(Integer.MAX_VALUE, options.retry().attemptTimeout().toMillis());
        this.client = StripeClient.builder()
                .setApiKey(apiKey)
                .setApiBase(options.apiBase())
                // Failsafe retries (with backoff shared by every executor); retries inside the client
                // would multiply the attempts and hide them from the outcome.
                .setMaxNetworkRetries(0)
                // Frees the blocked thread when Failsafe's per-attempt timeout gives up on the call.
                .setConnectTimeout(timeoutMillis)
                .setReadTimeout(timeoutMillis)
                .build();
        this.calls = RetryingCalls.create(options.retry());
        // stripe-java only offers blocking calls (HttpURLConnection). They must not run on the caller's
        // thread (a Flink async operator's mailbox thread would stall the whole task) nor on the
        // JVM-wide common pool (shared with the job). A fixed pool owned by this instance bounds how
        // many connections wait on Stripe at once, which also keeps within Stripe's rate limits.
        AtomicInteger threads = new AtomicInteger();
        this.blocking = Executors.newFixedThreadPool(options.maxConcurrentCalls(), r -> {
            Thread t = new Thread(r, "reckon-stripe-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Resolves the API key (file, else {@code RECKON_STRIPE_API_KEY}) and builds the client.
     *
     * @throws IllegalArgumentException if no API key is configured
     */
    public static StripeDraftInvoiceExecutor create(StripeOptions options) {
        return new StripeDraftInvoiceExecutor(options, options.resolveApiKey());
    }

    @Override
    public String kind() {
        return ActionRequest.KIND_STRIPE_DRAFT_INVOICE;
    }

    @Override
    public CompletableFuture<ActionOutcome> execute(ActionRequest request) {
        String invalid = invalidReason(request);
        if (invalid != null) {
            return CompletableFuture.completedFuture(new ActionOutcome.Failed(invalid, false, 0));
        }
        return calls.call(attempt -> CompletableFuture.supplyAsync(() -> createDraft(request), blocking));
    }

    /** The idempotency key of the invoice creation; depends on the action id only. */
    public static String invoiceIdempotencyKey(String actionId) {
        return "reckon-" + actionId + "-invoice";
    }

    /** The idempotency key of the invoice item creation; depends on the action id only. */
    public static String itemIdempotencyKey(String actionId) {
        return "reckon-" + actionId + "-item";
    }

    private static String invalidReason(ActionRequest request) {
        if (request.stripeCustomerId() == null || request.stripeCustomerId().isBlank()) {
            return "no Stripe customer id on the contract of account " + request.accountId()
                    + ": cannot draft an invoice";
        }
        if (request.amountMinor() <= 0) {
            return "amount must be positive to draft an invoice, was " + request.amountMinor() + " (minor units)";
        }
        return null;
    }

    private String createDraft(ActionRequest request) {
        Map<String, String> metadata = metadata(request);
        String currency = request.currency().toLowerCase(Locale.ROOT);
        try {
            InvoiceCreateParams invoiceParams = InvoiceCreateParams.builder()
                    .setCustomer(request.stripeCustomerId())
                    .setAutoAdvance(false)
                    .setCollectionMethod(InvoiceCreateParams.CollectionMethod.SEND_INVOICE)
                    .setDaysUntilDue(options.daysUntilDue())
                    .setCurrency(currency)
                    .setPendingInvoiceItemsBehavior(InvoiceCreateParams.PendingInvoiceItemsBehavior.EXCLUDE)
                    .setDescription(request.title())
                    .putAllMetadata(metadata)
                    .build();
            Invoice invoice =
                    client.v1().invoices().create(invoiceParams, idempotent(invoiceIdempotencyKey(request.actionId())));
            InvoiceItemCreateParams itemParams = InvoiceItemCreateParams.builder()
                    .setInvoice(invoice.getId())
                    .setCustomer(request.stripeCustomerId())
                    .setAmount(request.amountMinor())
                    .setCurrency(currency)
                    .setDescription(request.description() != null ? request.description() : request.title())
                    .putAllMetadata(metadata)
                    .build();
            client.v1().invoiceItems().create(itemParams, idempotent(itemIdempotencyKey(request.actionId())));
            return invoice.getId();
        } catch (StripeException e) {
            throw classify(e);
        }
    }

    static Map<String, String> metadata(ActionRequest request) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("reckon_action_id", request.actionId());
        metadata.put("reckon_anomaly_id", request.anomalyId());
        metadata.put("reckon_anomaly_revision", Integer.toString(request.anomalyRevision()));
        if (request.anomalyType() != null) {
            metadata.put("reckon_anomaly_type", request.anomalyType());
        }
        metadata.put("reckon_account_id", request.accountId());
        if (request.meter() != null) {
            metadata.put("reckon_meter", request.meter());
        }
        metadata.put(
                "reckon_period_start",
                Instant.ofEpochMilli(request.periodStartMillis()).toString());
        metadata.put(
                "reckon_period_end",
                Instant.ofEpochMilli(request.periodEndMillis()).toString());
        return metadata;
    }

    private static RequestOptions idempotent(String key) {
        return RequestOptions.builder().setIdempotencyKey(key).build();
    }

    private static ActionCallException classify(StripeException e) {
        Integer status = e.getStatusCode();
        String message = e.getStripeError() != null && e.getStripeError().getMessage() != null
                ? e.getStripeError().getMessage()
                : e.getMessage();
        if (status == null || status == 0) {
            // ApiConnectionException: no HTTP answer (refused, reset, read timeout).
            return new ActionCallException("Stripe unreachable: " + message, true);
        }
        // The error type tells idempotency_error apart from invalid_request_error; the code narrows it.
        String type = e.getStripeError() != null ? e.getStripeError().getType() : null;
        String kind = Stream.of(type, e.getCode()).filter(Objects::nonNull).collect(Collectors.joining(", "));
        String reason = "Stripe answered HTTP " + status + (kind.isEmpty() ? "" : " (" + kind + ")") + ": " + message;
        // 409: another request with the same idempotency key is still in flight at Stripe, as happens
        // when an attempt timed out on our side; trying again later yields the first request's result.
        boolean retryable = ActionCallException.isRetryableStatus(status) || status == 409;
        return new ActionCallException(reason, retryable);
    }

    @Override
    public void close() {
        calls.close();
        blocking.shutdownNow();
        try {
            blocking.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "StripeDraftInvoiceExecutor{apiBase=" + options.apiBase() + "}";
    }
}
