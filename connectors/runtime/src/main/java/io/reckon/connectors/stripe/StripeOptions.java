package io.reckon.connectors.stripe;

import io.reckon.connectors.actions.RetryOptions;
import io.reckon.connectors.actions.Secrets;
import java.io.Serializable;
import java.util.Objects;

/**
 * Settings of {@link StripeDraftInvoiceExecutor}. Holds where the API key is, never the key itself:
 * the key is read from {@code apiKeyFile}, else the environment variable {@value
 * Secrets#STRIPE_API_KEY_ENV}, when the executor is created.
 *
 * <pre>{@code
 * StripeOptions options = StripeOptions.defaults().withApiKeyFile("/var/run/secrets/reckon/stripe-api-key");
 * }</pre>
 *
 * @param apiBase Stripe's API base URL; a stand-in's URL in tests and the demo
 * @param apiKeyFile path of a file holding the API key, or null to use the environment
 * @param daysUntilDue {@code days_until_due} of the draft invoices
 * @param maxConcurrentCalls threads that may wait on Stripe at once, per executor instance
 * @param retry retries and per-attempt timeout
 */
public record StripeOptions(
        String apiBase, String apiKeyFile, long daysUntilDue, int maxConcurrentCalls, RetryOptions retry)
        implements Serializable {

    public static final String DEFAULT_API_BASE = "https://api.stripe.com";
    public static final long DEFAULT_DAYS_UNTIL_DUE = 30;
    public static final int DEFAULT_MAX_CONCURRENT_CALLS = 4;

    /** Name of the option holding {@link #apiKeyFile()}, used in error messages. */
    public static final String API_KEY_FILE_OPTION = "actions.stripe.api-key-file";

    public StripeOptions {
        Objects.requireNonNull(apiBase, "apiBase");
        Objects.requireNonNull(retry, "retry");
        if (daysUntilDue < 1) {
            throw new IllegalArgumentException("daysUntilDue must be at least 1: " + daysUntilDue);
        }
        if (maxConcurrentCalls < 1) {
            throw new IllegalArgumentException("maxConcurrentCalls must be at least 1: " + maxConcurrentCalls);
        }
    }

    /** Stripe's live API, the key from the environment, 30 days until due, 4 concurrent calls. */
    public static StripeOptions defaults() {
        return new StripeOptions(
                DEFAULT_API_BASE, null, DEFAULT_DAYS_UNTIL_DUE, DEFAULT_MAX_CONCURRENT_CALLS, RetryOptions.defaults());
    }

    public StripeOptions withApiBase(String base) {
        return new StripeOptions(base, apiKeyFile, daysUntilDue, maxConcurrentCalls, retry);
    }

    public StripeOptions withApiKeyFile(String file) {
        return new StripeOptions(apiBase, file, daysUntilDue, maxConcurrentCalls, retry);
    }

    public StripeOptions withDaysUntilDue(long days) {
        return new StripeOptions(apiBase, apiKeyFile, days, maxConcurrentCalls, retry);
    }

    public StripeOptions withMaxConcurrentCalls(int calls) {
        return new StripeOptions(apiBase, apiKeyFile, daysUntilDue, calls, retry);
    }

    public StripeOptions withRetry(RetryOptions options) {
        return new StripeOptions(apiBase, apiKeyFile, daysUntilDue, maxConcurrentCalls, options);
    }

    /** Reads the API key from the file or the environment; never logs it. */
    String resolveApiKey() {
        return Secrets.resolve("Stripe API key", API_KEY_FILE_OPTION, apiKeyFile, Secrets.STRIPE_API_KEY_ENV);
    }
}
