package io.reckon.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.connectors.jdbc.JdbcOptions;
import io.reckon.connectors.kafka.KafkaOptions;
import io.reckon.jobs.ReconciliationJob;
import io.reckon.jobs.ReconciliationWiring;
import io.reckon.jobs.reconcile.ReconSettings;
import java.util.List;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * Savepoints map state to operators by uid; an operator without one gets a hash of the graph's shape,
 * which changes with any edit upstream and strands its state. Every node of the production graph,
 * sources, decoders, the reconciliation, sink writers and committers, must carry an explicit uid.
 */
class StableUidsTest {

    @Test
    void everyOperatorOfTheProductionJobGraphHasAnExplicitUniqueUid() {
        Configuration conf = new Configuration();
        // Building the graph opens no connection; these only need to be well-formed.
        conf.set(KafkaOptions.BOOTSTRAP_SERVERS, "127.0.0.1:9");
        conf.set(JdbcOptions.URL, "jdbc:postgresql://127.0.0.1:9/reckon");
        conf.set(JdbcOptions.PASSWORD, "unused");
        conf.set(ConfigOptions.key("schema-registry.url").stringType().noDefaultValue(), "mock://uids");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        ReconciliationJob.defineWorkflow(
                env,
                ReconSettings.from(conf),
                ReconciliationJob.Watermarks.from(conf),
                ReconciliationWiring.kafkaInputs(conf, false),
                ReconciliationWiring.kafkaAndPostgresOutputs(conf));
        StreamGraph graph = env.getStreamGraph();

        List<String> withoutUid = graph.getStreamNodes().stream()
                .filter(n -> n.getTransformationUID() == null)
                .map(StreamNode::getOperatorName)
                .toList();
        List<String> uids = graph.getStreamNodes().stream()
                .map(StreamNode::getTransformationUID)
                .toList();
        System.out.println("operator uids: " + uids);
        assertThat(withoutUid).as("operators without a uid").isEmpty();
        assertThat(uids).doesNotHaveDuplicates().hasSizeGreaterThan(15);
    }
}
