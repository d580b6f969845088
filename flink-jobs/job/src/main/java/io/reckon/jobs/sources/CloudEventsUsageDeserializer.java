package io.reckon.jobs.sources;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.cloudevents.jackson.JsonCloudEventData;
import io.cloudevents.jackson.JsonFormat;
import io.reckon.avro.UsageEvent;
import io.reckon.jobs.records.ContractAvro;
import io.reckon.jobs.records.DeadLetterRecord;
import io.reckon.jobs.records.Ingested;
import io.reckon.jobs.records.InputLimits;
import io.reckon.jobs.records.InvalidRecordException;
import io.reckon.jobs.records.JsonFields;
import io.reckon.jobs.records.MeterEvent;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes usage sent as CloudEvents JSON in structured mode (OpenMeter's event shape) and turns it
 * into the same validated usage event the Avro input yields, so both share one keyed pipeline and
 * one deduplication by event id.
 *
 * <p>Mapping: {@code subject} is the account, {@code id} the event id, {@code time} (required) the
 * event time; {@code type} selects the meter and the path of the value in {@code data} through
 * {@link CloudEventsMapping}. The value is an exact decimal, a JSON string or number; numbers are
 * read as {@link BigDecimal}, never through a double. Like {@link IngestDeserializer}, every failure
 * is a dead letter with raw bytes, topic, partition, offset and reason; nothing throws.
 *
 * <pre>{@code
 * KafkaConnectors.source(conf, Topics.USAGE_CLOUDEVENTS,
 *         new CloudEventsUsageDeserializer(CloudEventsOptions.mapping(conf), validation), bounded);
 * }</pre>
 */
public final class CloudEventsUsageDeserializer implements KafkaRecordDeserializationSchema<Ingested> {

    /** How the reason of a record that failed in a way no check foresaw begins. */
    static final String UNFORESEEN = "cannot decode CloudEvent: ";

    private static final long serialVersionUID = 1L;

    /** The same bound as the Avro usage schema: decimal(38, 9). */
    private static final int QUANTITY_SCALE = 9;

    private final CloudEventsMapping mapping;
    private final InputValidation validation;
    private transient ObjectMapper mapper;

    public CloudEventsUsageDeserializer(CloudEventsMapping mapping, InputValidation validation) {
        this.mapping = mapping;
        this.validation = validation;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Ingested> out) {
        long now = System.currentTimeMillis();
        try {
            out.collect(InputKind.USAGE_CLOUDEVENTS.stamp(
                    Ingested.of(decode(record.value(), now)), record.partition(), record.offset()));
        } catch (InvalidRecordException e) {
            out.collect(deadLetter(record, e.getMessage(), now));
        } catch (RuntimeException e) {
            // Anything unexpected in decoding is still this record's problem, not the job's.
            out.collect(deadLetter(record, UNFORESEEN + e, now));
        }
    }

    /** Decodes one structured-mode CloudEvent into a validated usage event. */
    MeterEvent decode(byte[] value, long now) throws InvalidRecordException {
        if (value == null || value.length == 0) {
            throw new InvalidRecordException("empty record: no CloudEvent");
        }
        CloudEvent event;
        try {
            event = mapper().readValue(value, CloudEvent.class);
        } catch (IOException | NumberFormatException e) {
            // A number whose exponent no BigDecimal holds (1e9999999999) fails as it is read, with
            // Jackson's NumberFormatException rather than a JsonProcessingException.
            throw new InvalidRecordException("invalid CloudEvent JSON: " + firstLine(e.getMessage()));
        }
        if (event == null) {
            throw new InvalidRecordException("invalid CloudEvent JSON: null");
        }
        CloudEventsMapping.Meter meter = mapping.meterOf(event.getType())
                .orElseThrow(() -> new InvalidRecordException("CloudEvent type '" + JsonFields.shown(event.getType())
                        + "' is not mapped in " + CloudEventsOptions.METERS.key()));
        if (event.getSubject() == null || event.getSubject().isBlank()) {
            throw new InvalidRecordException("CloudEvent subject (account_id) is missing");
        }
        if (event.getTime() == null) {
            throw new InvalidRecordException("CloudEvent time (event_time) is missing");
        }
        BigDecimal quantity = quantity(data(event), meter);
        UsageEvent usage = UsageEvent.newBuilder()
                .setEventId(eventId(event))
                .setAccountId(event.getSubject())
                .setMeter(meter.meter())
                .setEventTime(event.getTime().toInstant())
                .setQuantity(quantity)
                .setAttributes(Map.of())
                .build();
        // The Avro input's rules (ids, control characters, future skew) apply unchanged.
        return validation.usage(usage, now);
    }

    /**
     * The usage event_id of a CloudEvent: {@code <source> <id>}. The CloudEvents specification makes
     * (source, id) unique per distinct event, not id alone: two producers may both number their events
     * from 1. The source is a parsed URI, which never holds a space, so the space separates the two
     * unambiguously and distinct pairs never share an event_id.
     */
    static String eventId(CloudEvent event) {
        return event.getSource() + " " + event.getId();
    }

    private JsonNode data(CloudEvent event) throws InvalidRecordException {
        CloudEventData data = event.getData();
        if (data == null) {
            throw new InvalidRecordException("CloudEvent data is missing");
        }
        if (data instanceof JsonCloudEventData json) {
            return json.getNode();
        }
        // data_base64 or a non-JSON content type: the bytes may still hold a JSON document.
        try {
            return mapper().readTree(data.toBytes());
        } catch (IOException | NumberFormatException e) {
            throw new InvalidRecordException("CloudEvent data is not JSON: " + firstLine(e.getMessage()));
        }
    }

    private static BigDecimal quantity(JsonNode data, CloudEventsMapping.Meter meter) throws InvalidRecordException {
        JsonNode node = data.at(meter.pointer());
        String where = "value at " + meter.path();
        if (node.isMissingNode() || node.isNull()) {
            throw new InvalidRecordException("CloudEvent data has no " + where);
        }
        BigDecimal q;
        if (node.isNumber()) {
            q = node.decimalValue();
        } else if (node.isTextual()) {
            q = InputLimits.decimalText(where, node.textValue());
        } else {
            throw new InvalidRecordException(where + " is " + node.getNodeType() + ", not a decimal number");
        }
        // Bounded on precision and scale before any arithmetic or any writing out of the value.
        q = InputLimits.decimal(where, q);
        if (q.signum() < 0) {
            throw new InvalidRecordException(where + " is negative: " + q.toPlainString());
        }
        return ContractAvro.scaled(q, QUANTITY_SCALE, where);
    }

    private ObjectMapper mapper() {
        if (mapper == null) {
            // Exact decimals end to end: floats become BigDecimal, and the tree keeps them unnormalized.
            // A field named twice is refused, as in JsonFields.MAPPER.
            mapper = JsonMapper.builder(com.fasterxml.jackson.core.JsonFactory.builder()
                            .streamReadConstraints(JsonFields.LIMITS)
                            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                            .build())
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
                    .addModule(JsonFormat.getCloudEventJacksonModule())
                    .build();
        }
        return mapper;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static Ingested deadLetter(ConsumerRecord<byte[], byte[]> r, String reason, long now) {
        byte[] raw = r.value() == null ? new byte[0] : r.value();
        return Ingested.of(DeadLetterRecord.of(r.topic(), r.partition(), r.offset(), raw, reason, now));
    }

    @Override
    public TypeInformation<Ingested> getProducedType() {
        return TypeInformation.of(Ingested.class);
    }
}
