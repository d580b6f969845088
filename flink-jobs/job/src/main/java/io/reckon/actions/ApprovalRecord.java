package io.reckon.actions;

/**
 * A person's decision on a proposed action, from {@code recon.approvals}, with where it came from so a
 * decision that cannot be applied is dead-lettered with its raw bytes.
 */
public class ApprovalRecord {
    public static final String APPROVED = "approved";
    public static final String REJECTED = "rejected";

    public String actionId;
    /** {@link #APPROVED} or {@link #REJECTED}. */
    public String decision;

    public String approver;
    public String reason;
    public long decidedAt;

    /** The anomaly revision of the proposal approved; null only for a rejection. */
    public Integer anomalyRevision;
    /** The amount approved in minor units; null only for a rejection. */
    public Long amountMinor;
    /** The currency of the amount approved, lower case; null when the approval does not name it. */
    public String currency;

    public String topic;
    public Integer partition;
    public Long offset;
    public byte[] raw;

    public ApprovalRecord() {}

    public boolean approved() {
        return APPROVED.equals(decision);
    }

    /** What this decision names, for reasons: {@code revision 2 at 250.00 usd}. */
    public String scope() {
        if (anomalyRevision == null || amountMinor == null) {
            return "no revision and amount";
        }
        String cur = currency == null ? "" : " " + currency;
        return "revision " + anomalyRevision + " at "
                + (currency == null
                        ? amountMinor + " minor units"
                        : RuleMatch.majorUnits(amountMinor, currency).toPlainString())
                + cur;
    }
}
