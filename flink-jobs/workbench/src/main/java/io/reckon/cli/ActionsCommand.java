package io.reckon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reckon.actions.ActionCommand;
import io.reckon.actions.ActionOptions;
import io.reckon.actions.ActionPolicy;
import io.reckon.actions.ContractRefs;
import io.reckon.actions.PolicyParser;
import io.reckon.actions.RuleMatch;
import io.reckon.jobs.ReckonConfiguration;
import io.reckon.jobs.records.AnomalyRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code reckon actions}: checks an action policy and shows what it would do with an anomalies file,
 * without calling anything. Each action is taken at the first revision that matches its rule, as the
 * action job does (later revisions never act again).
 *
 * <pre>
 * reckon actions --policy docs/examples/action-policy.yaml --anomalies anomalies.jsonl --contracts contracts.jsonl
 * </pre>
 */
@Command(
        name = "actions",
        mixinStandardHelpOptions = true,
        description = {
            "Checks an action policy and shows what it would do with an anomalies file, without acting.",
            "Reads the policy (file or --config), validates it, and for every anomaly revision in the file (as "
                    + "written by reckon replay or reckon demo) lists the invoices, tasks and webhook deliveries it would "
                    + "create, with their amounts."
        })
public final class ActionsCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--policy", description = "The policy file (else actions.policy-file or actions.policy.rules).")
    Path policy;

    @Option(
            names = "--config",
            description = "A Flink-style YAML file of options (actions.*, e.g. the webhook endpoints); RECKON_*"
                    + " environment variables override it.")
    Path config;

    @Option(names = "--anomalies", description = "Anomaly revisions, JSON Lines (anomalies.jsonl of a replay).")
    Path anomalies;

    @Option(names = "--contracts", description = "Contracts, JSON Lines, for the Stripe and CRM ids.")
    Path contracts;

    @Override
    public Integer call() throws Exception {
        Optional<String> files = new CommandFiles()
                .input("--policy", policy)
                .input("--anomalies", anomalies)
                .input("--contracts", contracts)
                .problem();
        if (files.isPresent()) {
            System.err.println("reckon actions: " + files.get());
            return 2;
        }
        ActionPolicy p;
        String notDeployable = null;
        try {
            Configuration conf = ReckonConfiguration.load(config, System.getenv());
            if (policy == null
                    && conf.getOptional(ActionOptions.POLICY_FILE).isEmpty()
                    && conf.getOptional(ActionOptions.POLICY_RULES).isEmpty()) {
                throw new IllegalArgumentException("no policy to check: give --policy, or "
                        + ActionOptions.POLICY_FILE.key() + " or " + ActionOptions.POLICY_RULES.key()
                        + " in --config or the environment");
            }
            // Nothing is delivered here, so webhook endpoints need no URL; what the action job would
            // say about the endpoints configured now is shown beside the result.
            p = policy != null ? PolicyParser.fromFile(policy, null) : PolicyParser.fromConfiguration(conf);
            if (policy != null) {
                try {
                    PolicyParser.fromFile(policy, ActionOptions.webhooks(conf).keySet());
                } catch (IllegalArgumentException e) {
                    notDeployable = e.getMessage();
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("reckon actions: " + e.getMessage());
            return 2;
        }
        System.out.printf("Policy: %d rules, valid.%n", p.rules().size());
        if (notDeployable != null) {
            System.out.println("  The action job would refuse it with the endpoints configured now: " + notDeployable);
        }
        p.rules()
                .forEach(r -> System.out.printf(
                        "  %-28s %-21s%s%n",
                        r.name(),
                        r.action().wire() + (r.endpoints().isEmpty() ? "" : " " + r.endpoints()),
                        r.requireApproval() ? " (requires approval)" : ""));
        if (anomalies == null) {
            return 0;
        }
        Map<String, ContractRefs> refs = contracts == null ? Map.of() : contracts(contracts);
        Map<String, ActionCommand> taken = new LinkedHashMap<>();
        try (BufferedReader in = Files.newBufferedReader(anomalies, StandardCharsets.UTF_8)) {
            String line;
            long number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                AnomalyRecord a;
                try {
                    a = anomaly(JSON.readTree(line));
                } catch (IOException | RuntimeException e) {
                    System.err.println("reckon actions: --anomalies: line " + number + " of " + anomalies
                            + " is not an anomaly revision as reckon replay writes them: "
                            + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
                    return 2;
                }
                for (ActionCommand c : p.plan(a, refs.get(a.accountId))) {
                    if (c.matches) {
                        taken.putIfAbsent(c.actionId, c);
                    }
                }
            }
        }
        System.out.printf("%nActions (%d):%n", taken.size());
        Map<String, long[]> totals = new TreeMap<>();
        for (ActionCommand c : taken.values()) {
            System.out.printf(
                    "  %s %-21s %-10s %-12s %14s %s%s%n",
                    c.actionId,
                    c.kind,
                    c.target,
                    c.accountId,
                    RuleMatch.majorUnits(c.amountMinor, c.currency).toPlainString() + " " + c.currency,
                    c.anomalyType + "#" + c.anomalyRevision,
                    c.requireApproval ? " (proposed)" : "");
            long[] t = totals.computeIfAbsent(c.kind + " " + c.currency, k -> new long[2]);
            t[0]++;
            t[1] += c.amountMinor;
        }
        System.out.println();
        totals.forEach((k, t) -> System.out.printf(
                "  %-30s %5d actions, %14s%n",
                k,
                t[0],
                RuleMatch.majorUnits(t[1], k.substring(k.indexOf(' ') + 1)).toPlainString()));
        return 0;
    }

    private static Map<String, ContractRefs> contracts(Path file) throws Exception {
        Map<String, ContractRefs> out = new HashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (java.io.IOException bad) {
                // Input files may hold malformed lines (the job dead-letters them); they name no contract.
                continue;
            }
            if (!n.path("account_id").isTextual()) {
                continue;
            }
            int version = n.path("version").asInt();
            ContractRefs current = out.get(n.path("account_id").asText());
            if (current == null || current.version <= version) {
                out.put(
                        n.path("account_id").asText(),
                        new ContractRefs(
                                version,
                                n.path("stripe_customer_id").asText(null),
                                n.path("crm_account_id").asText(null)));
            }
        }
        return out;
    }

    private static long optionalTime(JsonNode n, String field) {
        String text = n.path(field).asText("");
        return text.isEmpty() ? 0L : Instant.parse(text).toEpochMilli();
    }

    /** One line of anomalies.jsonl (the field names of the spec) as the job's record. */
    static AnomalyRecord anomaly(JsonNode n) {
        AnomalyRecord a = new AnomalyRecord();
        a.anomalyId = n.path("anomaly_id").asText();
        a.revision = n.path("revision").asInt();
        a.status = n.path("status").asText();
        a.type = n.path("type").asText();
        a.accountId = n.path("account_id").asText();
        a.meter = n.path("meter").asText();
        a.periodStart = Instant.parse(n.path("period_start").asText()).toEpochMilli();
        a.periodEnd = Instant.parse(n.path("period_end").asText()).toEpochMilli();
        a.currency = n.path("currency").asText();
        a.actualQuantity = new BigDecimal(n.path("actual_quantity").asText("0"));
        a.reportedQuantity = new BigDecimal(n.path("reported_quantity").asText("0"));
        a.expectedAmountMinor = n.path("expected_amount_minor").asLong();
        a.pricedReportedAmountMinor = n.path("priced_reported_amount_minor").asLong();
        a.billedAmountMinor = n.path("billed_amount_minor").isNull()
                ? null
                : n.path("billed_amount_minor").asLong();
        a.amountMinor = n.path("amount_minor").asLong();
        a.confidence = n.path("confidence").asDouble();
        a.severity = n.path("severity").asText();
        a.finalRevision = n.path("final").asBoolean();
        a.explanation = n.path("explanation").asText();
        // Files of expected anomalies leave out the run-dependent times; no rule looks at them.
        a.eventTimeWatermark = optionalTime(n, "event_time_watermark");
        a.detectedAt = optionalTime(n, "detected_at");
        return a;
    }
}
