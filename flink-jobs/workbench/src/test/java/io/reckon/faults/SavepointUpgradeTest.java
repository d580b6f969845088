package io.reckon.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.faults.FaultHarness.Outputs;
import io.reckon.faults.FaultHarness.RunReport;
import io.reckon.faults.FaultHarness.RunSpec;
import io.reckon.jobs.records.AnomalyRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An upgrade through a savepoint: the job is stopped with a savepoint in the middle of the input, a
 * changed job graph (one more stateful operator and sink, as a new feature would add) is started from
 * it, and the result equals a run that was never stopped. Anomalies opened before the savepoint go on
 * to their final revision after it with the right revision numbers and totals, which only holds if
 * every piece of state found its operator again by uid.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedHarness.Resolver.class)
class SavepointUpgradeTest {

    private FaultHarness harness;
    private Outputs reference;

    @BeforeAll
    void shareStackAndReferenceRun(SharedHarness shared) {
        harness = shared.harness;
        reference = shared.reference;
    }

    @Test
    void aJobRestoredFromASavepointIntoAChangedGraphContinuesItsAnomaliesToTheSameFinalFigures() throws Exception {
        Path savepoints = Files.createTempDirectory("faults-savepoints-");
        AtomicReference<String> savepoint = new AtomicReference<>();
        InjectedFailures.Plan throttle = InjectedFailures.register("upgrade", List.of(), 50, 25);
        RunSpec before = new RunSpec("upgrade");
        before.plan = throttle;
        before.during = running -> {
            // Past the middle of the usage input, so that some periods closed and others are open.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (throttle.records.get() < harness.usageRecords * 6 / 10 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(running.finished())
                    .as("the job still runs when the savepoint is taken")
                    .isFalse();
            // No drain: the watermark must not jump to the end of time, or every period would close.
            savepoint.set(running.cluster()
                    .stopWithSavepoint(
                            running.job(), savepoints.toUri().toString(), false, SavepointFormatType.CANONICAL)
                    .get(2, TimeUnit.MINUTES));
        };
        RunReport first;
        try {
            first = harness.run(before);
        } finally {
            InjectedFailures.remove("upgrade");
        }
        assertThat(first.result().isSuccess()).isTrue();
        assertThat(savepoint.get()).isNotNull();
        Outputs halfway = harness.outputs();
        assertThat(halfway.revisions()).as("revisions before the upgrade").isPositive();
        assertThat(halfway.revisions()).isLessThan(reference.revisions());

        RunSpec after = new RunSpec("upgrade");
        after.restoreFrom = savepoint.get();
        after.continuesPrevious = true;
        // A bounded Kafka source restored from a savepoint never signals its end (FLINK-33466,
        // FLINK-31006): once the restored job has checkpointed the end of every input, it is stopped
        // with a draining savepoint, which ends event time as the end of a bounded input would.
        InjectedFailures.Plan counter = InjectedFailures.register("upgrade-counter", List.of(), 0, 0);
        counter.allInputs = true;
        after.plan = counter;
        after.during = running -> {
            // Every input read: no record for 2 s and a checkpoint completed since.
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            long seen = -1;
            while (System.nanoTime() < deadline && (seen <= 0 || seen != counter.records.get())) {
                seen = counter.records.get();
                Thread.sleep(2_000);
            }
            running.awaitCompletedCheckpoints(1, Duration.ofSeconds(30));
            running.cluster()
                    .stopWithSavepoint(
                            running.job(), savepoints.toUri().toString(), true, SavepointFormatType.CANONICAL)
                    .get(2, TimeUnit.MINUTES);
        };
        RunReport second;
        try {
            second = harness.run(after);
        } finally {
            InjectedFailures.remove("upgrade-counter");
        }
        System.out.printf(
                "upgrade: %d revisions before the savepoint, %d in all; %s; %s%n",
                halfway.revisions(), reference.revisions(), first.summary(), second.summary());
        assertThat(second.result().isSuccess()).isTrue();

        Outputs result = harness.outputs();
        FaultAssertions.assertSameOutputs(result, reference);
        // Anomalies opened before the savepoint whose final revision was written after it.
        Set<String> openedBefore = new HashSet<>();
        halfway.anomalyRevisionCounts().keySet().forEach(k -> openedBefore.add(k.substring(0, k.indexOf('#'))));
        long continued = result.anomalies().stream()
                .filter(a -> a.contains("\"final\":true"))
                .filter(a -> openedBefore.stream().anyMatch(a::contains))
                .filter(a -> !halfway.anomalies().contains(a))
                .count();
        assertThat(continued)
                .as("anomalies that crossed the upgrade to their final revision")
                .isPositive();
    }

    /** The operator a new version adds: keyed state that did not exist in the savepoint. */
    static final class RevisionsPerType extends KeyedProcessFunction<String, AnomalyRecord, Long> {
        private transient ValueState<Long> count;

        @Override
        public void open(OpenContext context) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("revisions", Types.LONG));
        }

        @Override
        public void processElement(AnomalyRecord record, Context ctx, Collector<Long> out) throws Exception {
            long next = (count.value() == null ? 0 : count.value()) + 1;
            count.update(next);
            out.collect(next);
        }
    }
}
