package io.reckon.actions;

import io.reckon.connectors.actions.ActionExecutor;
import io.reckon.connectors.actions.ActionOutcome;
import io.reckon.connectors.actions.ActionRequest;
import io.reckon.connectors.actions.RetryOptions;
import io.reckon.connectors.crm.HubSpotOptions;
import io.reckon.connectors.crm.HubSpotTaskExecutor;
import io.reckon.connectors.stripe.StripeDraftInvoiceExecutor;
import io.reckon.connectors.stripe.StripeOptions;
import io.reckon.connectors.webhook.WebhookExecutor;
import io.reckon.connectors.webhook.WebhookOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.configuration.ReadableConfig;

/**
 * The production {@link ExecutorFactory}: Stripe, HubSpot and webhook executors built from the {@code
 * actions.*} options, only for the kinds the policy uses. Only plain option values are serialized with
 * the job; secrets are read from their files or the environment when a subtask opens.
 *
 * <pre>{@code
 * ExecutorFactory executors = ConfiguredExecutors.from(conf, policy);
 * }</pre>
 */
public final class ConfiguredExecutors implements ExecutorFactory {

    private final StripeOptions stripe;
    private final HubSpotOptions hubspot;
    private final WebhookOptions webhooks;

    private ConfiguredExecutors(StripeOptions stripe, HubSpotOptions hubspot, WebhookOptions webhooks) {
        this.stripe = stripe;
        this.hubspot = hubspot;
        this.webhooks = webhooks;
    }

    /** Executors for every kind {@code policy} uses, configured from {@code conf}. */
    public static ConfiguredExecutors from(ReadableConfig conf, ActionPolicy policy) {
        RetryOptions retry = retry(conf);
        boolean usesStripe = policy.rules().stream().anyMatch(r -> r.action() == ActionKind.STRIPE_DRAFT_INVOICE);
        boolean usesCrm = policy.rules().stream().anyMatch(r -> r.action() == ActionKind.CRM_TASK);
        StripeOptions stripe = usesStripe
                ? StripeOptions.defaults()
                        .withApiBase(conf.get(ActionOptions.STRIPE_API_BASE))
                        .withApiKeyFile(conf.get(ActionOptions.STRIPE_API_KEY_FILE))
                        .withMaxConcurrentCalls(conf.get(ActionOptions.CAPACITY))
                        .withRetry(retry)
                : null;
        HubSpotOptions hubspot = usesCrm
                ? HubSpotOptions.defaults()
                        .withApiBase(conf.get(ActionOptions.HUBSPOT_API_BASE))
                        .withTokenFile(conf.get(ActionOptions.HUBSPOT_TOKEN_FILE))
                        .withRetry(retry)
                : null;
        List<WebhookOptions.Endpoint> endpoints = new ArrayList<>();
        Map<String, ActionOptions.WebhookEndpoint> configured = ActionOptions.webhooks(conf);
        for (String name : policy.webhookEndpoints()) {
            ActionOptions.WebhookEndpoint e = configured.get(name);
            if (e == null) {
                // PolicyParser refuses such a policy at start; one built in code gets failed steps naming
                // the missing executor instead of a job that cannot start.
                continue;
            }
            endpoints.add(new WebhookOptions.Endpoint(name, e.url(), e.secretFile()));
        }
        WebhookOptions webhooks =
                endpoints.isEmpty() ? null : WebhookOptions.of(endpoints).withRetry(retry);
        return new ConfiguredExecutors(stripe, hubspot, webhooks);
    }

    /**
     * {@code actions.max-retries} retries after the first call, backoff starting at {@code
     * actions.retry-backoff} and doubling, each call bounded by {@code actions.request-timeout}.
     */
    static RetryOptions retry(ReadableConfig conf) {
        int retries = conf.get(ActionOptions.MAX_RETRIES);
        Duration initial = conf.get(ActionOptions.RETRY_BACKOFF);
        Duration max = initial.multipliedBy(1L << Math.min(10, Math.max(1, retries)));
        return new RetryOptions(retries + 1, initial, max, conf.get(ActionOptions.REQUEST_TIMEOUT));
    }

    @Override
    public Map<String, ActionExecutor> create() {
        Map<String, ActionExecutor> out = new LinkedHashMap<>();
        if (stripe != null) {
            out.put(ActionKind.STRIPE_DRAFT_INVOICE.fixedTarget(), StripeDraftInvoiceExecutor.create(stripe));
        }
        if (hubspot != null) {
            out.put(ActionKind.CRM_TASK.fixedTarget(), HubSpotTaskExecutor.create(hubspot));
        }
        if (webhooks != null) {
            // One executor serves every endpoint (the request's target names it); each name maps to it,
            // and only the first mapping closes it.
            WebhookExecutor executor = WebhookExecutor.create(webhooks);
            boolean first = true;
            for (WebhookOptions.Endpoint e : webhooks.endpoints()) {
                out.put(e.name(), first ? executor : new Shared(executor));
                first = false;
            }
        }
        return out;
    }

    /** Another name for an executor that is closed through its first name. */
    private record Shared(ActionExecutor delegate) implements ActionExecutor {
        @Override
        public String kind() {
            return delegate.kind();
        }

        @Override
        public CompletableFuture<ActionOutcome> execute(ActionRequest request) {
            return delegate.execute(request);
        }
    }
}
