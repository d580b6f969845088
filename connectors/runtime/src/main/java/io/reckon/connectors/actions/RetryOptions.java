package io.reckon.connectors.actions;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * How an executor retries one action: up to {@code maxAttempts} calls, exponential backoff from
 * {@code initialBackoff} doubling up to {@code maxBackoff} (with jitter), each call cut off after
 * {@code attemptTimeout}.
 *
 * <pre>{@code
 * RetryOptions retry = RetryOptions.defaults().withMaxAttempts(3);
 * }</pre>
 *
 * @param maxAttempts calls per action, the first included (at least 1)
 * @param initialBackoff wait before the first retry
 * @param maxBackoff the longest wait between two calls
 * @param attemptTimeout the longest one call may take before it counts as a transient failure
 */
public record RetryOptions(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration attemptTimeout)
        implements Serializable {

    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(500);
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
    public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofSeconds(20);

    public RetryOptions {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        requirePositive(Objects.requireNonNull(initialBackoff, "initialBackoff"), "initialBackoff");
        requirePositive(Objects.requireNonNull(maxBackoff, "maxBackoff"), "maxBackoff");
        requirePositive(Objects.requireNonNull(attemptTimeout, "attemptTimeout"), "attemptTimeout");
        if (maxBackoff.compareTo(initialBackoff) <= 0) {
            // Failsafe requires the cap to be above the initial delay.
            throw new IllegalArgumentException("maxBackoff must be longer than initialBackoff");
        }
    }

    /** 5 attempts, 500 ms backoff doubling up to 30 s, 20 s per call. */
    public static RetryOptions defaults() {
        return new RetryOptions(
                DEFAULT_MAX_ATTEMPTS, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF, DEFAULT_ATTEMPT_TIMEOUT);
    }

    public RetryOptions withMaxAttempts(int attempts) {
        return new RetryOptions(attempts, initialBackoff, maxBackoff, attemptTimeout);
    }

    public RetryOptions withBackoff(Duration initial, Duration max) {
        return new RetryOptions(maxAttempts, initial, max, attemptTimeout);
    }

    public RetryOptions withAttemptTimeout(Duration timeout) {
        return new RetryOptions(maxAttempts, initialBackoff, maxBackoff, timeout);
    }

    private static void requirePositive(Duration d, String name) {
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
    }
}
