package io.reckon.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.faults.FaultHarness.RunReport;
import io.reckon.faults.FaultHarness.RunSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Many restarts over a bigger input (30 accounts over 3 months): ten injected source failures in one
 * run, then six killed task managers in another. Run with {@code -Pfaults}.
 */
@Tag("faults-long")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedHarness.Resolver.class)
@SharedHarness.Workload(accounts = 30, months = 3)
class ManyRestartsLongTest {

    private SharedHarness shared;

    @BeforeAll
    void shareStackAndReferenceRun(SharedHarness shared) {
        this.shared = shared;
    }

    @Test
    void tenInjectedSourceFailuresInOneReplayLeaveTheOutputsOfARunWithoutFailures() throws Exception {
        long n = shared.harness.usageRecords;
        List<Long> thresholds = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            thresholds.add(n * i / 11);
        }
        InjectedFailures.Plan plan = InjectedFailures.register("ten-failures", thresholds, 200, 10);
        RunSpec spec = new RunSpec("ten-failures");
        spec.plan = plan;
        spec.timeout = Duration.ofMinutes(15);
        RunReport report;
        try {
            report = shared.harness.run(spec);
        } finally {
            InjectedFailures.remove("ten-failures");
        }
        System.out.println(report.summary());
        assertThat(report.result().isSuccess()).isTrue();
        assertThat(plan.failedAtMillis).hasSizeGreaterThanOrEqualTo(8);
        FaultAssertions.assertSameOutputs(shared.harness.outputs(), shared.reference);
    }

    @Test
    void sixKilledTaskManagersInOneReplayLeaveTheOutputsOfARunWithoutFailures() throws Exception {
        InjectedFailures.Plan throttle = InjectedFailures.register("six-kills", List.of(), 100, 10);
        RunSpec spec = new RunSpec("six-kills");
        spec.plan = throttle;
        spec.taskManagers = 2;
        spec.slotsPerTaskManager = 1;
        spec.timeout = Duration.ofMinutes(15);
        spec.during = FaultHarness.Action.killTaskManagers(6, 2, Duration.ofSeconds(120));
        RunReport report;
        try {
            report = shared.harness.run(spec);
        } finally {
            InjectedFailures.remove("six-kills");
        }
        System.out.println(report.summary());
        assertThat(report.result().isSuccess()).isTrue();
        assertThat(report.failureMillis()).hasSizeGreaterThanOrEqualTo(4);
        FaultAssertions.assertSameOutputs(shared.harness.outputs(), shared.reference);
    }
}
