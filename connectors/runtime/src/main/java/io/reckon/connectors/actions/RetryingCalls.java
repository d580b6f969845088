package io.reckon.connectors.actions;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import dev.failsafe.Timeout;
import dev.failsafe.TimeoutExceededException;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * The retry discipline shared by every {@link ActionExecutor}: Failsafe retries transient failures
 * with exponential backoff and jitter, and cuts off each attempt after the per-attempt timeout.
 * Transient are HTTP 5xx and 429 ({@link ActionCallException#retryable()}), timeouts and I/O errors
 * (refused or broken connections); anything else ends the call at once as a permanent failure.
 *
 * <pre>{@code
 * try (RetryingCalls calls = RetryingCalls.create(RetryOptions.defaults())) {
 *     ActionOutcome outcome = calls.call(attempt -> sendOnce(request)).join();
 * }
 * }</pre>
 *
 * <p>The returned future never completes exceptionally: it completes with {@link
 * ActionOutcome.Executed} or {@link ActionOutcome.Failed}, both carrying the number of attempts made.
 * Whoever supplies the attempts must make them idempotent (the same idempotency key or delivery id on
 * every attempt), because a timed-out attempt may still have taken effect at the target.
 */
public final class RetryingCalls implements AutoCloseable {

    private final RetryOptions options;
    private final ScheduledExecutorService scheduler;
    private final FailsafeExecutor<String> failsafe;

    private RetryingCalls(RetryOptions options) {
        this.options = options;
        // One small daemon thread of our own for backoff delays and timeouts, rather than the JVM-wide
        // common pool Failsafe would use by default: inside a Flink task manager the common pool is
        // shared with user code and other jobs.
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "reckon-action-retries");
            t.setDaemon(true);
            return t;
        });
        RetryPolicy<String> retry = RetryPolicy.<String>builder()
                .handleIf((result, failure) -> failure != null && isTransient(failure))
                .withMaxAttempts(options.maxAttempts())
                .withBackoff(options.initialBackoff(), options.maxBackoff())
                .withJitter(0.25)
                .build();
        Timeout<String> timeout = Timeout.<String>builder(options.attemptTimeout())
                .withInterrupt()
                .build();
        // Outer to inner: the retry policy wraps the timeout, so the timeout bounds each attempt.
        this.failsafe = Failsafe.with(retry, timeout).with(scheduler);
    }

    public static RetryingCalls create(RetryOptions options) {
        return new RetryingCalls(options);
    }

    public RetryOptions options() {
        return options;
    }

    /**
     * Runs {@code attempt} until it succeeds, fails permanently, or the attempts are used up.
     *
     * @param attempt given the attempt number (1 for the first call), starts one call and returns a
     *     stage completing with the target's id of what was done, or failing with an {@link
     *     ActionCallException} (or an {@link IOException})
     */
    public CompletableFuture<ActionOutcome> call(IntFunction<? extends CompletionStage<String>> attempt) {
        AtomicInteger attempts = new AtomicInteger();
        CompletableFuture<String> result;
        try {
            result = failsafe.getStageAsync(() -> attempt.apply(attempts.incrementAndGet()));
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.handle((externalId, failure) -> {
            int made = Math.max(1, attempts.get());
            if (failure == null) {
                return new ActionOutcome.Executed(externalId, made);
            }
            Throwable cause = unwrap(failure);
            return new ActionOutcome.Failed(reason(cause), isTransient(cause), made);
        });
    }

    /** Whether a failure is worth another attempt. */
    public static boolean isTransient(Throwable failure) {
        Throwable t = unwrap(failure);
        if (t instanceof ActionCallException e) {
            return e.retryable();
        }
        return t instanceof TimeoutExceededException || t instanceof IOException;
    }

    private String reason(Throwable t) {
        if (t instanceof ActionCallException) {
            return t.getMessage();
        }
        if (t instanceof TimeoutExceededException || t instanceof HttpTimeoutException) {
            return "timed out after " + options.attemptTimeout().toMillis() + " ms";
        }
        if (t instanceof IOException) {
            return "connection failed: " + t.getClass().getSimpleName()
                    + (t.getMessage() == null ? "" : ": " + t.getMessage());
        }
        return "unexpected error: " + t;
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
