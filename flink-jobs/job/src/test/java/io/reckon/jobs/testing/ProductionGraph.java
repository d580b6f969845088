package io.reckon.jobs.testing;

import io.reckon.connectors.jdbc.JdbcOptions;
import io.reckon.connectors.kafka.KafkaOptions;
import io.reckon.jobs.ReconciliationJob;
import io.reckon.jobs.ReconciliationWiring;
import io.reckon.jobs.reconcile.ReconSettings;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/** The production reconciliation job's graph, with its Kafka inputs and its Kafka and PostgreSQL outputs. */
public final class ProductionGraph {

    private ProductionGraph() {}

    /** Builds it; building opens no connection, so the addresses only need to be well-formed. */
    public static StreamGraph build() {
        Configuration conf = new Configuration();
        conf.set(KafkaOptions.BOOTSTRAP_SERVERS, "127.0.0.1:9");
        conf.set(JdbcOptions.URL, "jdbc:postgresql://127.0.0.1:9/reckon");
        conf.set(JdbcOptions.PASSWORD, "unused");
        conf.set(ConfigOptions.key("schema-registry.url").stringType().noDefaultValue(), "mock://graph");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        ReconciliationJob.defineWorkflow(
                env,
                ReconSettings.from(conf),
                ReconciliationJob.Watermarks.from(conf),
                ReconciliationWiring.kafkaInputs(conf, false),
                ReconciliationWiring.kafkaAndPostgresOutputs(conf));
        return env.getStreamGraph();
    }
}
