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

    /** Short name used in counters, metrics and the replay summary. */
    public String label() {
        return label;
    }

    public String topic() {
        return topic;
    }
}
