package io.reckon.connectors.actions;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.connectors.testing.ActionFixtures;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryingCallsTest {

    @Test
    void transientFailuresAreRetriedUntilSuccessAndCounted() {
        try (RetryingCalls calls = RetryingCalls.create(ActionFixtures.fastRetries(5, Duration.ofSeconds(2)))) {
            List<Integer> seen = new ArrayList<>();
            ActionOutcome outcome = calls.call(attempt -> {
                        seen.add(attempt);
                        return attempt < 3
                                ? CompletableFuture.failedFuture(ActionCallException.forStatus(503, "HTTP 503"))
                                : CompletableFuture.completedFuture("ext-1");
                    })
                    .join();

            assertThat(outcome).isEqualTo(new ActionOutcome.Executed("ext-1", 3));
            assertThat(seen).containsExactly(1, 2, 3);
        }
    }

    @Test
    void permanentFailureStopsAfterOneAttempt() {
        try (RetryingCalls calls = RetryingCalls.create(ActionFixtures.fastRetries(5, Duration.ofSeconds(2)))) {
            AtomicInteger made = new AtomicInteger();
            ActionOutcome outcome = calls.call(attempt -> {
                        made.incrementAndGet();
                        return CompletableFuture.failedFuture(ActionCallException.forStatus(404, "HTTP 404: gone"));
                    })
                    .join();

            assertThat(outcome).isEqualTo(new ActionOutcome.Failed("HTTP 404: gone", false, 1));
            assertThat(made).hasValue(1);
        }
    }

    @Test
    void exhaustedRetriesReportTheLastTransientFailure() {
        try (RetryingCalls calls = RetryingCalls.create(ActionFixtures.fastRetries(3, Duration.ofSeconds(2)))) {
            ActionOutcome outcome = calls.call(
                            attempt -> CompletableFuture.failedFuture(new ConnectException("Connection refused")))
                    .join();

            assertThat(outcome).isInstanceOf(ActionOutcome.Failed.class);
            ActionOutcome.Failed failed = (ActionOutcome.Failed) outcome;
            assertThat(failed.retryable()).isTrue();
            assertThat(failed.attempts()).isEqualTo(3);
            assertThat(failed.reason()).contains("Connection refused");
        }
    }

    @Test
    void attemptsThatNeverAnswerAreCutOffByTheTimeout() {
        try (RetryingCalls calls = RetryingCalls.create(ActionFixtures.fastRetries(2, Duration.ofMillis(100)))) {
            long start = System.nanoTime();
            ActionOutcome outcome =
                    calls.call(attempt -> new CompletableFuture<String>()).join();
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertThat(outcome).isEqualTo(new ActionOutcome.Failed("timed out after 100 ms", true, 2));
            assertThat(millis).isBetween(200L, 5_000L);
        }
    }

    @Test
    void throwingAttemptIsAPermanentFailureNotAnException() {
        try (RetryingCalls calls = RetryingCalls.create(ActionFixtures.fastRetries(3, Duration.ofSeconds(1)))) {
            ActionOutcome outcome = calls.call(attempt -> {
                        throw new IllegalStateException("bug");
                    })
                    .join();

            assertThat(outcome).isInstanceOf(ActionOutcome.Failed.class);
            assertThat(((ActionOutcome.Failed) outcome).retryable()).isFalse();
            assertThat(outcome.attempts()).isEqualTo(1);
        }
    }
}
