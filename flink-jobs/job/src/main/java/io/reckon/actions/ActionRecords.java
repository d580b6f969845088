package io.reckon.actions;

import io.reckon.avro.Action;
import io.reckon.avro.Anomaly;
import io.reckon.avro.Approval;
import io.reckon.jobs.records.AnomalyRecord;
import java.time.Instant;

/** The action job's records in their Avro forms. */
public final class ActionRecords {

    private ActionRecords() {}

    public static Action toAvro(ActionStep s) {
        return Action.newBuilder()
                .setActionId(s.actionId)
                .setAnomalyId(s.anomalyId)
                .setAnomalyRevision(s.anomalyRevision)
                .setKind(s.kind)
                .setStatus(s.status)
                .setPolicy(s.policy)
                .setAccountId(s.accountId)
                .setAmountMinor(s.amountMinor)
                .setCurrency(s.currency)
                .setExternalId(s.externalId)
                .setReason(s.reason)
                .setOccurredAt(Instant.ofEpochMilli(s.occurredAt))
                .setActor(s.actor)
                .setAnomalyType(s.anomalyType)
                .setTarget(s.target)
                .setAttempts(s.attempts)
                .build();
    }

    public static AnomalyRecord fromAvro(Anomaly a) {
        AnomalyRecord r = new AnomalyRecord();
        r.anomalyId = a.getAnomalyId();
        r.revision = a.getRevision();
        r.status = a.getStatus();
        r.type = a.getType();
        r.accountId = a.getAccountId();
        r.meter = a.getMeter();
        r.periodStart = a.getPeriodStart().toEpochMilli();
        r.periodEnd = a.getPeriodEnd().toEpochMilli();
        r.currency = a.getCurrency();
        r.actualQuantity = a.getActualQuantity();
        r.reportedQuantity = a.getReportedQuantity();
        r.expectedAmountMinor = a.getExpectedAmountMinor();
        r.pricedReportedAmountMinor = a.getPricedReportedAmountMinor();
        r.billedAmountMinor = a.getBilledAmountMinor();
        r.amountMinor = a.getAmountMinor();
        r.confidence = a.getConfidence();
        r.severity = a.getSeverity();
        r.finalRevision = a.getFinal$();
        r.explanation = a.getExplanation();
        r.eventTimeWatermark = a.getEventTimeWatermark().toEpochMilli();
        r.detectedAt = a.getDetectedAt().toEpochMilli();
        return r;
    }

    /**
     * An approval as the job uses it.
     *
     * @throws IllegalArgumentException when the decision cannot be applied (the reason for the dead letter)
     */
    public static ApprovalRecord fromAvro(Approval a) {
        if (a.getActionId() == null || a.getActionId().isBlank()) {
            throw new IllegalArgumentException("approval without action_id");
        }
        if (!ApprovalRecord.APPROVED.equals(a.getDecision()) && !ApprovalRecord.REJECTED.equals(a.getDecision())) {
            throw new IllegalArgumentException("decision '" + a.getDecision() + "' is neither approved nor rejected");
        }
        if (a.getApprover() == null || a.getApprover().isBlank()) {
            throw new IllegalArgumentException("approval of " + a.getActionId() + " names no approver");
        }
        if (ApprovalRecord.APPROVED.equals(a.getDecision())
                && (a.getAnomalyRevision() == null || a.getAmountMinor() == null)) {
            throw new IllegalArgumentException("approval of " + a.getActionId()
                    + " does not name the anomaly_revision and amount_minor it approves; an approval applies only to"
                    + " the amount it names");
        }
        if (a.getAmountMinor() != null && a.getAmountMinor() < 0) {
            throw new IllegalArgumentException(
                    "approval of " + a.getActionId() + " names a negative amount_minor " + a.getAmountMinor());
        }
        ApprovalRecord r = new ApprovalRecord();
        r.anomalyRevision = a.getAnomalyRevision();
        r.amountMinor = a.getAmountMinor();
        r.currency = a.getCurrency() == null ? null : a.getCurrency().trim().toLowerCase(java.util.Locale.ROOT);
        r.actionId = a.getActionId();
        r.decision = a.getDecision();
        r.approver = a.getApprover().trim();
        r.reason = a.getReason();
        r.decidedAt = a.getDecidedAt().toEpochMilli();
        return r;
    }
}
