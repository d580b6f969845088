package io.reckon.connectors.stripe.source;

import io.reckon.connectors.actions.Secrets;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.flink.configuration.ReadableConfig;

/**
 * The typed settings of the Stripe sources (see {@link StripeSourceOptions}). Holds where the API key
 * is, never the key: the key is read on the task manager when a reader opens.
 *
 * @param eventsStart first event time read without a checkpoint, or null for the oldest Stripe keeps
 * @param summariesPeriods billing periods, the open one included, whose summaries every round reads
 */
public record StripeSourceSettings(
        String apiBase,
        String apiKeyFile,
        Instant eventsStart,
        Duration pollInterval,
        Duration summariesPollInterval,
        int summariesPeriods,
        int pageSize,
        RateLimitBackoff backoff,
        Duration timeout,
        boolean bounded)
        implements Serializable {

    public StripeSourceSettings {
        if (pageSize < 1 || pageSize > 100) {
            throw new IllegalArgumentException(StripeSourceOptions.PAGE_SIZE.key() + " must be 1..100: " + pageSize);
        }
        if (summariesPeriods < 1) {
            throw new IllegalArgumentException(
                    StripeSourceOptions.SUMMARIES_PERIODS.key() + " must be at least 1: " + summariesPeriods);
        }
    }

    public static StripeSourceSettings fromConfig(ReadableConfig conf) {
        String start = conf.get(StripeSourceOptions.EVENTS_START).trim();
        Instant eventsStart;
        try {
            eventsStart = start.isEmpty() ? null : Instant.parse(start);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    StripeSourceOptions.EVENTS_START.key() + " is not an ISO-8601 time: '" + start + "'");
        }
        return new StripeSourceSettings(
                conf.get(StripeSourceOptions.API_BASE),
                conf.getOptional(StripeSourceOptions.API_KEY_FILE).orElse(null),
                eventsStart,
                conf.get(StripeSourceOptions.POLL_INTERVAL),
                conf.get(StripeSourceOptions.SUMMARIES_POLL_INTERVAL),
                conf.get(StripeSourceOptions.SUMMARIES_PERIODS),
                conf.get(StripeSourceOptions.PAGE_SIZE),
                new RateLimitBackoff(
                        conf.get(StripeSourceOptions.BASE_BACKOFF),
                        conf.get(StripeSourceOptions.MAX_BACKOFF),
                        conf.get(StripeSourceOptions.MAX_ATTEMPTS)),
                conf.get(StripeSourceOptions.TIMEOUT),
                conf.get(StripeSourceOptions.BOUNDED));
    }

    /** The API key from {@link #apiKeyFile}, else {@code RECKON_STRIPE_API_KEY}; never logged. */
    public String resolveApiKey() {
        return Secrets.resolve(
                "Stripe API key", StripeSourceOptions.API_KEY_FILE.key(), apiKeyFile, Secrets.STRIPE_API_KEY_ENV);
    }
}
