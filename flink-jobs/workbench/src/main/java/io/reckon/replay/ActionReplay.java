package io.reckon.replay;

import io.reckon.actions.ActionJob;
import io.reckon.actions.ActionPolicy;
import io.reckon.actions.ActionWiring;
import io.reckon.actions.ExecutorFactory;
import io.reckon.actions.PolicyParser;
import io.reckon.avro.Action;
import io.reckon.connectors.kafka.KafkaOptions;
import io.reckon.connectors.kafka.TopicAdmin;
import io.reckon.connectors.kafka.Topics;
import io.reckon.connectors.registry.ConfluentAvroCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Runs the action job once over what the topics of a running stack hold (anomalies, approvals,
 * contracts), with bounded Kafka sources on a local cluster, and reads {@code recon.actions} back with
 * read_committed. The job graph and sinks are the production ones; only the executors are handed in
 * (in production {@code ConfiguredExecutors} builds them from the options).
 *
 * <pre>{@code
 * ActionReplay.Result r = ActionReplay.run(conf, ConfiguredExecutors.from(conf, PolicyParser.fromConfiguration(conf)));
 * }</pre>
 */
public final class ActionReplay {

    /** The steps written to {@code recon.actions}, in topic order per action. */
    public record Result(List<Action> actions, Duration jobTime, JobExecutionResult job) {}

    private ActionReplay() {}

    public static Result run(Configuration conf, ExecutorFactory executors) throws Exception {
        return run(conf, executors, ActionWiring.kafkaAndPostgresOutputs(conf));
    }

    /** As {@link #run(Configuration, ExecutorFactory)}, with the outputs wrapped or replaced. */
    public static Result run(Configuration conf, ExecutorFactory executors, ActionJob.Outputs outputs)
            throws Exception {
        ActionPolicy policy = PolicyParser.fromConfiguration(conf);
        try (TopicAdmin admin = TopicAdmin.connect(conf)) {
            admin.ensureTopics(conf.get(KafkaOptions.TOPIC_PARTITIONS));
        }
        Path checkpoints = Files.createTempDirectory("reckon-action-checkpoints-");
        StreamExecutionEnvironment env = Replay.localEnvironment(conf, checkpoints);
        ActionJob.defineWorkflow(
                env, policy, ActionJob.Settings.from(conf), executors, ActionWiring.kafkaInputs(conf, true), outputs);
        long started = System.nanoTime();
        JobExecutionResult job;
        try {
            job = env.execute("reckon-actions-replay");
        } finally {
            org.apache.commons.io.FileUtils.deleteQuietly(checkpoints.toFile());
        }
        Duration jobTime = Duration.ofNanos(System.nanoTime() - started);
        return new Result(readActions(conf), jobTime, job);
    }

    /** Every committed step of {@code recon.actions}, ordered by action id, then by time. */
    public static List<Action> readActions(Configuration conf) {
        ConfluentAvroCodec codec = ConfluentAvroCodec.fromConfig(conf);
        List<Action> actions = new ArrayList<>();
        try (TopicAdmin admin = TopicAdmin.connect(conf)) {
            for (ConsumerRecord<byte[], byte[]> r : admin.readAll(Topics.ACTIONS, true)) {
                actions.add(codec.decode(r.value(), Action.class));
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + Topics.ACTIONS + ": " + e.getMessage(), e);
        }
        actions.sort(Comparator.comparing(Action::getActionId).thenComparing(Action::getOccurredAt));
        return actions;
    }
}
