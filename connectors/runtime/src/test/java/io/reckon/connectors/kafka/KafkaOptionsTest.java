package io.reckon.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reckon.connectors.kafka.KafkaOptions.StartingOffsets;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.junit.jupiter.api.Test;

class KafkaOptionsTest {

    @Test
    void defaultsMatchTheDocumentedValues() {
        Configuration conf = new Configuration();

        assertThat(conf.get(KafkaOptions.GROUP_ID)).isEqualTo("reckon");
        assertThat(conf.get(KafkaOptions.TRANSACTIONAL_ID_PREFIX)).isEqualTo("reckon");
        assertThat(conf.get(KafkaOptions.TOPIC_PARTITIONS)).isEqualTo(2);
        assertThat(KafkaOptions.startingOffsets(conf)).isEqualTo(StartingOffsets.COMMITTED_OR_EARLIEST);
        assertThat(conf.get(KafkaOptions.TRANSACTION_TIMEOUT))
                .isLessThan(Duration.ofMinutes(15))
                .isGreaterThan(Duration.ofMinutes(1));
    }

    @Test
    void clientPropertiesCarryBootstrapServersAndPassThroughProperties() {
        Configuration conf = new Configuration();
        conf.set(KafkaOptions.BOOTSTRAP_SERVERS, "b1:9093,b2:9093");
        conf.setString("kafka.properties.security.protocol", "SASL_SSL");
        conf.setString("kafka.properties.sasl.mechanism", "SCRAM-SHA-512");
        conf.setString("kafka.group-id", "not-a-client-property");
        conf.setString("schema-registry.properties.ssl.truststore.location", "/registry/only");

        Properties props = KafkaOptions.clientProperties(conf);

        Properties expected = new Properties();
        expected.setProperty("bootstrap.servers", "b1:9093,b2:9093");
        expected.setProperty("security.protocol", "SASL_SSL");
        expected.setProperty("sasl.mechanism", "SCRAM-SHA-512");
        assertThat(props).isEqualTo(expected);
    }

    @Test
    void bootstrapServersOptionWinsOverAPassThroughCopy() {
        Configuration conf = new Configuration();
        conf.set(KafkaOptions.BOOTSTRAP_SERVERS, "right:9092");
        conf.setString("kafka.properties.bootstrap.servers", "wrong:9092");

        assertThat(KafkaOptions.clientProperties(conf).getProperty("bootstrap.servers"))
                .isEqualTo("right:9092");
    }

    @Test
    void missingBootstrapServersIsNamed() {
        assertThatThrownBy(() -> KafkaOptions.clientProperties(new Configuration()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("kafka.bootstrap-servers is not set");
    }

    @Test
    void startingOffsetsParseEveryDocumentedValue() {
        assertThat(StartingOffsets.parse("earliest")).isEqualTo(StartingOffsets.EARLIEST);
        assertThat(StartingOffsets.parse("LATEST")).isEqualTo(StartingOffsets.LATEST);
        assertThat(StartingOffsets.parse("committed")).isEqualTo(StartingOffsets.COMMITTED);
        assertThat(StartingOffsets.parse(" committed-or-earliest ")).isEqualTo(StartingOffsets.COMMITTED_OR_EARLIEST);
        assertThat(StartingOffsets.COMMITTED.initializer().getAutoOffsetResetStrategy())
                .isEqualTo(OffsetResetStrategy.NONE);
        assertThat(StartingOffsets.COMMITTED_OR_EARLIEST.initializer().getAutoOffsetResetStrategy())
                .isEqualTo(OffsetResetStrategy.EARLIEST);
    }

    @Test
    void unknownStartingOffsetsAreRefusedWithTheAcceptedValues() {
        assertThatThrownBy(() -> StartingOffsets.parse("beginning"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("kafka.starting-offsets must be one of earliest, latest, committed,"
                        + " committed-or-earliest; was 'beginning'");
    }

    @Test
    void exactlyOnceSinkNeedsATransactionalIdPrefix() {
        Configuration conf = new Configuration();
        conf.set(KafkaOptions.BOOTSTRAP_SERVERS, "b1:9092");
        KafkaRecordSerializationSchema<String> schema = (element, context, timestamp) -> null;

        assertThatThrownBy(() -> KafkaConnectors.exactlyOnceSink(conf, schema, " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("transactional id prefix");
    }

    @Test
    void topicsListEveryCanonicalTopicAndCompactTheKeyedState() {
        assertThat(Topics.ALL)
                .containsExactly(
                        "recon.usage",
                        "recon.usage.cloudevents",
                        "recon.reported",
                        "recon.invoices",
                        "recon.contracts",
                        "recon.anomalies",
                        "recon.dlq",
                        "recon.actions",
                        "recon.approvals");
        assertThat(Topics.COMPACTED).containsExactlyInAnyOrder("recon.contracts", "recon.anomalies");
    }
}
