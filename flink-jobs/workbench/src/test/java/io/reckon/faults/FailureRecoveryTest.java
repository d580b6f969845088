package io.reckon.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.faults.FaultHarness.Outputs;
import io.reckon.faults.FaultHarness.RunReport;
import io.reckon.faults.FaultHarness.RunSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Task managers killed and a source failed deliberately, several times in the middle of a replay
 * through the production job graph (real broker, real PostgreSQL, exactly-once Kafka sinks, JDBC
 * upserts): every run must end with the outputs of a run without failures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedHarness.Resolver.class)
class FailureRecoveryTest {

    private FaultHarness harness;
    private Outputs reference;

    @BeforeAll
    void shareStackAndReferenceRun(SharedHarness shared) {
        harness = shared.harness;
        reference = shared.reference;
    }

    @Test
    void threeKilledTaskManagersLeaveTheOutputsOfARunWithoutFailures() throws Exception {
        // Slowed down (no failures planned) so that three kills fit in one pass over the input.
        InjectedFailures.Plan throttle = InjectedFailures.register("tm-kills", List.of(), 100, 25);
        RunSpec spec = new RunSpec("tm-kills");
        spec.plan = throttle;
        spec.taskManagers = 2;
        // One slot each: both task managers run a share of every operator, so each kill hits the job.
        spec.slotsPerTaskManager = 1;
        spec.during = FaultHarness.Action.killTaskManagers(3, 1, Duration.ofSeconds(60));
        RunReport report;
        try {
            report = harness.run(spec);
        } finally {
            InjectedFailures.remove("tm-kills");
        }
        System.out.println(report.summary());

        assertThat(report.result().isSuccess()).isTrue();
        assertThat(report.failureMillis()).hasSize(3);
        assertThat(report.restarts()).isGreaterThanOrEqualTo(3);
        assertThat(report.recoveries()).hasSize(3);
        FaultAssertions.assertSameOutputs(harness.outputs(), reference);
    }

    @Test
    void threeInjectedSourceFailuresLeaveTheOutputsOfARunWithoutFailures() throws Exception {
        long n = harness.usageRecords;
        InjectedFailures.Plan plan =
                InjectedFailures.register("source-failures", List.of(n / 4, n / 2, 3 * n / 4), 200, 20);
        try {
            RunSpec spec = new RunSpec("source-failures");
            spec.plan = plan;
            RunReport report = harness.run(spec);
            System.out.println(report.summary());

            assertThat(report.result().isSuccess()).isTrue();
            assertThat(plan.failedAtMillis).hasSize(3);
            assertThat(report.restarts()).isGreaterThanOrEqualTo(3);
            assertThat(report.usageRecordsRead()).isGreaterThan(n);
            FaultAssertions.assertSameOutputs(harness.outputs(), reference);
        } finally {
            InjectedFailures.remove("source-failures");
        }
    }
}
