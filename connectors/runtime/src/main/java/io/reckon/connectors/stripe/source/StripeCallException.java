package io.reckon.connectors.stripe.source;

import java.io.IOException;

/** A Stripe call that failed for good: a 4xx answer, or retries used up. */
public final class StripeCallException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public StripeCallException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The HTTP status, 0 when Stripe did not answer. */
    public int status() {
        return status;
    }

    /**
     * Whether Stripe refused the request itself (4xx other than 429, e.g. 404 for an unknown meter):
     * retrying or restarting the job would not help, so the object is dead-lettered instead.
     */
    public boolean refused() {
        return status >= 400 && status < 500 && status != 429 && status != 401 && status != 403;
    }
}
