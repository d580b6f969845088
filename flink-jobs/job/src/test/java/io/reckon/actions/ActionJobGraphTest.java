package io.reckon.actions;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.connectors.jdbc.JdbcOptions;
import io.reckon.connectors.kafka.KafkaOptions;
import io.reckon.connectors.registry.SchemaRegistryOptions;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.PartitionTransformation;
import org.apache.flink.streaming.api.transformations.SideOutputTransformation;
import org.apache.flink.streaming.api.transformations.UnionTransformation;
import org.junit.jupiter.api.Test;

/** The production graph of the action job, as ActionsMain builds it, without connecting to anything. */
class ActionJobGraphTest {

    @Test
    void everyOperatorOfTheProductionGraphHasAStableUid() {
        Configuration conf = new Configuration();
        conf.set(KafkaOptions.BOOTSTRAP_SERVERS, "localhost:9");
        conf.set(SchemaRegistryOptions.URL, "mock://action-graph");
        conf.set(JdbcOptions.URL, "jdbc:postgresql://localhost:9/reckon");
        conf.set(JdbcOptions.PASSWORD, "unused");
        ActionPolicy policy = ActionFixtures.policy(true);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ActionJob.defineWorkflow(
                env,
                policy,
                ActionJob.Settings.from(conf),
                ConfiguredExecutors.from(conf, policy),
                ActionWiring.kafkaInputs(conf, false),
                ActionWiring.kafkaAndPostgresOutputs(conf));

        Set<String> uids = new TreeSet<>();
        Set<String> missing = new TreeSet<>();
        for (Transformation<?> sink : env.getTransformations()) {
            for (Transformation<?> t : sink.getTransitivePredecessors()) {
                if (t instanceof UnionTransformation
                        || t instanceof PartitionTransformation
                        || t instanceof SideOutputTransformation) {
                    continue;
                }
                if (t.getUid() == null) {
                    missing.add(t.getName());
                } else {
                    uids.add(t.getUid());
                }
            }
        }
        assertThat(missing).isEmpty();
        assertThat(uids)
                .contains(
                        "anomalies-source",
                        "approvals-source",
                        "contracts-source",
                        "action-planner",
                        "action-lifecycle",
                        "action-execution",
                        "action-step-counts",
                        "actions-topic",
                        "actions-table",
                        "action-events-table",
                        "action-dead-letter-topic");
    }
}
