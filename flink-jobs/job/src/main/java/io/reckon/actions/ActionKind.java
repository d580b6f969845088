package io.reckon.actions;

import io.reckon.connectors.actions.ActionRequest;
import java.util.Arrays;
import java.util.stream.Collectors;

/** What an action does. Stripe and CRM actions have one fixed target; a webhook's target is its endpoint. */
public enum ActionKind {
    STRIPE_DRAFT_INVOICE(ActionRequest.KIND_STRIPE_DRAFT_INVOICE, "stripe"),
    CRM_TASK(ActionRequest.KIND_CRM_TASK, "hubspot"),
    WEBHOOK(ActionRequest.KIND_WEBHOOK, null);

    private final String wire;
    private final String fixedTarget;

    ActionKind(String wire, String fixedTarget) {
        this.wire = wire;
        this.fixedTarget = fixedTarget;
    }

    /** The name in policies, records and tables, e.g. {@code stripe_draft_invoice}. */
    public String wire() {
        return wire;
    }

    /** {@code stripe} or {@code hubspot}; null for webhooks (the endpoint name is the target). */
    public String fixedTarget() {
        return fixedTarget;
    }

    public static ActionKind of(String wire) {
        for (ActionKind k : values()) {
            if (k.wire.equals(wire)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown action '" + wire + "'; one of "
                + Arrays.stream(values()).map(ActionKind::wire).collect(Collectors.joining(", ")));
    }
}
