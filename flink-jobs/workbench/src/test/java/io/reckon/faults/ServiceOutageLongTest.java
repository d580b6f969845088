package io.reckon.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.faults.FaultHarness.RunReport;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The long outages: the broker away for 20 s, PostgreSQL for 30 s. Run with {@code -Pfaults}. */
@Tag("faults-long")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedHarness.Resolver.class)
class ServiceOutageLongTest {

    private SharedHarness shared;

    @BeforeAll
    void shareStackAndReferenceRun(SharedHarness shared) {
        this.shared = shared;
    }

    @Test
    void aKafkaBrokerStoppedForTwentySecondsMidReplayLosesNothingAndWritesNothingTwice() throws Exception {
        RunReport report =
                ServiceOutageTest.runWithOutage(shared.harness, "kafka-outage-20s", Duration.ofSeconds(20), true);
        assertThat(report.result().isSuccess()).isTrue();
        FaultAssertions.assertSameOutputs(shared.harness.outputs(), shared.reference);
    }

    @Test
    void postgresStoppedForThirtySecondsMidReplayLosesNothingAndWritesNothingTwice() throws Exception {
        RunReport report =
                ServiceOutageTest.runWithOutage(shared.harness, "postgres-outage-30s", Duration.ofSeconds(30), false);
        assertThat(report.result().isSuccess()).isTrue();
        assertThat(report.restarts())
                .as("the job backed off and restarted while the database was away")
                .isPositive();
        FaultAssertions.assertSameOutputs(shared.harness.outputs(), shared.reference);
    }
}
