package io.reckon.connectors.actions;

import java.io.Serializable;

/**
 * The result of one call of an {@link ActionExecutor}: executed with the target's id, or failed. A
 * retryable failure (HTTP 5xx or 429, a timeout, a broken connection) may succeed when the same request
 * is sent again; a permanent one (any other 4xx, a missing customer id) never will.
 */
public sealed interface ActionOutcome extends Serializable {

    /** The target accepted the action; {@code externalId} is its id there (invoice, task, delivery). */
    record Executed(String externalId) implements ActionOutcome {}

    /** The target refused the action or could not be reached; {@code reason} is for the audit trail. */
    record Failed(String reason, boolean retryable) implements ActionOutcome {}

    static ActionOutcome executed(String externalId) {
        return new Executed(externalId);
    }

    static ActionOutcome retryable(String reason) {
        return new Failed(reason, true);
    }

    static ActionOutcome permanent(String reason) {
        return new Failed(reason, false);
    }
}
