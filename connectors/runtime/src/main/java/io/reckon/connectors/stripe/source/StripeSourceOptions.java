package io.reckon.connectors.stripe.source;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Options of the Stripe sources (invoices from the Events API, reported usage from meter event
 * summaries). The API key is never an option: it is read from {@link #API_KEY_FILE} or the environment
 * variable {@code RECKON_STRIPE_API_KEY}.
 *
 * <pre>{@code
 * stripe.api-key-file: /var/run/secrets/reckon/stripe-api-key
 * stripe.poll-interval: 30 s
 * stripe.summaries.poll-interval: 15 min
 * }</pre>
 */
public final class StripeSourceOptions {

    public static final ConfigOption<String> API_BASE = ConfigOptions.key("stripe.api-base")
            .stringType()
            .defaultValue("https://api.stripe.com")
            .withDescription("Base URL of Stripe's API; a stand-in's URL in tests and the demo.");

    public static final ConfigOption<String> API_KEY_FILE = ConfigOptions.key("stripe.api-key-file")
            .stringType()
            .noDefaultValue()
            .withDescription("File holding the Stripe API key (a restricted key with read access to invoices,"
                    + " events, prices and meters); without it the environment variable RECKON_STRIPE_API_KEY.");

    public static final ConfigOption<Boolean> EVENTS_ENABLED = ConfigOptions.key("stripe.events.enabled")
            .booleanType()
            .defaultValue(true)
            .withDescription("Read invoices from Stripe's Events API (invoice.* events) into recon.invoices.");

    public static final ConfigOption<String> EVENTS_START = ConfigOptions.key("stripe.events.start")
            .stringType()
            .defaultValue("")
            .withDescription("ISO-8601 time of the first event read when the job starts without a checkpoint;"
                    + " empty: the oldest event Stripe keeps (30 days). Older invoices come through the"
                    + " stripe-backfill command.");

    public static final ConfigOption<Boolean> SUMMARIES_ENABLED = ConfigOptions.key("stripe.summaries.enabled")
            .booleanType()
            .defaultValue(true)
            .withDescription("Read hourly meter event summaries of every mapped (customer, meter) into"
                    + " recon.reported as kind=summary records.");

    public static final ConfigOption<Duration> POLL_INTERVAL = ConfigOptions.key("stripe.poll-interval")
            .durationType()
            .defaultValue(Duration.ofSeconds(30))
            .withDescription("Pause between two polls of the Events API once it is caught up.");

    public static final ConfigOption<Duration> SUMMARIES_POLL_INTERVAL = ConfigOptions.key(
                    "stripe.summaries.poll-interval")
            .durationType()
            .defaultValue(Duration.ofMinutes(15))
            .withDescription("Pause between two rounds over every mapped (customer, meter); a round reads the"
                    + " billing periods of stripe.summaries.periods, one request per 100 summaries.");

    public static final ConfigOption<Integer> SUMMARIES_PERIODS = ConfigOptions.key("stripe.summaries.periods")
            .intType()
            .defaultValue(2)
            .withDescription("Billing periods, the open one included, whose hourly summaries every round reads"
                    + " (late meter events can change a closed period's summaries until Stripe finalizes its"
                    + " invoice). More reach further back, at one request per 100 summaries more.");

    public static final ConfigOption<Integer> PAGE_SIZE = ConfigOptions.key("stripe.page-size")
            .intType()
            .defaultValue(100)
            .withDescription("limit of every list call (Stripe's maximum is 100).");

    public static final ConfigOption<Integer> MAX_ATTEMPTS = ConfigOptions.key("stripe.retry.max-attempts")
            .intType()
            .defaultValue(8)
            .withDescription("Attempts of one call answered 429 or 5xx (or not answered) before the source"
                    + " fails and the job restarts from its last checkpoint.");

    public static final ConfigOption<Duration> BASE_BACKOFF = ConfigOptions.key("stripe.retry.base-backoff")
            .durationType()
            .defaultValue(Duration.ofSeconds(1))
            .withDescription("First wait after a failed call without Retry-After; doubles per attempt, plus up"
                    + " to 25 % jitter.");

    public static final ConfigOption<Duration> MAX_BACKOFF = ConfigOptions.key("stripe.retry.max-backoff")
            .durationType()
            .defaultValue(Duration.ofMinutes(1))
            .withDescription(
                    "Longest wait between two attempts without Retry-After (a Retry-After is always" + " honoured).");

    public static final ConfigOption<Duration> TIMEOUT = ConfigOptions.key("stripe.timeout")
            .durationType()
            .defaultValue(Duration.ofSeconds(30))
            .withDescription("Connect and read timeout of one call.");

    public static final ConfigOption<Boolean> BOUNDED = ConfigOptions.key("stripe.bounded")
            .booleanType()
            .defaultValue(false)
            .withDescription("Stop once caught up (events) and after one round (summaries), so the job ends;"
                    + " for the demo and tests. Unbounded sources poll for ever.");

    private StripeSourceOptions() {}
}
