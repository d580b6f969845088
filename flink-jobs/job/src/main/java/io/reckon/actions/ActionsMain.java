package io.reckon.actions;

import io.reckon.connectors.jdbc.SchemaMigrations;
import io.reckon.jobs.ReckonConfiguration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Cluster entry point of the action job (application mode). Configuration is the Flink configuration
 * with the keys of {@link ActionOptions} plus the Kafka, registry and JDBC options the reconciliation
 * job uses; secrets from files or the environment. The policy is read and validated before the job is
 * built, so a mistake in it stops the job at start with the rule and key.
 *
 * <pre>{@code
 * flink run-application -c io.reckon.actions.ActionsMain reckon.jar
 * }</pre>
 */
public final class ActionsMain {

    private ActionsMain() {}

    public static void main(String[] args) throws Exception {
        Configuration conf = ReckonConfiguration.load(null, System.getenv());
        ActionPolicy policy = PolicyParser.fromConfiguration(conf);
        SchemaMigrations.requireCurrent(conf);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        ActionJob.defineWorkflow(
                env,
                policy,
                ActionJob.Settings.from(conf),
                ConfiguredExecutors.from(conf, policy),
                ActionWiring.kafkaInputs(conf, false),
                ActionWiring.kafkaAndPostgresOutputs(conf));
        env.execute("reckon-actions");
    }
}
