package io.reckon.actions;

import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.sinks.OutputRecords;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The declarative action policy: an ordered list of {@link PolicyRule}s, read by {@link PolicyParser}
 * from {@code actions.policy-file} or {@code actions.policy.rules}.
 *
 * <p>Semantics: for Stripe draft invoices and CRM tasks, the first matching rule in file order wins, so
 * "big and certain goes to Stripe, anything else to a person" is two rules in that order. Every
 * matching webhook rule delivers, to each of its endpoints. Per anomaly there is at most one action per
 * (kind, target); its id is stable across revisions (see {@link ActionIds}).
 *
 * <pre>{@code
 * ActionPolicy policy = PolicyParser.fromConfiguration(conf);
 * List<ActionCommand> commands = policy.plan(anomaly, contractRefs);
 * }</pre>
 */
public record ActionPolicy(List<PolicyRule> rules) implements Serializable {

    public static ActionPolicy empty() {
        return new ActionPolicy(List.of());
    }

    /** Every webhook endpoint some rule delivers to, in first-use order. */
    public Set<String> webhookEndpoints() {
        Set<String> out = new LinkedHashSet<>();
        for (PolicyRule r : rules) {
            if (r.action() == ActionKind.WEBHOOK) {
                out.addAll(r.endpoints());
            }
        }
        return out;
    }

    /**
     * One command per action this policy can take on the anomaly (matching or not), so a later revision
     * can withdraw an action proposed for an earlier one.
     *
     * @param refs the account's contract ids, or null when no contract is known
     */
    public List<ActionCommand> plan(AnomalyRecord a, ContractRefs refs) {
        List<ActionCommand> out = new ArrayList<>();
        PolicyRule chosen = null;
        for (PolicyRule r : rules) {
            if (r.action() != ActionKind.WEBHOOK && r.match().whyNot(a) == null) {
                chosen = r;
                break;
            }
        }
        for (ActionKind kind : List.of(ActionKind.STRIPE_DRAFT_INVOICE, ActionKind.CRM_TASK)) {
            PolicyRule firstOfKind = firstRule(kind, null);
            if (firstOfKind == null) {
                continue;
            }
            if (chosen != null && chosen.action() == kind) {
                out.add(command(a, refs, kind, kind.fixedTarget(), chosen, null));
            } else {
                // The kind's own condition when it fails; otherwise an earlier rule took the anomaly.
                String why = firstOfKind.match().whyNot(a);
                if (why == null) {
                    why = "rule " + chosen.name() + " (earlier in the policy) chose "
                            + chosen.action().wire();
                }
                out.add(command(a, refs, kind, kind.fixedTarget(), firstOfKind, why));
            }
        }
        for (String endpoint : webhookEndpoints()) {
            PolicyRule match = null;
            String why = null;
            for (PolicyRule r : rules) {
                if (r.action() == ActionKind.WEBHOOK && r.endpoints().contains(endpoint)) {
                    String w = r.match().whyNot(a);
                    if (w == null) {
                        match = r;
                        break;
                    }
                    why = why == null ? w : why;
                }
            }
            PolicyRule named = match != null ? match : firstRule(ActionKind.WEBHOOK, endpoint);
            out.add(command(a, refs, ActionKind.WEBHOOK, endpoint, named, match != null ? null : why));
        }
        return out;
    }

    private PolicyRule firstRule(ActionKind kind, String endpoint) {
        for (PolicyRule r : rules) {
            if (r.action() == kind && (endpoint == null || r.endpoints().contains(endpoint))) {
                return r;
            }
        }
        return null;
    }

    private static ActionCommand command(
            AnomalyRecord a, ContractRefs refs, ActionKind kind, String target, PolicyRule rule, String whyNot) {
        ActionCommand c = new ActionCommand();
        c.actionId = ActionIds.of(a.anomalyId, kind, target);
        c.kind = kind.wire();
        c.target = target;
        c.matches = whyNot == null;
        c.whyNot = whyNot;
        c.policy = rule.name();
        c.requireApproval = rule.requireApproval();
        c.anomalyId = a.anomalyId;
        c.anomalyRevision = a.revision;
        c.anomalyType = a.type;
        c.anomalyFinal = a.finalRevision;
        c.accountId = a.accountId;
        c.meter = a.meter;
        c.periodStart = a.periodStart;
        c.periodEnd = a.periodEnd;
        c.amountMinor = a.amountMinor;
        c.currency = a.currency;
        c.severity = a.severity;
        if (refs != null) {
            c.stripeCustomerId = refs.stripeCustomerId;
            c.crmAccountId = refs.crmAccountId;
        }
        c.title =
                a.type + ": " + RuleMatch.majorUnits(a.amountMinor, a.currency).toPlainString() + " "
                        + a.currency.toUpperCase(java.util.Locale.ROOT) + " on " + a.accountId + "/" + a.meter
                        + " for the period from "
                        + Instant.ofEpochMilli(a.periodStart);
        c.description = a.explanation;
        c.payloadJson = OutputRecords.toJson(OutputRecords.toAvro(a));
        return c;
    }
}
