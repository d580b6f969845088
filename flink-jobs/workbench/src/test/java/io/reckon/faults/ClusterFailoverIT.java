package io.reckon.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.reckon.cluster.ClusterJobOptions;
import io.reckon.cluster.FlinkRest;
import io.reckon.cluster.LocalFlinkCluster;
import io.reckon.connectors.kafka.KafkaOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reconciliation job as a platform team runs it: the image's job jar ({@code flink-jobs/job/target/reckon.jar})
 * uploaded through Flink's REST API to a standalone cluster whose JobManager and TaskManager are JVMs of their own
 * (Flink's class path only, the job's classes through user-code class loading), against the embedded Kafka and
 * PostgreSQL. A run whose TaskManager process is killed with SIGKILL after a completed checkpoint, and replaced,
 * writes exactly what an undisturbed run on the same cluster writes: the same anomaly revisions once each (read
 * committed), the same dead letters and the same rows in the four sink tables.
 *
 * <p>Both runs are bounded ({@code kafka.bounded}: read to the end offsets found at start, then finish), so that the
 * final watermark, and with it every output, does not depend on when the run is looked at.
 */
class ClusterFailoverIT {

    static final Path JOB_JAR = Path.of("..", "job", "target", "reckon.jar");
    static final String ENTRY_CLASS = "io.reckon.jobs.ReconciliationMain";

    @TempDir
    Path work;

    @Test
    void aTaskManagerKilledWithSigkillMidRunLeavesExactlyTheOutputsOfAnUndisturbedRun() throws Exception {
        assertThat(JOB_JAR).as("built by ./mvnw package").isRegularFile();
        // The long workload (as ManyRestartsLongTest's): with the shared one, a quiet machine finishes the
        // job before its TaskManager can be killed after the first completed checkpoint.
        try (FaultHarness harness = FaultHarness.start(work.resolve("stack"), FaultHarness.workload(30, 3));
                LocalFlinkCluster cluster =
                        LocalFlinkCluster.start(work.resolve("cluster"), options(harness, "undisturbed"))) {
            FlinkRest rest = cluster.rest();
            String jar = rest.uploadJar(JOB_JAR);

            harness.resetOutputs();
            String undisturbed = rest.run(jar, ENTRY_CLASS);
            awaitState(rest, undisturbed, "FINISHED", Duration.ofMinutes(4), cluster);
            assertThat(rest.checkpoints(undisturbed)
                            .path("counts")
                            .path("restored")
                            .asInt())
                    .isZero();
            assertThat(rest.exceptions(undisturbed).path("exceptionHistory").path("entries"))
                    .as("failures of the undisturbed run")
                    .isEmpty();
            FaultHarness.Outputs reference = harness.outputs();
            System.out.printf(
                    "undisturbed run on the cluster: %d usage records, %d revisions, %d final anomalies%n",
                    harness.usageRecords, reference.revisions(), reference.finalAnomalies());

            harness.resetOutputs();
            cluster.setOptions(options(harness, "killed"));
            String killed = rest.run(jar, ENTRY_CLASS);
            awaitCompletedCheckpoint(rest, killed, Duration.ofMinutes(2), cluster);
            assertThat(rest.job(killed).path("state").asText())
                    .as("still running when its TaskManager is killed")
                    .isEqualTo("RUNNING");
            long pid = cluster.killTaskManager();
            long replacement = cluster.startTaskManager();
            System.out.printf("killed TaskManager pid %d with SIGKILL, started pid %d%n", pid, replacement);
            awaitState(rest, killed, "FINISHED", Duration.ofMinutes(4), cluster);

            JsonNode checkpoints = rest.checkpoints(killed);
            assertThat(checkpoints.path("counts").path("restored").asInt())
                    .as("restored from a checkpoint")
                    .isGreaterThanOrEqualTo(1);
            assertThat(checkpoints
                            .path("latest")
                            .path("restored")
                            .path("is_savepoint")
                            .asBoolean())
                    .isFalse();
            JsonNode failures = rest.exceptions(killed).path("exceptionHistory").path("entries");
            assertThat(failures).as("failures of the disturbed run").isNotEmpty();
            assertThat(failures.toString()).as("the lost TaskManager").contains("TaskManager");
            FaultAssertions.assertSameOutputs(harness.outputs(), reference);
        }
    }

    /** The job's options in the cluster's config.yaml: this run's consumer group and transactional ids, bounded. */
    private Map<String, String> options(FaultHarness harness, String run) throws Exception {
        Configuration conf = harness.jobConfig("cluster-" + run);
        conf.set(KafkaOptions.BOUNDED, true);
        return ClusterJobOptions.of(conf, work);
    }

    private static void awaitState(FlinkRest rest, String job, String wanted, Duration timeout, LocalFlinkCluster c)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String state;
        while (!(state = rest.job(job).path("state").asText()).equals(wanted)) {
            if (state.equals("FAILED") || state.equals("CANCELED") || System.nanoTime() > deadline) {
                throw new AssertionError("job " + job + " is " + state + ", expected " + wanted + ": "
                        + rest.exceptions(job) + "\n" + c.logTail());
            }
            Thread.sleep(200);
        }
    }

    private static void awaitCompletedCheckpoint(FlinkRest rest, String job, Duration timeout, LocalFlinkCluster c)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (rest.checkpoints(job).path("counts").path("completed").asInt() < 1) {
            String state = rest.job(job).path("state").asText();
            if (System.nanoTime() > deadline
                    || List.of("FINISHED", "FAILED", "CANCELED").contains(state)) {
                throw new AssertionError("no completed checkpoint of " + job + " (" + state + ")\n" + c.logTail());
            }
            Thread.sleep(100);
        }
    }
}
