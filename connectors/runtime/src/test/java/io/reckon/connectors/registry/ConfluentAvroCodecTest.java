package io.reckon.connectors.registry;

import static io.reckon.connectors.testing.AvroFixtures.dec9;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reckon.avro.Action;
import io.reckon.avro.Anomaly;
import io.reckon.avro.Contract;
import io.reckon.avro.DeadLetter;
import io.reckon.avro.InvoiceLine;
import io.reckon.avro.ReportedUsage;
import io.reckon.avro.UsageEvent;
import io.reckon.connectors.testing.AvroFixtures;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfluentAvroCodecTest {

    private final String url = "mock://codec-" + UUID.randomUUID();
    private final ConfluentAvroCodec codec = ConfluentAvroCodec.forUrl(url);

    static Stream<Arguments> everyRecordType() {
        return Stream.of(
                Arguments.of("recon.usage", AvroFixtures.usageEvent("ev-1")),
                Arguments.of("recon.reported", AvroFixtures.reportedUsage()),
                Arguments.of("recon.invoices", AvroFixtures.invoiceLine()),
                Arguments.of("recon.contracts", AvroFixtures.contract()),
                Arguments.of("recon.anomalies", AvroFixtures.anomaly()),
                Arguments.of("recon.dlq", AvroFixtures.deadLetter()),
                Arguments.of("recon.actions", AvroFixtures.action("act-1")));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("everyRecordType")
    void roundTripGivesBackAnEqualRecordOfEveryType(String topic, SpecificRecord record) throws Exception {
        byte[] payload = codec.encode(ConfluentAvroCodec.valueSubject(topic), record);

        SpecificRecord back = codec.decode(payload, record.getClass());

        assertThat(back).isInstanceOf(record.getClass()).isEqualTo(record);
        assertThat(back.toString()).isEqualTo(record.toString());
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("everyRecordType")
    void recordsWithoutArraysAreReadWithAvrosFastReaderAndContractsWithListArrays(String topic, SpecificRecord record)
            throws Exception {
        byte[] payload = codec.encode(ConfluentAvroCodec.valueSubject(topic), record);
        int schemaId = ByteBuffer.wrap(payload, 1, 4).getInt();

        var model = codec.readerModel(schemaId, record.getClass());

        boolean holdsArray = SchemaPairs.holdsArray(record.getSchema(), new HashSet<>());
        // Of the contracts in avro/, only Contract has arrays (meters, tiers).
        assertThat(holdsArray).isEqualTo(record instanceof Contract);
        // The fast reader runs only for exactly SpecificData (FastReaderBuilder.isSupportedData).
        assertThat(model.isFastReaderEnabled()).isEqualTo(!holdsArray);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("everyRecordType")
    void payloadStartsWithMagicByteAndTheRegisteredSchemaId(String topic, SpecificRecord record) {
        String subject = ConfluentAvroCodec.valueSubject(topic);
        byte[] payload = codec.encode(subject, record);

        assertThat(payload[0]).isZero();
        assertThat(ByteBuffer.wrap(payload, 1, 4).getInt()).isEqualTo(codec.schemaId(subject, record.getSchema()));
    }

    @Test
    void decimalsTimestampsAndNullsKeepTheirExactValues() throws Exception {
        Contract contract = AvroFixtures.contract();
        Contract back = codec.decode(codec.encode("recon.contracts-value", contract), Contract.class);

        assertThat(back.getEffectiveFrom()).isEqualTo(Instant.parse("2025-03-01T00:00:00Z"));
        assertThat(back.getRenewal().getEscalatorPct()).isEqualTo(new BigDecimal("7.500000000"));
        assertThat(back.getMeters().get(0).getPricing().getTiers().get(0).getUnitAmountDecimal())
                .isEqualTo(new BigDecimal("0.001234567891"));
        assertThat(back.getMeters().get(0).getPricing().getTiers().get(1).getUpTo())
                .isNull();
        assertThat(back.getMeters().get(1).getAggregation()).isNull();
        assertThat(back.getCrmAccountId()).isNull();

        UsageEvent event = AvroFixtures.usageEvent("ev-1");
        UsageEvent eventBack = codec.decode(codec.encode("recon.usage-value", event), UsageEvent.class);
        assertThat(eventBack.getQuantity()).isEqualTo(new BigDecimal("12345678901234567890.123456789"));
        assertThat(eventBack.getEventTime()).isEqualTo(Instant.parse("2025-03-14T09:26:53.589Z"));
        assertThat(eventBack.getAttributes()).containsEntry("sku", "päckage-ß");

        Anomaly anomaly = codec.decode(codec.encode("recon.anomalies-value", AvroFixtures.anomaly()), Anomaly.class);
        assertThat(anomaly.getBilledAmountMinor()).isNull();
    }

    @Test
    void decimalWithFewerFractionDigitsIsWidenedToTheSchemaScale() throws Exception {
        UsageEvent event = AvroFixtures.usageEvent("ev-2");
        event.setQuantity(new BigDecimal("12.5"));

        UsageEvent back = codec.decode(codec.encode("recon.usage-value", event), UsageEvent.class);

        assertThat(back.getQuantity()).isEqualTo(new BigDecimal("12.500000000"));
    }

    @Test
    void decimalWithMoreFractionDigitsThanTheSchemaIsRefusedNotRounded() {
        UsageEvent event = AvroFixtures.usageEvent("ev-3");
        event.setQuantity(new BigDecimal("1.0000000001"));

        assertThatThrownBy(() -> codec.encode("recon.usage-value", event))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("io.reckon.avro.UsageEvent")
                .hasMessageContaining("scale");
    }

    @Test
    void nullInARequiredFieldIsRefusedWhenEncoding() {
        UsageEvent event = AvroFixtures.usageEvent("ev-4");
        event.setAccountId(null);

        assertThatThrownBy(() -> codec.encode("recon.usage-value", event))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot encode a io.reckon.avro.UsageEvent record");
    }

    @Test
    void sameSchemaUnderOneSubjectGetsOneIdAndOtherSchemasOtherIds() {
        int first = codec.schemaId("recon.usage-value", UsageEvent.getClassSchema());
        int again = ConfluentAvroCodec.forUrl(url).schemaId("recon.usage-value", UsageEvent.getClassSchema());
        int other = codec.schemaId("recon.actions-value", Action.getClassSchema());

        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void withoutAutoRegisterAnUnregisteredSchemaIsAnErrorNamingSubjectAndOption() {
        Configuration conf = new Configuration();
        conf.set(SchemaRegistryOptions.URL, url);
        conf.set(SchemaRegistryOptions.AUTO_REGISTER, false);
        ConfluentAvroCodec lookupOnly = ConfluentAvroCodec.fromConfig(conf);

        assertThatThrownBy(() -> lookupOnly.encode("recon.dlq-value", AvroFixtures.deadLetter()))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("not registered under subject recon.dlq-value")
                .hasMessageContaining("schema-registry.auto-register");
    }

    @Test
    void withoutAutoRegisterAnAlreadyRegisteredSchemaIsLookedUp() throws Exception {
        byte[] registered = codec.encode("recon.reported-value", AvroFixtures.reportedUsage());
        Configuration conf = new Configuration();
        conf.set(SchemaRegistryOptions.URL, url);
        conf.set(SchemaRegistryOptions.AUTO_REGISTER, false);

        byte[] lookedUp =
                ConfluentAvroCodec.fromConfig(conf).encode("recon.reported-value", AvroFixtures.reportedUsage());

        assertThat(lookedUp).isEqualTo(registered);
    }

    @Test
    void codecSurvivesJavaSerializationAsAFlinkFunctionFieldWould() throws Exception {
        byte[] payload = codec.encode("recon.actions-value", AvroFixtures.action("act-9"));

        ConfluentAvroCodec copy = InstantiationUtil.clone(codec);

        assertThat(copy.decode(payload, Action.class)).isEqualTo(AvroFixtures.action("act-9"));
        assertThat(copy.encode("recon.actions-value", AvroFixtures.action("act-9")))
                .isEqualTo(payload);
    }

    @Test
    void fromConfigWithoutUrlNamesTheMissingOption() {
        assertThatThrownBy(() -> ConfluentAvroCodec.fromConfig(new Configuration()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("schema-registry.url is not set");
    }

    @Test
    void toStringDoesNotRevealCredentials() {
        Configuration conf = new Configuration();
        conf.set(SchemaRegistryOptions.URL, url);
        conf.set(SchemaRegistryOptions.BASIC_AUTH_USER_INFO, "user:topsecret");

        assertThat(ConfluentAvroCodec.fromConfig(conf).toString()).doesNotContain("topsecret");
    }

    @Test
    void valueSubjectFollowsTopicNameStrategy() {
        assertThat(ConfluentAvroCodec.valueSubject("recon.usage")).isEqualTo("recon.usage-value");
    }

    @Test
    void decodedRecordsOfDifferentTypesFromOneCodecDoNotMix() throws Exception {
        byte[] usage = codec.encode("recon.usage-value", AvroFixtures.usageEvent("ev-5"));
        byte[] line = codec.encode("recon.invoices-value", AvroFixtures.invoiceLine());

        assertThat(codec.decode(usage, UsageEvent.class).getEventId()).isEqualTo("ev-5");
        assertThat(codec.decode(line, InvoiceLine.class).getQuantity()).isEqualTo(dec9("-3.5"));
        assertThat(codec.decode(usage, UsageEvent.class).getAttributes())
                .isEqualTo(Map.of("region", "eu-west-1", "sku", "päckage-ß"));
        assertThat(codec.decode(codec.encode("recon.dlq-value", AvroFixtures.deadLetter()), DeadLetter.class)
                        .getRaw())
                .isEqualTo(ByteBuffer.wrap(new byte[] {0x01, 0x00, (byte) 0xff, 0x7f}));
        assertThat(codec.decode(codec.encode("recon.reported-value", AvroFixtures.reportedUsage()), ReportedUsage.class)
                        .getQuantity())
                .isEqualTo(new BigDecimal("0.000000001"));
    }
}
