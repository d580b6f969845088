package io.reckon.connectors.stripe.source;

import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before retrying a Stripe call that was rate limited (HTTP 429) or failed on
 * Stripe's side: the {@code Retry-After} the answer named when there is one, else exponential backoff
 * from {@code base}, capped at {@code max}; either way with up to 25 % of jitter on top, so that many
 * readers limited at once do not retry in lockstep.
 *
 * @param base first backoff without {@code Retry-After}
 * @param max the longest wait
 * @param maxAttempts attempts of one call before it fails (the job then restarts from its checkpoint)
 */
public record RateLimitBackoff(Duration base, Duration max, int maxAttempts) implements Serializable {

    public RateLimitBackoff {
        if (base.isNegative() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("need 0 <= base <= max: " + base + ", " + max);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
    }

    /**
     * @param attempt the attempt that failed, from 1
     * @param retryAfterSeconds the answer's {@code Retry-After} in seconds, or null
     */
    public Duration delay(int attempt, Long retryAfterSeconds) {
        if (retryAfterSeconds != null && retryAfterSeconds >= 0) {
            // Stripe said when: never earlier, whatever max says; jitter only adds.
            long millis = Duration.ofSeconds(retryAfterSeconds).toMillis();
            return Duration.ofMillis(millis + jitter(millis));
        }
        int shift = Math.min(30, Math.max(0, attempt - 1));
        long millis = Math.min(max.toMillis(), base.toMillis() << shift);
        return Duration.ofMillis(Math.min(max.toMillis(), millis + jitter(millis)));
    }

    private static long jitter(long millis) {
        return millis <= 0 ? 0 : ThreadLocalRandom.current().nextLong(millis / 4 + 1);
    }

    /** Parses a {@code Retry-After} header in seconds; null when absent or an HTTP date (not used by Stripe). */
    public static Long parseRetryAfter(String header) {
        if (header == null) {
            return null;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
