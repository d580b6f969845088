package io.reckon.jobs.sources;

import io.reckon.connectors.kafka.Topics;

/** The inputs of the reconciliation, with their topic and counter names. */
public enum InputKind {
    USAGE("usage", Topics.USAGE),
    /** Usage as CloudEvents JSON; joins the usage stream after decoding. */
    USAGE_CLOUDEVENTS("usage_cloudevents", Topics.USAGE_CLOUDEVENTS),
    REPORTED("reported", Topics.REPORTED),
    INVOICES("invoices", Topics.INVOICES),
    CONTRACTS("contracts", Topics.CONTRACTS);

    private final String label;
    private final String topic;

    InputKind(String label, String topic) {
        this.label = label;
        this.topic = topic;
    }

    /**
     * Notes on a decoded meter record where it was read (this input, its partition and offset), so
     * that a dead letter written later about it can say so; other records pass unchanged.
     */
    public io.reckon.jobs.records.Ingested stamp(io.reckon.jobs.records.Ingested in, int partition, long offset) {
        if (in.meterEvent != null) {
            in.meterEvent.sourceInput = ordinal() + 1;
            in.meterEvent.sourcePartition = partition;
            in.meterEvent.sourceOffset = offset;
        }
        return in;
    }

    /** The input of a record's {@code sourceInput} code, or null when the code is unknown. */
    public static InputKind ofCode(int code) {
        return code < 1 || code > values().length ? null : values()[code - 1];
    }

    /** Short name used in counters, metrics and the replay summary. */
    public String label() {
        return label;
    }

    public String topic() {
        return topic;
    }
}
