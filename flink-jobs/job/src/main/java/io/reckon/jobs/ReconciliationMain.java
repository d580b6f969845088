package io.reckon.jobs;

import io.reckon.connectors.jdbc.SchemaMigrations;
import io.reckon.connectors.kafka.KafkaOptions;
import io.reckon.jobs.reconcile.ReconSettings;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Cluster entry point of the reconciliation job (application mode). Configuration comes from the
 * Flink configuration (flinkConfiguration in the Helm values) with the keys of {@link ReconOptions},
 * {@code KafkaOptions}, {@code SchemaRegistryOptions} and {@code JdbcOptions}; secrets from files or
 * the environment. {@link ReckonConfiguration} applies {@code RECKON_*} environment overrides and
 * validates every key before the job is built.
 */
public final class ReconciliationMain {

    private ReconciliationMain() {}

    public static void main(String[] args) throws Exception {
        // Flink configuration, RECKON_* environment overrides, then validation: a misspelt key or a bad
        // value stops the job here with its name, not as a silent default or a failure hours later.
        Configuration conf = ReckonConfiguration.load(null, System.getenv());
        // Set here and not in ReckonConfiguration, which the action job shares: only this graph is
        // audited for object reuse.
        ReconciliationJob.withObjectReuse(conf);
        // The job connects as the writer role, which has no DDL rights: the tables' owner applies the
        // migrations beforehand (reckon migrate, the chart's migration Job). Refuse an outdated schema.
        SchemaMigrations.requireCurrent(conf);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        ReconciliationJob.defineWorkflow(
                env,
                ReconSettings.from(conf),
                ReconciliationJob.Watermarks.from(conf),
                ReconciliationWiring.kafkaInputs(conf, conf.get(KafkaOptions.BOUNDED)),
                ReconciliationWiring.kafkaAndPostgresOutputs(conf));
        env.execute("reckon-reconciliation");
    }
}
