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

    public String topic;
    public Integer partition;
    public Long offset;
    public byte[] raw;

    public ApprovalRecord() {}

    public boolean approved() {
        return APPROVED.equals(decision);
    }
}
