package io.reckon.jobs.sources;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.reckon.connectors.registry.ConfluentAvroCodec;
import io.reckon.connectors.registry.SchemaRegistryException;
import io.reckon.jobs.records.Ingested;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The decoder against a registry over real HTTP: a schema id the registry refuses (403) dead-letters
 * its records, one registry call for all of them; a registry that cannot answer (503) fails the task,
 * so that nothing a working registry would decode is dead-lettered.
 */
class IngestDeserializerRegistryTest {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private WireMockServer registry;

    @BeforeEach
    void start() {
        registry = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        registry.start();
        registry.stubFor(get(urlPathEqualTo("/schemas/ids/13"))
                .willReturn(aResponse()
                        .withStatus(403)
                        .withHeader("Content-Type", CONTENT_TYPE)
                        .withBody("{\"error_code\": 40301, \"message\": \"User is denied operation Read\"}")));
        registry.stubFor(get(urlPathEqualTo("/schemas/ids/14"))
                .willReturn(aResponse()
                        .withStatus(503)
                        .withHeader("Content-Type", CONTENT_TYPE)
                        .withBody("{\"error_code\": 50302, \"message\": \"leader not available\"}")));
    }

    @AfterEach
    void stop() {
        registry.stop();
    }

    @Test
    void recordsOfARefusedSchemaIdAreDeadLetteredWithTheReason() {
        IngestDeserializer d = deserializer();
        List<Ingested> out = new ArrayList<>();
        for (int offset = 0; offset < 100; offset++) {
            d.deserialize(record(offset, new byte[] {0, 0, 0, 0, 13, 2, 'x'}), new ListCollector<>(out));
        }
        assertThat(out).hasSize(100).allSatisfy(i -> {
            assertThat(i.meterEvent).isNull();
            assertThat(i.deadLetter.reason).contains("schema registry refused schema id 13 (HTTP 403");
            assertThat(i.deadLetter.partition).isEqualTo(1);
        });
        assertThat(registry.findAll(getRequestedFor(urlPathEqualTo("/schemas/ids/13"))))
                .as("one registry call per refused id, not per record")
                .hasSizeLessThanOrEqualTo(2);
    }

    @Test
    void aRegistryThatCannotAnswerFailsTheTask() {
        IngestDeserializer d = deserializer();
        assertThatThrownBy(() -> d.deserialize(
                        record(0, new byte[] {0, 0, 0, 0, 14, 2, 'x'}), new ListCollector<>(new ArrayList<>())))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("HTTP 503");
    }

    private IngestDeserializer deserializer() {
        return new IngestDeserializer(
                InputKind.USAGE,
                ConfluentAvroCodec.forUrl(registry.baseUrl()),
                new InputValidation(Duration.ofHours(1).toMillis()));
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, byte[] value) {
        return new ConsumerRecord<>(InputKind.USAGE.topic(), 1, offset, null, value);
    }
}
