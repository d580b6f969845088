package io.reckon.actions;

import io.reckon.connectors.actions.ActionRequest;

/**
 * What the policy says about one action for one anomaly revision: either the action matches (with the
 * rule that chose it and whether it needs approval), or it does not (with why). Non-matching commands
 * exist so that an action proposed for an earlier revision can be skipped when a later revision no
 * longer qualifies; for an action never proposed they change nothing.
 */
public class ActionCommand {
    public String actionId;
    public String kind;
    public String target;
    public boolean matches;
    /** The rule that chose the action; for a non-match, the rule that would have. */
    public String policy;

    public boolean requireApproval;
    /** Why the revision does not match; null when it does. */
    public String whyNot;

    public String anomalyId;
    public int anomalyRevision;
    public String anomalyType;
    public boolean anomalyFinal;
    public String accountId;
    public String meter;
    public long periodStart;
    public long periodEnd;
    public long amountMinor;
    public String currency;
    public String severity;
    public String stripeCustomerId;
    public String crmAccountId;
    public String title;
    public String description;
    public String payloadJson;

    public ActionCommand() {}

    public ActionRequest toRequest() {
        return new ActionRequest(
                actionId,
                kind,
                target,
                anomalyId,
                anomalyRevision,
                anomalyType,
                accountId,
                meter,
                periodStart,
                periodEnd,
                amountMinor,
                currency,
                stripeCustomerId,
                crmAccountId,
                title,
                description,
                payloadJson);
    }

    /** One step of this action, as of this revision. */
    public ActionStep step(String status, String actor, long occurredAt) {
        ActionStep s = new ActionStep();
        s.actionId = actionId;
        s.anomalyId = anomalyId;
        s.anomalyRevision = anomalyRevision;
        s.anomalyType = anomalyType;
        s.kind = kind;
        s.target = target;
        s.status = status;
        s.policy = policy;
        s.actor = actor;
        s.accountId = accountId;
        s.amountMinor = amountMinor;
        s.currency = currency;
        s.occurredAt = occurredAt;
        return s;
    }

    @Override
    public String toString() {
        return actionId + "[" + kind + "->" + target + " " + anomalyId + "#" + anomalyRevision
                + (matches ? " matches " + policy : " no match: " + whyNot) + "]";
    }
}
