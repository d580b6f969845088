package io.reckon.jobs.reconcile;

import io.reckon.jobs.reconcile.checks.AnomalyType;

/**
 * The identity of an anomaly within its key: its type and the start of what it covers (its billing
 * period, or a signal's first hour). In state it is the string {@code TYPE|start}, the key of the
 * {@code anomalies} map since the first state layout.
 */
public record AnomalyKey(AnomalyType type, long start) {

    public String encoded() {
        return type.name() + "|" + start;
    }

    public static AnomalyKey decode(String encoded) {
        int bar = encoded.indexOf('|');
        return new AnomalyKey(
                AnomalyType.valueOf(encoded.substring(0, bar)), Long.parseLong(encoded.substring(bar + 1)));
    }
}
