package io.reckon.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.faults.FaultHarness.Outputs;
import io.reckon.faults.FaultHarness.RunReport;
import io.reckon.faults.FaultHarness.RunSpec;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The broker and the database taken away in the middle of a replay and brought back: the job backs
 * off (exponential restart delay), recovers by itself and ends with the outputs of an undisturbed
 * run. The default outages are short to keep the suite quick; {@code ServiceOutageLongTest} holds
 * the 20 s broker and 30 s database outages.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedHarness.Resolver.class)
class ServiceOutageTest {

    private FaultHarness harness;
    private Outputs reference;

    @BeforeAll
    void shareStackAndReferenceRun(SharedHarness shared) {
        harness = shared.harness;
        reference = shared.reference;
    }

    @Test
    void aKafkaBrokerStoppedForSixSecondsMidReplayLosesNothingAndWritesNothingTwice() throws Exception {
        RunReport report = runWithOutage(harness, "kafka-outage", Duration.ofSeconds(6), true);
        assertThat(report.result().isSuccess()).isTrue();
        assertThat(report.afterServiceBack()).hasSize(1);
        FaultAssertions.assertSameOutputs(harness.outputs(), reference);
    }

    @Test
    void postgresStoppedForEightSecondsMidReplayLosesNothingAndWritesNothingTwice() throws Exception {
        RunReport report = runWithOutage(harness, "postgres-outage", Duration.ofSeconds(8), false);
        assertThat(report.result().isSuccess()).isTrue();
        assertThat(report.afterServiceBack()).hasSize(1);
        FaultAssertions.assertSameOutputs(harness.outputs(), reference);
    }

    /**
     * Runs the job slowed down so that the outage falls in the middle of the input, stops the broker
     * (or PostgreSQL) once two checkpoints have completed, and starts it again after {@code outage}.
     */
    static RunReport runWithOutage(FaultHarness harness, String name, Duration outage, boolean kafka) throws Exception {
        InjectedFailures.Plan throttle = InjectedFailures.register(name, List.of(), 100, 20);
        RunSpec spec = new RunSpec(name);
        spec.plan = throttle;
        // Backs off while the service is away instead of spending a fixed number of attempts.
        spec.tweak = conf -> {
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, Duration.ofMillis(500));
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, Duration.ofSeconds(4));
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, 1_000);
            return conf;
        };
        spec.during = running -> {
            running.awaitCompletedCheckpoints(2, Duration.ofSeconds(60));
            assertThat(running.finished())
                    .as("the job still runs when the outage starts")
                    .isFalse();
            running.monitor().failureAt(System.currentTimeMillis());
            if (kafka) {
                harness.stack.kafka().stop();
            } else {
                harness.stack.postgres().stop();
            }
            try {
                Thread.sleep(outage.toMillis());
            } finally {
                if (kafka) {
                    harness.stack.kafka().restart();
                } else {
                    harness.stack.postgres().restart();
                }
                running.monitor().serviceBackAt(System.currentTimeMillis());
            }
        };
        try {
            RunReport report = harness.run(spec);
            System.out.printf("%s (outage %d s)%n", report.summary(), outage.toSeconds());
            return report;
        } finally {
            InjectedFailures.remove(name);
        }
    }
}
