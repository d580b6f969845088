package io.reckon.cli;

import io.reckon.actions.ActionOptions;
import io.reckon.actions.ActionPolicy;
import io.reckon.actions.ConfiguredExecutors;
import io.reckon.actions.PolicyParser;
import io.reckon.avro.Anomaly;
import io.reckon.connectors.embedded.FakeBillingApis;
import io.reckon.demo.ActionsSummary;
import io.reckon.replay.ActionReplay;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.Configuration;

/**
 * The demo's second half: the action job over the anomalies the reconciliation wrote, with the real
 * Stripe, HubSpot and webhook executors talking to local HTTP stand-ins (FakeBillingApis), so nothing
 * leaves the machine. The stand-ins' secrets are throwaway values written to files, the way a
 * deployment mounts real ones.
 */
final class DemoActions {

    static final String POLICY_RESOURCE = "/io/reckon/demo/action-policy.yaml";

    /** The summary and how long the job ran. */
    record Outcome(ActionsSummary summary, Duration jobTime, Path policy) {}

    private DemoActions() {}

    static Outcome run(Configuration conf, Path work, List<Anomaly> anomalies) throws Exception {
        Path dir = Files.createDirectories(work.resolve("actions"));
        Path policyFile = dir.resolve("action-policy.yaml");
        try (InputStream in = DemoActions.class.getResourceAsStream(POLICY_RESOURCE)) {
            Files.copy(in, policyFile, StandardCopyOption.REPLACE_EXISTING);
        }
        try (FakeBillingApis apis = FakeBillingApis.start()) {
            Configuration c = new Configuration(conf);
            c.set(ActionOptions.POLICY_FILE, policyFile.toString());
            c.set(ActionOptions.STRIPE_API_BASE, apis.stripeApiBase());
            c.set(ActionOptions.STRIPE_API_KEY_FILE, secret(dir, "stripe-api-key", "sk_test_reckon_demo"));
            c.set(ActionOptions.HUBSPOT_API_BASE, apis.hubspotApiBase());
            c.set(ActionOptions.HUBSPOT_TOKEN_FILE, secret(dir, "hubspot-token", "pat-reckon-demo"));
            c.setString(ActionOptions.WEBHOOKS_PREFIX + "finance.url", apis.webhookUrl("finance"));
            c.setString(
                    ActionOptions.WEBHOOKS_PREFIX + "finance.secret-file",
                    secret(dir, "webhook-finance", apis.webhookSecret("finance")));
            ActionPolicy policy = PolicyParser.fromConfiguration(c);
            ActionReplay.Result r = ActionReplay.run(c, ConfiguredExecutors.from(c, policy));
            List<ActionsSummary.Invoice> invoices = apis.draftInvoices().stream()
                    .map(i -> new ActionsSummary.Invoice(i.currency(), i.totalMinor()))
                    .toList();
            int deliveries = (int) apis.webhookDeliveries().stream()
                    .map(FakeBillingApis.WebhookDelivery::webhookId)
                    .distinct()
                    .count();
            ActionsSummary summary =
                    ActionsSummary.of(anomalies, invoices, apis.tasks().size(), deliveries, r.actions());
            return new Outcome(summary, r.jobTime(), policyFile);
        }
    }

    private static String secret(Path dir, String name, String value) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, value + "\n", StandardCharsets.UTF_8);
        return p.toString();
    }
}
