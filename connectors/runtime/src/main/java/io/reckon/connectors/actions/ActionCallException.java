package io.reckon.connectors.actions;

/**
 * A failed call to a target system, classified: {@code retryable} for transient failures (HTTP 5xx or
 * 429, timeouts, broken connections), which {@link RetryingCalls} repeats, and permanent ones (other
 * 4xx, invalid requests), which it reports at once. The message is the reason in the audit trail and
 * must not carry secrets.
 */
public final class ActionCallException extends RuntimeException {

    private final boolean retryable;

    public ActionCallException(String reason, boolean retryable) {
        super(reason, null, false, false);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }

    /** A permanent failure for an HTTP status, or a retryable one for 5xx and 429. */
    public static ActionCallException forStatus(int status, String reason) {
        return new ActionCallException(reason, isRetryableStatus(status));
    }

    /** HTTP 5xx and 429 may succeed later; every other status will not. */
    public static boolean isRetryableStatus(int status) {
        return status >= 500 || status == 429;
    }
}
