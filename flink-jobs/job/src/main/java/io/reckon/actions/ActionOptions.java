package io.reckon.actions;

import io.reckon.connectors.actions.Secrets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Typed options of the action job. Secrets are never options: the Stripe key, the HubSpot token and
 * webhook signing secrets come from the files named here or from the environment variables
 * {@value #STRIPE_API_KEY_ENV}, {@value #HUBSPOT_TOKEN_ENV} and {@value #WEBHOOK_SECRET_ENV_PREFIX}{@code
 * <NAME>}. Webhook endpoints are keyed by name: {@code actions.webhooks.<name>.url} and {@code
 * actions.webhooks.<name>.secret-file}.
 */
public final class ActionOptions {

    // The executors read these variables (connectors' Secrets); named here for the docs and the checks.
    public static final String STRIPE_API_KEY_ENV = Secrets.STRIPE_API_KEY_ENV;
    public static final String HUBSPOT_TOKEN_ENV = Secrets.HUBSPOT_TOKEN_ENV;
    public static final String WEBHOOK_SECRET_ENV_PREFIX = Secrets.WEBHOOK_SECRET_ENV_PREFIX;

    public static final String WEBHOOKS_PREFIX = "actions.webhooks.";
    private static final Pattern WEBHOOK_KEY = Pattern.compile("actions\\.webhooks\\.([a-z0-9_]+)\\.(url|secret-file)");

    public static final ConfigOption<String> POLICY_FILE = ConfigOptions.key("actions.policy-file")
            .stringType()
            .noDefaultValue()
            .withDescription("Path of the action policy (YAML with a 'rules' list, see docs/actions.md)."
                    + " Takes the place of actions.policy.rules.");

    public static final ConfigOption<String> POLICY_RULES = ConfigOptions.key("actions.policy.rules")
            .stringType()
            .defaultValue("")
            .withDescription("The policy's rules inline, as a YAML list (what 'actions: policy: rules:' in a"
                    + " Flink YAML file becomes). Empty and no policy file: the job takes no actions.");

    public static final ConfigOption<String> STRIPE_API_BASE = ConfigOptions.key("actions.stripe.api-base")
            .stringType()
            .defaultValue("https://api.stripe.com")
            .withDescription("Base URL of the Stripe API.");

    public static final ConfigOption<String> STRIPE_API_KEY_FILE = ConfigOptions.key("actions.stripe.api-key-file")
            .stringType()
            .noDefaultValue()
            .withDescription(
                    "File holding the Stripe secret key; else the environment variable " + STRIPE_API_KEY_ENV + ".");

    public static final ConfigOption<String> HUBSPOT_API_BASE = ConfigOptions.key("actions.hubspot.api-base")
            .stringType()
            .defaultValue("https://api.hubapi.com")
            .withDescription("Base URL of the HubSpot API.");

    public static final ConfigOption<String> HUBSPOT_TOKEN_FILE = ConfigOptions.key("actions.hubspot.token-file")
            .stringType()
            .noDefaultValue()
            .withDescription("File holding the HubSpot private app token; else the environment variable "
                    + HUBSPOT_TOKEN_ENV + ".");

    public static final ConfigOption<Integer> CAPACITY = ConfigOptions.key("actions.capacity")
            .intType()
            .defaultValue(16)
            .withDescription("Calls in flight per subtask (async I/O capacity). When full, the stream waits"
                    + " (back-pressure) instead of queueing without bound.");

    public static final ConfigOption<Duration> TIMEOUT = ConfigOptions.key("actions.timeout")
            .durationType()
            .defaultValue(Duration.ofSeconds(60))
            .withDescription("Longest time one action may take, retries included; then it is recorded as failed"
                    + " with the reason. Longer than max-retries x request-timeout plus the backoff.");

    public static final ConfigOption<Duration> REQUEST_TIMEOUT = ConfigOptions.key("actions.request-timeout")
            .durationType()
            .defaultValue(Duration.ofSeconds(10))
            .withDescription("Timeout of one HTTP request to Stripe, HubSpot or a webhook endpoint.");

    public static final ConfigOption<Integer> MAX_RETRIES = ConfigOptions.key("actions.max-retries")
            .intType()
            .defaultValue(3)
            .withDescription("Retries of a call after a retryable failure (HTTP 5xx or 429, timeout, broken"
                    + " connection); each repeats the same idempotency key or delivery id.");

    public static final ConfigOption<Duration> RETRY_BACKOFF = ConfigOptions.key("actions.retry-backoff")
            .durationType()
            .defaultValue(Duration.ofMillis(500))
            .withDescription("First delay between retries; it doubles with every retry.");

