package io.reckon.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.reckon.actions.ActionOptions;
import io.reckon.connectors.jdbc.JdbcOptions;
import io.reckon.connectors.kafka.KafkaOptions;
import io.reckon.connectors.registry.SchemaRegistryOptions;
import io.reckon.jobs.ReconOptions;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every key the chart writes into flinkConfiguration is one that something reads: a typo would
 * otherwise be ignored silently by Flink and by the job.
 */
class FlinkConfigurationKeysTest {

    /**
     * Options of the Flink Kubernetes Operator's autoscaler. They live in the operator (not on this
     * classpath) and are read by it from the FlinkDeployment; names as documented for operator 1.8
     * and later (without the kubernetes.operator. prefix). Add a key here only after checking the
     * operator's AutoScalerOptions.
     */
    static final Set<String> OPERATOR_AUTOSCALER_KEYS = Set.of(
            "job.autoscaler.enabled",
            "job.autoscaler.scaling.enabled",
            "job.autoscaler.stabilization.interval",
            "job.autoscaler.metrics.window",
            "job.autoscaler.utilization.target",
            "job.autoscaler.utilization.max",
            "job.autoscaler.utilization.min",
            "job.autoscaler.vertex.min-parallelism",
            "job.autoscaler.vertex.max-parallelism",
            "job.autoscaler.catch-up.duration",
            "job.autoscaler.restart.time",
            "job.autoscaler.scale-up.grace-period");

    /** metrics.reporter.<name>.<option>: the reporter's own options are not ConfigOptions of Flink. */
    static final Pattern REPORTER_KEY = Pattern.compile("metrics\\.reporter\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9._-]+");

    /** Prefixes whose rest is handed to a client library as it is. */
    static final List<String> PASS_THROUGH_PREFIXES =
            List.of(KafkaOptions.PROPERTIES_PREFIX, SchemaRegistryOptions.PROPERTIES_PREFIX);

    static Set<String> flinkKeys;
    static Set<String> reckonKeys;

    @BeforeAll
    static void collectOptions() {
        flinkKeys = new TreeSet<>();
        for (JavaClass javaClass : new ClassFileImporter().importPackages("org.apache.flink.configuration")) {
            if (!javaClass.getPackageName().equals("org.apache.flink.configuration")) {
                continue;
            }
            try {
                flinkKeys.addAll(optionKeys(Class.forName(javaClass.getName())));
            } catch (Throwable notLoadable) {
                // A class whose dependencies are absent declares no option we could be using.
            }
        }
        reckonKeys = new TreeSet<>();
        Stream.of(
                        ReconOptions.class,
                        ActionOptions.class,
                        KafkaOptions.class,
                        JdbcOptions.class,
                        SchemaRegistryOptions.class)
                .forEach(c -> reckonKeys.addAll(optionKeys(c)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "values-production.yaml"})
    void everyFlinkConfigurationKeyIsARealOption(String valuesFile) throws Exception {
        List<JsonNode> resources = valuesFile.isEmpty() ? Chart.render() : Chart.render(Chart.DIR.resolve(valuesFile));
        List<String> unknown = new ArrayList<>();
        for (JsonNode deployment : Chart.ofKind(resources, "FlinkDeployment")) {
            JsonNode conf = deployment.path("spec").path("flinkConfiguration");
            conf.fieldNames().forEachRemaining(key -> {
                if (!isKnown(key)) {
                    unknown.add(deployment.path("metadata").path("name").asText() + ": " + key);
                }
            });
            assertThat(conf.size()).isGreaterThanOrEqualTo(20);
        }
        assertThat(unknown).as("keys no option declares").isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "state.backend.type",
                "execution.checkpointing.savepoint-dir",
                "pipeline.generic-types",
                "pipeline.object-reuse"
            })
    void flinkOptionsAreCollectedFromTheClasspath(String key) {
        assertThat(flinkKeys).contains(key);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "state.checkpoints.dir",
                "reconcile.allowed-latenes",
                "jdbc.password.file",
                "kafka.bootstrap.servers",
                "actions.webhooks.finance.secret",
                "actions.stripe.api-key"
            })
    void misspelledOrRetiredKeysAreRejected(String key) {
        assertThat(isKnown(key)).isFalse();
    }

    private static boolean isKnown(String key) {
        return flinkKeys.contains(key)
                || reckonKeys.contains(key)
                || ActionOptions.isWebhookKey(key)
                || OPERATOR_AUTOSCALER_KEYS.contains(key)
                || REPORTER_KEY.matcher(key).matches()
                || PASS_THROUGH_PREFIXES.stream().anyMatch(p -> key.startsWith(p) && key.length() > p.length());
    }

    private static Set<String> optionKeys(Class<?> type) {
        Set<String> keys = new TreeSet<>();
        for (Field field : type.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && ConfigOption.class.isAssignableFrom(field.getType())) {
                try {
                    field.setAccessible(true);
                    keys.add(((ConfigOption<?>) field.get(null)).key());
                } catch (ReflectiveOperationException | RuntimeException inaccessible) {
                    // Not a public option.
                }
            }
        }
        return keys;
    }
}
