package io.reckon.connectors.registry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.reckon.avro.UsageEvent;
import io.reckon.connectors.testing.AvroFixtures;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The codec against a registry spoken to over real HTTP: WireMock answers with the Confluent REST
 * API's responses, and records what the client sent.
 */
class SchemaRegistryHttpTest {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String USER_INFO = "reckon-job:" + UUID.randomUUID();
    private static final ObjectMapper JSON = new ObjectMapper();

    private WireMockServer registry;

    @BeforeEach
    void startRegistry() {
        registry = new WireMockServer(options().dynamicPort());
        registry.start();
    }

    @AfterEach
    void stopRegistry() {
        registry.stop();
    }

    private ConfluentAvroCodec codec(String url, Map<String, String> extra) {
        Configuration conf = new Configuration();
        conf.set(SchemaRegistryOptions.URL, url);
        conf.set(SchemaRegistryOptions.BASIC_AUTH_USER_INFO, USER_INFO);
        extra.forEach(conf::setString);
        return ConfluentAvroCodec.fromConfig(conf);
    }

    private ConfluentAvroCodec codec() {
        return codec(registry.baseUrl(), Map.of());
    }

    private static String basicAuth() {
        return "Basic " + Base64.getEncoder().encodeToString(USER_INFO.getBytes(StandardCharsets.UTF_8));
    }

    private static String schemaResponse(Schema schema) throws Exception {
        return JSON.writeValueAsString(Map.of("schema", schema.toString()));
    }

    private void stubSchemaById(int id, Schema schema) throws Exception {
        registry.stubFor(get(urlPathEqualTo("/schemas/ids/" + id))
                .willReturn(aResponse().withHeader("Content-Type", CONTENT_TYPE).withBody(schemaResponse(schema))));
    }

    @Test
    void encodeRegistersTheSchemaWithBasicAuthAndFramesTheReturnedId() throws Exception {
        registry.stubFor(post(urlPathEqualTo("/subjects/recon.usage-value/versions"))
                .willReturn(aResponse().withHeader("Content-Type", CONTENT_TYPE).withBody("{\"id\": 42}")));

        ConfluentAvroCodec codec = codec();
        byte[] first = codec.encode("recon.usage-value", AvroFixtures.usageEvent("ev-1"));
        byte[] second = codec.encode("recon.usage-value", AvroFixtures.usageEvent("ev-2"));

        assertThat(first[0]).isZero();
        assertThat(ByteBuffer.wrap(first, 1, 4).getInt()).isEqualTo(42);
        assertThat(ByteBuffer.wrap(second, 1, 4).getInt()).isEqualTo(42);
        registry.verify(
                1,
                postRequestedFor(urlPathEqualTo("/subjects/recon.usage-value/versions"))
                        .withHeader("Authorization", equalTo(basicAuth()))
                        .withRequestBody(equalToJson(
                                JSON.writeValueAsString(Map.of(
                                        "schema", UsageEvent.getClassSchema().toString())),
                                true,
                                true)));
    }

