package io.reckon.actions;

import io.reckon.jobs.reconcile.AnomalyIds;
import io.reckon.jobs.records.AnomalyRecord;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Anomaly revisions, commands and approvals for the action tests. */
final class ActionFixtures {

    static final long PERIOD_START = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
    static final long PERIOD_END = Instant.parse("2026-04-01T00:00:00Z").toEpochMilli();

    private ActionFixtures() {}

    static AnomalyRecord anomaly(String type, String account, int revision, long amountMinor, boolean fin) {
        AnomalyRecord a = new AnomalyRecord();
        a.anomalyId = AnomalyIds.of(type, account, "api_calls", PERIOD_START);
        a.revision = revision;
        a.status = revision == 1 ? "open" : "updated";
        a.type = type;
        a.accountId = account;
        a.meter = "api_calls";
        a.periodStart = PERIOD_START;
        a.periodEnd = PERIOD_END;
        a.currency = "usd";
        a.actualQuantity = new BigDecimal("1000");
        a.reportedQuantity = new BigDecimal("500");
        a.expectedAmountMinor = amountMinor * 2;
        a.pricedReportedAmountMinor = amountMinor;
        a.amountMinor = amountMinor;
        a.confidence = 1.0;
        a.severity = amountMinor >= 100_000 ? "high" : "medium";
        a.finalRevision = fin;
        a.explanation = "usage " + a.actualQuantity + " but reported " + a.reportedQuantity;
        a.eventTimeWatermark = PERIOD_END;
        a.detectedAt = PERIOD_END;
        return a;
    }

    /** Stripe above 100.00 (approval required), CRM task otherwise, webhook "finance" for high severity. */
    static ActionPolicy policy(boolean invoiceNeedsApproval) {
        return new ActionPolicy(List.of(
                new PolicyRule(
                        "invoice-big",
                        new RuleMatch(Set.of(), true, new BigDecimal("100.00"), null, null, Set.of()),
                        ActionKind.STRIPE_DRAFT_INVOICE,
                        List.of(),
                        invoiceNeedsApproval),
                new PolicyRule(
                        "task-rest",
                        new RuleMatch(Set.of(), true, null, null, null, Set.of()),
                        ActionKind.CRM_TASK,
                        List.of(),
                        false),
                new PolicyRule(
                        "notify-finance",
                        new RuleMatch(Set.of(), false, null, null, null, Set.of("high", "critical")),
                        ActionKind.WEBHOOK,
                        List.of("finance"),
                        false)));
    }

    static ActionCommand command(ActionPolicy policy, AnomalyRecord a, ActionKind kind) {
        return policy.plan(a, new ContractRefs(1, "cus_1", "co_1")).stream()
                .filter(c -> c.kind.equals(kind.wire()))
                .findFirst()
                .orElseThrow();
    }

    /** An approval of the revision and amount that {@code proposal} proposes. */
    static ApprovalRecord approval(ActionCommand proposal, String approver) {
        return approval(proposal.actionId, proposal.anomalyRevision, proposal.amountMinor, approver);
    }

    /** An approval of {@code amountMinor} usd at {@code revision}. */
    static ApprovalRecord approval(String actionId, int revision, long amountMinor, String approver) {
        ApprovalRecord r = approval(actionId, "approved", approver);
        r.anomalyRevision = revision;
        r.amountMinor = amountMinor;
        r.currency = "usd";
        return r;
    }

    /** A decision that names no revision or amount: a rejection, or an approval the job refuses. */
    static ApprovalRecord approval(String actionId, String decision, String approver) {
        ApprovalRecord r = new ApprovalRecord();
        r.actionId = actionId;
        r.decision = decision;
        r.approver = approver;
        r.reason = "checked";
        r.decidedAt = PERIOD_END;
        r.topic = "recon.approvals";
        r.partition = 0;
        r.offset = 7L;
        r.raw = new byte[] {1, 2, 3};
        return r;
    }
}
