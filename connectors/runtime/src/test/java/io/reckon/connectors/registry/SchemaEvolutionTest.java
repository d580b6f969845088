package io.reckon.connectors.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reckon.avro.UsageEvent;
import io.reckon.connectors.testing.AvroFixtures;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/**
 * Records written by producers with another version of the UsageEvent schema, registered like any
 * producer would, are read into the current generated class.
 */
class SchemaEvolutionTest {

    private static final String SUBJECT = "recon.usage-value";

    private final ConfluentAvroCodec codec = ConfluentAvroCodec.forUrl("mock://evolution-" + UUID.randomUUID());

    /** A model that writes BigDecimal and Instant values of generic records through their logical types. */
    private static GenericData modelWithLogicalTypes() {
        GenericData model = new GenericData();
        model.addLogicalTypeConversion(new Conversions.DecimalConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        return model;
    }

    /** UsageEvent's schema with fields removed and fields added, as another producer version has it. */
    private static Schema variant(Predicate<Schema.Field> keep, List<Schema.Field> added) {
        Schema current = UsageEvent.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : current.getFields()) {
            if (keep.test(f)) {
                fields.add(new Schema.Field(f, f.schema()));
            }
        }
        fields.addAll(added);
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }

    /** Writes a generic record in the Confluent wire format with the plain Avro library. */
    private byte[] writeWithGenericWriter(Schema writer, GenericRecord record) throws Exception {
        int id = codec.schemaId(SUBJECT, writer);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(writer, modelWithLogicalTypes()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    @Test
    void newerWriterWithAnAddedOptionalFieldIsReadIntoTheCurrentClass() throws Exception {
        Schema newer = variant(
                f -> true,
                List.of(new Schema.Field(
                        "region",
                        SchemaBuilder.unionOf().nullType().and().stringType().endUnion(),
                        "Where the usage happened.",
                        Schema.Field.NULL_DEFAULT_VALUE)));
        GenericRecord record = new GenericData.Record(newer);
        record.put("event_id", "ev-new");
        record.put("account_id", "acct-7");
        record.put("meter", "api_calls");
        record.put("event_time", Instant.parse("2025-05-01T10:00:00.123Z"));
        record.put("quantity", new BigDecimal("42.000000001"));
        record.put("attributes", Map.of("sku", "pro"));
        record.put("region", "eu-central-1");

        byte[] payload = writeWithGenericWriter(newer, record);
        UsageEvent event = codec.decode(payload, UsageEvent.class);

        assertThat(ByteBuffer.wrap(payload, 1, 4).getInt())
                .as("the newer schema got its own id")
                .isNotEqualTo(codec.schemaId(SUBJECT, UsageEvent.getClassSchema()));
        assertThat(event.getEventId()).isEqualTo("ev-new");
        assertThat(event.getAccountId()).isEqualTo("acct-7");
        assertThat(event.getEventTime()).isEqualTo(Instant.parse("2025-05-01T10:00:00.123Z"));
        assertThat(event.getQuantity()).isEqualTo(new BigDecimal("42.000000001"));
        assertThat(event.getAttributes()).isEqualTo(Map.of("sku", "pro"));
    }

    @Test
    void newerWriterWithAnAddedFieldBeforeOthersIsStillMatchedByName() throws Exception {
        // Fields resolve by name, not position: an extra long in the middle must be skipped, not read
        // as the following fields.
        Schema current = UsageEvent.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : current.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
            if (f.name().equals("account_id")) {
                fields.add(new Schema.Field("sequence", Schema.create(Schema.Type.LONG), null, 0L));
            }
        }
        Schema newer = Schema.createRecord(current.getName(), null, current.getNamespace(), false, fields);
        GenericRecord record = new GenericData.Record(newer);
        UsageEvent expected = AvroFixtures.usageEvent("ev-mid");
        for (Schema.Field f : current.getFields()) {
            record.put(f.name(), expected.get(f.name()));
        }
        record.put("sequence", 123_456_789L);

        assertThat(codec.decode(writeWithGenericWriter(newer, record), UsageEvent.class))
                .isEqualTo(expected);
    }

    @Test
    void olderWriterWithoutAttributesIsReadWithTheDefault() throws Exception {
        Schema older = variant(f -> !f.name().equals("attributes"), List.of());
        GenericRecord record = new GenericData.Record(older);
        record.put("event_id", "ev-old");
        record.put("account_id", "acct-7");
        record.put("meter", "api_calls");
        record.put("event_time", Instant.parse("2025-05-01T10:00:00Z"));
        record.put("quantity", new BigDecimal("1.5"));

        UsageEvent event = codec.decode(writeWithGenericWriter(older, record), UsageEvent.class);

        assertThat(event.getEventId()).isEqualTo("ev-old");
        assertThat(event.getQuantity()).isEqualTo(new BigDecimal("1.500000000"));
        assertThat(event.getAttributes()).isEmpty();
    }

    @Test
    void writerWithoutARequiredFieldIsIncompatible() throws Exception {
        Schema noQuantity = variant(f -> !f.name().equals("quantity"), List.of());
        GenericRecord record = new GenericData.Record(noQuantity);
        record.put("event_id", "ev-x");
        record.put("account_id", "acct-7");
        record.put("meter", "api_calls");
        record.put("event_time", Instant.parse("2025-05-01T10:00:00Z"));
        record.put("attributes", Map.of());
        // The mock registry checks backward compatibility per subject; use a subject of its own.
        int id = codec.schemaId("legacy-usage-value", noQuantity);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(noQuantity, modelWithLogicalTypes()).write(record, encoder);
        encoder.flush();

        assertThatThrownBy(() -> codec.decode(out.toByteArray(), UsageEvent.class))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessageStartingWith("writer schema id " + id + " (io.reckon.avro.UsageEvent) is incompatible"
                        + " with io.reckon.avro.UsageEvent: READER_FIELD_MISSING_DEFAULT")
                .hasMessageContaining("quantity");
    }

    @Test
    void encodeGenericWritesARecordOfAnotherSchemaVersion() throws Exception {
        Schema older = variant(f -> !f.name().equals("attributes"), List.of());
        GenericRecord record = new GenericData.Record(older);
        record.put("event_id", "ev-g");
        record.put("account_id", "acct-7");
        record.put("meter", "api_calls");
        record.put("event_time", Instant.parse("2025-05-01T10:00:00Z"));
        record.put("quantity", new BigDecimal("2"));

        UsageEvent event = codec.decode(codec.encodeGeneric(SUBJECT, record), UsageEvent.class);

        assertThat(event.getEventId()).isEqualTo("ev-g");
        assertThat(event.getQuantity()).isEqualTo(new BigDecimal("2.000000000"));
    }
}
