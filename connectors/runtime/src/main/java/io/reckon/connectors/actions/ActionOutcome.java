package io.reckon.connectors.actions;

import java.io.Serializable;

/**
 * The result of one call of an {@link ActionExecutor}: executed with the target's id, or failed. A
 * retryable failure (HTTP 5xx or 429, a timeout, a broken connection) may succeed when the same request
 * is sent again; a permanent one (any other 4xx, a missing customer id) never will.
 */
public sealed interface ActionOutcome extends Serializable {

    /**
     * Calls made to the target for this outcome, retries included: at least 1, except 0 for a request
     * refused before any call (a missing customer or CRM account id, an unknown webhook endpoint).
     */
    int attempts();

    /** The target accepted the action; {@code externalId} is its id there (invoice, task, delivery). */
    record Executed(String externalId, int attempts) implements ActionOutcome {}

    /**
     * The target refused the action or could not be reached; {@code reason} is for the audit trail.
     * {@code retryable} tells whether the last failure was transient (the executor's own retries were
     * used up) or permanent.
     */
    record Failed(String reason, boolean retryable, int attempts) implements ActionOutcome {}
}