    @Test
    void decodeFetchesTheWriterSchemaByIdWithBasicAuthAndUsesIt() throws Exception {
        // The writer has a field the reader lacks, placed first: only a decoder that uses the fetched
        // writer schema (not the local class schema) can skip it and read the rest correctly.
        Schema current = UsageEvent.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        fields.add(new Schema.Field("producer_host", SchemaBuilder.builder().stringType(), null, "unknown"));
        for (Schema.Field f : current.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        Schema writer = Schema.createRecord(current.getName(), null, current.getNamespace(), false, fields);
        stubSchemaById(77, writer);

        GenericRecord record = new GenericData.Record(writer);
        record.put("producer_host", "metering-7");
        record.put("event_id", "ev-http");
        record.put("account_id", "acct-9");
        record.put("meter", "api_calls");
        record.put("event_time", Instant.parse("2025-06-01T12:00:00.500Z"));
        record.put("quantity", new BigDecimal("3.250000000"));
        record.put("attributes", Map.of("k", "v"));
        GenericData model = new GenericData();
        model.addLogicalTypeConversion(new Conversions.DecimalConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.writeBytes(ByteBuffer.allocate(4).putInt(77).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(writer, model).write(record, encoder);
        encoder.flush();

        ConfluentAvroCodec codec = codec();
        UsageEvent event = codec.decode(out.toByteArray(), UsageEvent.class);
        UsageEvent again = codec.decode(out.toByteArray(), UsageEvent.class);

        assertThat(event.getEventId()).isEqualTo("ev-http");
        assertThat(event.getAccountId()).isEqualTo("acct-9");
        assertThat(event.getEventTime()).isEqualTo(Instant.parse("2025-06-01T12:00:00.500Z"));
        assertThat(event.getQuantity()).isEqualTo(new BigDecimal("3.250000000"));
        assertThat(event.getAttributes()).isEqualTo(Map.of("k", "v"));
        assertThat(again).isEqualTo(event);
        registry.verify(
                1,
                getRequestedFor(urlPathEqualTo("/schemas/ids/77")).withHeader("Authorization", equalTo(basicAuth())));
    }

    @Test
    void codecsOfOneRegistryShareTheSchemasTheyFetchedOrRegistered() throws Exception {
        stubSchemaById(78, UsageEvent.getClassSchema());
        byte[] payload = ConfluentAvroCodec.forUrl("mock://shared-" + java.util.UUID.randomUUID())
                .encode("recon.usage-value", AvroFixtures.usageEvent("ev-shared"));
        byte[] framed =
                ByteBuffer.allocate(payload.length).put(payload).putInt(1, 78).array();

        assertThat(codec().decode(framed, UsageEvent.class).getEventId()).isEqualTo("ev-shared");
        assertThat(codec().decode(framed, UsageEvent.class).getEventId())
                .as("a second codec of the same registry, as another source of the job would be")
                .isEqualTo("ev-shared");
        registry.verify(1, getRequestedFor(urlPathEqualTo("/schemas/ids/78")));

        registry.stubFor(post(urlPathEqualTo("/subjects/recon.invoices-value/versions"))
                .willReturn(aResponse().withHeader("Content-Type", CONTENT_TYPE).withBody("{\"id\": 79}")));
        byte[] invoice = codec().encode("recon.invoices-value", AvroFixtures.invoiceLine());
        assertThat(codec().decode(invoice, io.reckon.avro.InvoiceLine.class)).isEqualTo(AvroFixtures.invoiceLine());
        registry.verify(0, getRequestedFor(urlPathEqualTo("/schemas/ids/79")));
    }

    /**
     * Apicurio's compatibility API answers 409 ("artifact already exists") to the second of two parallel
     * first registrations of a subject; the schema is registered, so its id is looked up.
     */
    @Test
    void aRegistrationLostToAParallelOneUsesTheRegisteredId() throws Exception {
        registry.stubFor(post(urlPathEqualTo("/subjects/recon.reported-value/versions"))
                .willReturn(aResponse()
                        .withStatus(409)
                        .withHeader("Content-Type", CONTENT_TYPE)
                        .withBody("{\"error_code\": 409, \"message\": \"An artifact with ID"
                                + " 'recon.reported-value' in group 'null' already exists.\"}")));
        registry.stubFor(post(urlPathEqualTo("/subjects/recon.reported-value"))
                .willReturn(aResponse()
                        .withHeader("Content-Type", CONTENT_TYPE)
                        .withBody("{\"subject\": \"recon.reported-value\", \"id\": 77, \"version\": 1,"
                                + " \"schema\": "
                                + JSON.writeValueAsString(
                                        UsageEvent.getClassSchema().toString())
                                + "}")));

        byte[] payload = codec().encode("recon.reported-value", AvroFixtures.usageEvent("ev-409"));

        assertThat(ByteBuffer.wrap(payload, 1, 4).getInt()).isEqualTo(77);
    }

    /** Confluent's 409 means an incompatible schema: the lookup finds nothing, and the 409 is reported. */
    @Test
    void anIncompatibleSchemaIsRefusedWithTheRegistrysReason() {
        registry.stubFor(post(urlPathEqualTo("/subjects/recon.invoices-value/versions"))
                .willReturn(aResponse()
                        .withStatus(409)
                        .withHeader("Content-Type", CONTENT_TYPE)
                        .withBody("{\"error_code\": 409, \"message\": \"Schema being registered is"
                                + " incompatible with an earlier schema\"}")));
        registry.stubFor(post(urlPathEqualTo("/subjects/recon.invoices-value"))
                .willReturn(aResponse()
                        .withStatus(404)
                        .withHeader("Content-Type", CONTENT_TYPE)
                        .withBody("{\"error_code\": 40403, \"message\": \"Schema not found\"}")));

        assertThatThrownBy(() -> codec().encode("recon.invoices-value", AvroFixtures.usageEvent("ev-x")))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("HTTP 409")
                .hasMessageContaining("incompatible");
    }

    @Test
    void encodeThenDecodeRoundTripsThroughTheHttpRegistry() throws Exception {
        registry.stubFor(post(urlPathEqualTo("/subjects/recon.contracts-value/versions"))
                .willReturn(aResponse().withHeader("Content-Type", CONTENT_TYPE).withBody("{\"id\": 5}")));
        stubSchemaById(5, io.reckon.avro.Contract.getClassSchema());

        byte[] payload = codec().encode("recon.contracts-value", AvroFixtures.contract());

        assertThat(codec().decode(payload, io.reckon.avro.Contract.class)).isEqualTo(AvroFixtures.contract());
    }

    @Test
    void schemaIdTheRegistryDoesNotKnowIsUndecodable() {
        registry.stubFor(get(urlPathEqualTo("/schemas/ids/9"))
                .willReturn(aResponse()
                        .withStatus(404)
                        .withHeader("Content-Type", CONTENT_TYPE)
                        .withBody("{\"error_code\": 40403, \"message\": \"Schema 9 not found\"}")));
        byte[] payload = {0, 0, 0, 0, 9, 2, 'x'};

        assertThatThrownBy(() -> codec().decode(payload, UsageEvent.class))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessageStartingWith("unknown schema id 9");
    }

    @Test
    void aSchemaIdTheRegistryRefusesIsUndecodableAndAskedForOnlyOnce() {
        registry.stubFor(get(urlPathEqualTo("/schemas/ids/13"))
                .willReturn(aResponse()
                        .withStatus(403)
                        .withHeader("Content-Type", CONTENT_TYPE)
                        .withBody("{\"error_code\": 40301, \"message\": \"User is denied operation Read\"}")));
        byte[] payload = {0, 0, 0, 0, 13, 2, 'x'};
        ConfluentAvroCodec codec = codec();

        for (int i = 0; i < 50; i++) {
            assertThatThrownBy(() -> codec.decode(payload, UsageEvent.class))
                    .isInstanceOf(UndecodableRecordException.class)
                    .hasMessageContaining("refused schema id 13 (HTTP 403");
        }
        // The Confluent client may retry a call itself; what matters is one call per id, not per record.
        assertThat(registry.findAll(getRequestedFor(urlPathEqualTo("/schemas/ids/13"))))
                .hasSizeLessThanOrEqualTo(2);
    }

    @Test
    void anUnknownSchemaIdIsAskedForOnlyOnce() {
        registry.stubFor(get(urlPathEqualTo("/schemas/ids/14"))
                .willReturn(aResponse()
                        .withStatus(404)
                        .withHeader("Content-Type", CONTENT_TYPE)
                        .withBody("{\"error_code\": 40403, \"message\": \"Schema 14 not found\"}")));
        byte[] payload = {0, 0, 0, 0, 14, 2, 'x'};
        ConfluentAvroCodec codec = codec();

        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(() -> codec.decode(payload, UsageEvent.class))
                    .isInstanceOf(UndecodableRecordException.class)
                    .hasMessageStartingWith("unknown schema id 14");
        }
        assertThat(registry.findAll(getRequestedFor(urlPathEqualTo("/schemas/ids/14"))))
                .hasSizeLessThanOrEqualTo(2);
    }

    @Test
    void rateLimitingIsARegistryErrorNotABadRecord() {
        registry.stubFor(get(urlPathEqualTo("/schemas/ids/15"))
                .willReturn(aResponse()
                        .withStatus(429)
                        .withHeader("Content-Type", CONTENT_TYPE)
                        .withBody("{\"error_code\": 429, \"message\": \"Too many requests\"}")));
        byte[] payload = {0, 0, 0, 0, 15, 2, 'x'};

        assertThatThrownBy(() -> codec().decode(payload, UsageEvent.class))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("HTTP 429");
    }

    @Test
    void registryOutageIsNotMistakenForABadRecord() {
        registry.stubFor(get(urlPathEqualTo("/schemas/ids/10"))
                .willReturn(aResponse()
                        .withStatus(503)
                        .withHeader("Content-Type", CONTENT_TYPE)
                        .withBody("{\"error_code\": 50302, \"message\": \"leader not available\"}")));
        byte[] payload = {0, 0, 0, 0, 10, 2, 'x'};

        assertThatThrownBy(() -> codec().decode(payload, UsageEvent.class))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("schema id 10")
                .hasMessageContaining("HTTP 503");
    }

    @Test
    void rejectedCredentialsAreARegistryErrorNotABadRecord() {
        registry.stubFor(get(urlPathEqualTo("/schemas/ids/11"))
                .willReturn(aResponse()
                        .withStatus(401)
                        .withHeader("Content-Type", CONTENT_TYPE)
                        .withBody("{\"error_code\": 401, \"message\": \"Unauthorized\"}")));
        byte[] payload = {0, 0, 0, 0, 11, 2, 'x'};

        assertThatThrownBy(() -> codec().decode(payload, UsageEvent.class))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("HTTP 401")
                .hasMessageNotContaining(USER_INFO);
    }

    @Test
    void unreachableRegistryIsARegistryError() {
        int port = registry.port();
        registry.stop();
        ConfluentAvroCodec codec = codec("http://localhost:" + port, Map.of());

        assertThatThrownBy(() -> codec.decode(new byte[] {0, 0, 0, 0, 12, 2, 'x'}, UsageEvent.class))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("unreachable while fetching schema id 12");
    }

    @Test
    void truststoreFromPassThroughPropertiesIsUsedForHttps(@TempDir Path dir) throws Exception {
        String password = UUID.randomUUID().toString();
        Path keystore = dir.resolve("registry.p12");
        keytool(
                "-genkeypair",
                "-alias",
                "registry",
                "-keyalg",
                "EC",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                password,
                "-keypass",
                password);
        // Java trust managers also trust the certificate of a key entry, so the registry's own keystore
        // doubles as the client's truststore (one keytool run instead of three).
        Path truststore = keystore;

        WireMockServer https = new WireMockServer(options()
                .httpDisabled(true)
                .dynamicHttpsPort()
                .keystorePath(keystore.toString())
                .keystoreType("PKCS12")
                .keystorePassword(password)
                .keyManagerPassword(password));
        https.start();
        try {
            https.stubFor(get(urlPathEqualTo("/schemas/ids/3"))
                    .willReturn(aResponse()
                            .withHeader("Content-Type", CONTENT_TYPE)
                            .withBody(schemaResponse(UsageEvent.getClassSchema()))));
            byte[] payload = ConfluentAvroCodec.forUrl("mock://tls-" + UUID.randomUUID())
                    .encode("recon.usage-value", AvroFixtures.usageEvent("ev-tls"));
            ByteBuffer.wrap(payload, 1, 4).putInt(3);
            String url = "https://localhost:" + https.httpsPort();

            ConfluentAvroCodec untrusting = codec(url, Map.of());
            assertThatThrownBy(() -> untrusting.decode(payload, UsageEvent.class))
                    .as("without the truststore the self-signed certificate is refused")
                    .isInstanceOf(SchemaRegistryException.class);

            ConfluentAvroCodec trusting = codec(
                    url,
                    Map.of(
                            "schema-registry.properties.ssl.truststore.location",
                            truststore.toString(),
                            "schema-registry.properties.ssl.truststore.password",
                            password,
                            "schema-registry.properties.ssl.truststore.type",
                            "PKCS12"));
            assertThat(trusting.decode(payload, UsageEvent.class)).isEqualTo(AvroFixtures.usageEvent("ev-tls"));
            https.verify(
                    1,
                    getRequestedFor(urlPathEqualTo("/schemas/ids/3"))
                            .withHeader("Authorization", equalTo(basicAuth())));
        } finally {
            https.stop();
        }
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Path log = Files.createTempFile("keytool", ".log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(Files.readString(log)).isZero();
    }
}
