package io.reckon.actions;

/** One step in the life of an action: the record of {@code recon.actions} and the action tables. */
public class ActionStep {
    public String actionId;
    public String anomalyId;
    public int anomalyRevision;
    public String anomalyType;
    public String kind;
    public String target;
    /** One of {@link ActionStatus}. */
    public String status;

    public String policy;
    /** {@code policy:<rule>}, the approver, or {@code executor:<kind>}. */
    public String actor;

    public String accountId;
    public long amountMinor;
    public String currency;
    public String externalId;
    public String reason;
    /** Calls made to the target for an executed or failed step; null for other steps. */
    public Integer attempts;

    public long occurredAt;

    public ActionStep() {}

    public ActionStep withReason(String reason) {
        this.reason = reason;
        return this;
    }

    @Override
    public String toString() {
        return actionId + "#" + anomalyRevision + "[" + status + " by " + actor + "] " + kind + "->" + target
                + (externalId == null ? "" : " id=" + externalId) + (reason == null ? "" : " (" + reason + ")");
    }
}
