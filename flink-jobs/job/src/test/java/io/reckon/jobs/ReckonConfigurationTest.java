package io.reckon.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reckon.connectors.jdbc.JdbcOptions;
import io.reckon.connectors.kafka.KafkaOptions;
import io.reckon.connectors.registry.SchemaRegistryOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReckonConfigurationTest {

    @TempDir
    Path dir;

    private Path yaml(String text) throws Exception {
        Path file = dir.resolve("reckon.yaml");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void aGoodYamlFileWithNestedAndFlatKeysIsReadAndTyped() throws Exception {
        Path file = yaml(
                """
                parallelism.default: 3
                reconcile:
                  allowed-lateness: 8h
                  spike-ratio: 4
                kafka.group-id: billing
                kafka.properties.security.protocol: SASL_SSL
                schema-registry:
                  auto-register: false
                  properties:
                    ssl.truststore.location: /etc/reckon/truststore.p12
                jdbc.batch-interval: 500 ms
                cloudevents.meters: "api-calls:api_calls:$.value"
                """);

        Configuration conf = ReckonConfiguration.load(file, Map.of());

        assertThat(conf.get(ReconOptions.ALLOWED_LATENESS)).isEqualTo(Duration.ofHours(8));
        assertThat(conf.get(ReconOptions.SPIKE_RATIO)).isEqualTo(4);
        assertThat(conf.get(KafkaOptions.GROUP_ID)).isEqualTo("billing");
        assertThat(conf.toMap()).containsEntry("kafka.properties.security.protocol", "SASL_SSL");
        assertThat(conf.get(SchemaRegistryOptions.AUTO_REGISTER)).isFalse();
        assertThat(conf.toMap())
                .containsEntry("schema-registry.properties.ssl.truststore.location", "/etc/reckon/truststore.p12");
        assertThat(conf.get(JdbcOptions.BATCH_INTERVAL)).isEqualTo(Duration.ofMillis(500));
        assertThat(conf.get(CoreOptions.DEFAULT_PARALLELISM)).isEqualTo(3);
        // Unset options keep their defaults.
        assertThat(conf.get(ReconOptions.INVOICE_GRACE)).isEqualTo(Duration.ofHours(72));
    }

    @Test
    void environmentOverridesTheFileWithDotsAndDashesAsUnderscores() throws Exception {
        Path file = yaml("reconcile.allowed-lateness: 6h\nkafka.topic-partitions: 2\n");

        Configuration conf = ReckonConfiguration.load(
                file,
                Map.of(
                        "RECKON_RECONCILE_ALLOWED_LATENESS", "8h",
                        "RECKON_KAFKA_TOPIC_PARTITIONS", "12",
                        "RECKON_SCHEMA_REGISTRY_URL", "http://registry:8081",
                        "RECKON_HOME", "/opt/reckon",
                        "PATH", "/usr/bin"));

        assertThat(conf.get(ReconOptions.ALLOWED_LATENESS)).isEqualTo(Duration.ofHours(8));
        assertThat(conf.get(KafkaOptions.TOPIC_PARTITIONS)).isEqualTo(12);
        assertThat(conf.get(SchemaRegistryOptions.URL)).isEqualTo("http://registry:8081");
        assertThat(conf.toMap()).doesNotContainKey("home").doesNotContainValue("/usr/bin");
    }

    @Test
    void theDatabasePasswordVariableIsNotCopiedIntoTheConfiguration() throws Exception {
        Configuration conf = ReckonConfiguration.load(yaml("{}\n"), Map.of(JdbcOptions.PASSWORD_ENV, "s3cret"));

        assertThat(conf.toMap()).doesNotContainValue("s3cret");
    }

    @Test
    void actionSecretVariablesAreNotCopiedIntoTheConfiguration() throws Exception {
        Configuration conf = ReckonConfiguration.load(
                yaml("{}\n"),
                Map.of(
                        "RECKON_STRIPE_API_KEY", "sk_test_1",
                        "RECKON_HUBSPOT_TOKEN", "pat-1",
                        "RECKON_WEBHOOK_SECRET_FINANCE", "whsec_1",
                        "RECKON_ACTIONS_WEBHOOKS_FINANCE_URL", "https://finance.example.com/hook",
                        "RECKON_ACTIONS_CAPACITY", "4"));
        assertThat(conf.toMap().values()).doesNotContain("sk_test_1", "pat-1", "whsec_1");
        assertThat(conf.toMap())
                .containsEntry("actions.webhooks.finance.url", "https://finance.example.com/hook")
                .containsEntry("actions.capacity", "4");
    }

    @Test
    void aWebhookKeyThatIsNeitherUrlNorSecretFileIsRefused() throws Exception {
        assertThatThrownBy(() -> ReckonConfiguration.load(yaml("actions.webhooks.finance.secret: x\n"), Map.of()))
                .hasMessageContaining("unknown option 'actions.webhooks.finance.secret'");
        assertThatThrownBy(() ->
                        ReckonConfiguration.load(yaml("actions.webhooks.finance.secret-file: /run/s\n"), Map.of()))
                .hasMessageContaining("webhook endpoint 'finance' has no actions.webhooks.finance.url");
    }

    @Test
    void aMisspeltKeyIsRefusedWithASuggestion() throws Exception {
        Path file = yaml("reconcile.alowed-lateness: 8h\n");

        assertThatThrownBy(() -> ReckonConfiguration.load(file, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown option 'reconcile.alowed-lateness' (did you mean 'reconcile.allowed-lateness'?)");
    }

    @Test
    void anUnknownKeyFarFromEveryOptionIsRefusedWithoutASuggestion() throws Exception {
        Path file = yaml("jdbc.connection-pool-flavour: large\n");

        assertThatThrownBy(() -> ReckonConfiguration.load(file, Map.of()))
                .hasMessage("unknown option 'jdbc.connection-pool-flavour'");
    }

    @Test
    void aMisspeltEnvironmentOverrideIsRefusedWithASuggestion() {
        assertThatThrownBy(() -> ReckonConfiguration.load(
                        dir.resolve("none.yaml").getParent().resolve("absent.yaml"), Map.of()))
                .hasMessageContaining("cannot read the configuration file");
        assertThatThrownBy(() -> {
                    Configuration conf = new Configuration();
                    ReckonConfiguration.applyEnvironment(conf, Map.of("RECKON_RECONCILE_ALLOWED_LATENES", "8h"));
                })
                .hasMessage("unknown environment override 'RECKON_RECONCILE_ALLOWED_LATENES'"
                        + " (did you mean 'RECKON_RECONCILE_ALLOWED_LATENESS'?)");
    }

    @Test
    void aValueThatDoesNotParseIsRefusedNamingKeyAndType() throws Exception {
        assertThatThrownBy(() -> ReckonConfiguration.load(yaml("reconcile.allowed-lateness: 7 fortnights\n"), Map.of()))
                .hasMessage("reconcile.allowed-lateness: '7 fortnights' is not a duration");
        assertThatThrownBy(
                        () -> ReckonConfiguration.load(yaml("{}\n"), Map.of("RECKON_RECONCILE_SPIKE_RATIO", "three")))
                .hasMessage("reconcile.spike-ratio: 'three' is not an integer");
    }

    @Test
    void crossOptionRulesAndCustomParsersAreApplied() throws Exception {
        assertThatThrownBy(() -> ReckonConfiguration.load(yaml("reconcile.allowed-lateness: 90min\n"), Map.of()))
                .hasMessageContaining("reconcile.allowed-lateness must be a non-negative whole number of hours");
        assertThatThrownBy(() -> ReckonConfiguration.load(yaml("kafka.starting-offsets: newest\n"), Map.of()))
                .hasMessageContaining("kafka.starting-offsets must be one of");
        assertThatThrownBy(() -> ReckonConfiguration.load(yaml("cloudevents.meters: nonsense\n"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keysOutsideReckonsPrefixesAreLeftToFlink() throws Exception {
        Configuration conf = ReckonConfiguration.load(
                yaml("state.backend.type: rocksdb\nmetrics.reporter.prom.port: 9249\n"), Map.of());

        assertThat(conf.toMap()).containsEntry("state.backend.type", "rocksdb");
    }
}
