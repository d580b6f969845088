package io.reckon.connectors.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.avro.Contract;
import io.reckon.avro.UsageEvent;
import io.reckon.connectors.registry.ConfluentAvroCodec;
import io.reckon.connectors.testing.AvroFixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.avro.AvroSchema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.avro.AvroSchemaProvider;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.SchemaRegistryClient;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.SchemaRegistryClientFactory;
import org.junit.jupiter.api.Test;

/**
 * The dev stack's registry (Apicurio Registry's Confluent API) with the Confluent client that the jobs use
 * (7.5.3, shaded in flink-sql-avro-confluent-registry): register, get by id, subjects, versions, and the
 * project's codec round trip, all over HTTP.
 */
class EmbeddedSchemaRegistryTest {

    private final EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.shared();

    @Test
    void listensOnLoopbackWithTheConfluentApi() throws Exception {
        assertThat(registry.url()).matches("http://127\\.0\\.0\\.1:\\d+/apis/ccompat/v7");
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(registry.url() + "/subjects"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("[");
        assertThat(EmbeddedSchemaRegistry.shared()).as("one per JVM").isSameAs(registry);
    }

    @Test
    void theConfluentClientRegistersReadsByIdAndListsSubjectsAndVersions() throws Exception {
        SchemaRegistryClient client = SchemaRegistryClientFactory.newClient(
                List.of(registry.url()), 100, List.of(new AvroSchemaProvider()), Map.of(), Map.of());
        String subject = "registry-test-" + System.nanoTime() + "-value";
        Schema v1 = SchemaBuilder.record("Probe")
                .namespace("io.reckon.test")
                .fields()
                .requiredString("id")
                .endRecord();
        Schema v2 = SchemaBuilder.record("Probe")
                .namespace("io.reckon.test")
                .fields()
                .requiredString("id")
                .optionalLong("count")
                .endRecord();

        int id1 = client.register(subject, new AvroSchema(v1.toString()));
        assertThat(client.register(subject, new AvroSchema(v1.toString())))
                .as("registering the same schema again gives the same id")
                .isEqualTo(id1);
        int id2 = client.register(subject, new AvroSchema(v2.toString()));
        assertThat(id2).isNotEqualTo(id1);

        assertThat(new Schema.Parser().parse(client.getSchemaById(id1).canonicalString()))
                .isEqualTo(v1);
        assertThat(new Schema.Parser().parse(client.getSchemaById(id2).canonicalString()))
                .isEqualTo(v2);
        assertThat(client.getAllSubjects()).contains(subject);
        assertThat(client.getAllVersions(subject)).containsExactly(1, 2);
        assertThat(client.getLatestSchemaMetadata(subject).getId()).isEqualTo(id2);
        assertThat(client.getLatestSchemaMetadata(subject).getVersion()).isEqualTo(2);
        assertThat(client.getId(subject, new AvroSchema(v1.toString()))).isEqualTo(id1);
    }

    @Test
    void theProjectsCodecRoundTripsRecordsThroughTheRegistry() throws Exception {
        ConfluentAvroCodec writer = ConfluentAvroCodec.forUrl(registry.url());
        UsageEvent event = AvroFixtures.usageEvent("evt-registry-1");
        byte[] payload = writer.encode(ConfluentAvroCodec.valueSubject("recon.usage"), event);
        assertThat(payload[0]).as("Confluent wire format magic byte").isZero();

        // Another codec of the registry, as a job's source would hold (get by id over HTTP is shown above).
        ConfluentAvroCodec reader = ConfluentAvroCodec.forUrl(registry.url());
        assertThat(reader.decode(payload, UsageEvent.class)).isEqualTo(event);
        assertThat(reader.schemaId(ConfluentAvroCodec.valueSubject("recon.usage"), UsageEvent.getClassSchema()))
                .isEqualTo(java.nio.ByteBuffer.wrap(payload, 1, 4).getInt());
        assertThat(Contract.getClassSchema()).isNotNull();
    }

    /** The registry of a JVM is started this way: closing it (or the JVM's exit) leaves no directory behind. */
    @Test
    void closingAStartedRegistryStopsItsJvmAndRemovesItsDirectory() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("registry-close-test");
        EmbeddedSchemaRegistry own = EmbeddedSchemaRegistry.startTemporary(dir);
        int port = own.port();
        assertThat(own.logFile()).exists();
        own.close();
        assertThat(own.isRunning()).isFalse();
        assertThat(dir).doesNotExist();
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
            org.junit.jupiter.api.Assertions.fail("port " + port + " still accepts");
        } catch (java.io.IOException expected) {
            // Closed.
        }
    }
}
