package io.reckon.connectors.kafka;

import java.util.List;
import java.util.Set;

/** Canonical topic names. Values use the Confluent wire format under subject {@code <topic>-value}. */
public final class Topics {

    /** {@code UsageEvent}, key account_id: what the product measured. */
    public static final String USAGE = "recon.usage";
    /**
     * CloudEvents JSON (structured mode, OpenMeter's event shape), key account_id: usage from producers
     * that speak CloudEvents instead of Avro. Raw JSON bytes, no Confluent wire format.
     */
    public static final String USAGE_CLOUDEVENTS = "recon.usage.cloudevents";
    /** {@code ReportedUsage}, key account_id: what was reported to the billing system. */
    public static final String REPORTED = "recon.reported";
    /** {@code InvoiceLine}, key account_id: what was billed. */
    public static final String INVOICES = "recon.invoices";
    /** {@code Contract}, key account_id, compacted: the latest contract version per account. */
    public static final String CONTRACTS = "recon.contracts";
    /** {@code Anomaly}, key anomaly_id, compacted: the latest revision per anomaly. */
    public static final String ANOMALIES = "recon.anomalies";
    /** {@code DeadLetter}: records that could not be used, with the reason. */
    public static final String DLQ = "recon.dlq";
    /** {@code Action}, key action_id: steps taken on anomalies. */
    public static final String ACTIONS = "recon.actions";
    /** Approvals of proposed actions. */
    public static final String APPROVALS = "recon.approvals";

    /** Every topic, in a stable order. */
    public static final List<String> ALL =
            List.of(USAGE, USAGE_CLOUDEVENTS, REPORTED, INVOICES, CONTRACTS, ANOMALIES, DLQ, ACTIONS, APPROVALS);

    /** Topics keyed by entity where only the latest value per key matters: {@code cleanup.policy=compact}. */
    public static final Set<String> COMPACTED = Set.of(CONTRACTS, ANOMALIES);

    private Topics() {}
}