    public static final ConfigOption<Duration> CONTRACT_WAIT = ConfigOptions.key("actions.contract-wait")
            .durationType()
            .defaultValue(Duration.ofMinutes(5))
            .withDescription("Processing time an anomaly waits for its account's contract (Stripe customer and"
                    + " CRM company) before it is acted on without one.");

    public static final ConfigOption<Duration> APPROVAL_WAIT = ConfigOptions.key("actions.approval-wait")
            .durationType()
            .defaultValue(Duration.ofDays(7))
            .withDescription("Processing time an approval for an action not yet proposed is kept; then it is"
                    + " dead-lettered with the reason.");

    public static final ConfigOption<Duration> STATE_RETENTION = ConfigOptions.key("actions.state-retention")
            .durationType()
            .defaultValue(Duration.ofDays(90))
            .withDescription("Processing time an action's state (its step, for deduplication) is kept after its"
                    + " last change. Must exceed reconcile.state-retention, the longest an anomaly can still get"
                    + " a revision, or a late revision could act again.");

    private ActionOptions() {}

    /** One configured webhook endpoint; the secret is read from the file or the environment when used. */
    public record WebhookEndpoint(String name, String url, String secretFile) implements java.io.Serializable {}

    /** True for {@code actions.webhooks.<name>.url} and {@code .secret-file}. */
    public static boolean isWebhookKey(String key) {
        return WEBHOOK_KEY.matcher(key).matches();
    }

    /**
     * The webhook endpoints of the configuration by name.
     *
     * @throws IllegalArgumentException for a key under actions.webhooks. that is not a name's url or
     *     secret-file, or an endpoint without a url
     */
    public static Map<String, WebhookEndpoint> webhooks(ReadableConfig conf) {
        Map<String, String> raw = conf instanceof Configuration c ? c.toMap() : Map.of();
        Map<String, String[]> parts = new TreeMap<>();
        for (Map.Entry<String, String> e : raw.entrySet()) {
            if (!e.getKey().startsWith(WEBHOOKS_PREFIX)) {
                continue;
            }
            Matcher m = WEBHOOK_KEY.matcher(e.getKey());
            if (!m.matches()) {
                throw new IllegalArgumentException("unknown option '" + e.getKey() + "': webhook endpoints are"
                        + " actions.webhooks.<name>.url and actions.webhooks.<name>.secret-file, <name> in [a-z0-9_]");
            }
            String[] p = parts.computeIfAbsent(m.group(1), n -> new String[2]);
            p[m.group(2).equals("url") ? 0 : 1] = e.getValue();
        }
        Map<String, WebhookEndpoint> out = new TreeMap<>();
        for (Map.Entry<String, String[]> e : parts.entrySet()) {
            if (e.getValue()[0] == null || e.getValue()[0].isBlank()) {
                throw new IllegalArgumentException(
                        "webhook endpoint '" + e.getKey() + "' has no " + WEBHOOKS_PREFIX + e.getKey() + ".url");
            }
            out.put(e.getKey(), new WebhookEndpoint(e.getKey(), e.getValue()[0].trim(), e.getValue()[1]));
        }
        return out;
    }

    /** True for the environment variables that hold action secrets; they never enter the configuration. */
    public static boolean isSecretEnv(String name) {
        return name.equals(STRIPE_API_KEY_ENV)
                || name.equals(HUBSPOT_TOKEN_ENV)
                || name.startsWith(WEBHOOK_SECRET_ENV_PREFIX);
    }

    /**
     * The configuration key an environment variable names under actions.webhooks., or null:
     * {@code RECKON_ACTIONS_WEBHOOKS_FINANCE_URL} is {@code actions.webhooks.finance.url}.
     */
    public static String webhookKeyOfEnv(String name) {
        String prefix = "RECKON_ACTIONS_WEBHOOKS_";
        if (!name.startsWith(prefix)) {
            return null;
        }
        String rest = name.substring(prefix.length()).toLowerCase(Locale.ROOT);
        if (rest.endsWith("_secret_file") && rest.length() > "_secret_file".length()) {
            return WEBHOOKS_PREFIX + rest.substring(0, rest.length() - "_secret_file".length()) + ".secret-file";
        }
        if (rest.endsWith("_url") && rest.length() > "_url".length()) {
            return WEBHOOKS_PREFIX + rest.substring(0, rest.length() - "_url".length()) + ".url";
        }
        return null;
    }
}
