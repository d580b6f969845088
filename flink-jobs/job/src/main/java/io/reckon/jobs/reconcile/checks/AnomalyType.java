package io.reckon.jobs.reconcile.checks;

/** The anomaly types of the reconciliation spec, and UPSELL_OPPORTUNITY, an extension. */
public enum AnomalyType {
    UNDER_REPORTED_USAGE(true),
    OVER_REPORTED_USAGE(true),
    UNBILLED_USAGE(true),
    RENEWAL_DRIFT(true),
    MISSED_OVERAGE(true),
    OVERBILLED(true),
    REPORTING_GAP(false),
    USAGE_SPIKE(false),
    USAGE_DROP(false),
    /** An extension of the spec's types: usage outgrew the plan (see {@link Upsell}). */
    UPSELL_OPPORTUNITY(false);

    private final boolean leak;

    AnomalyType(boolean leak) {
        this.leak = leak;
    }

    /** Leak types are emitted only with an amount of at least one minor unit; signals always. */
    public boolean isLeak() {
        return leak;
    }
}
