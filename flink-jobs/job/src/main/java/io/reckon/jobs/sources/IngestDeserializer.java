package io.reckon.jobs.sources;

import io.reckon.avro.Contract;
import io.reckon.avro.InvoiceLine;
import io.reckon.avro.ReportedUsage;
import io.reckon.avro.UsageEvent;
import io.reckon.connectors.registry.ConfluentAvroCodec;
import io.reckon.connectors.registry.SchemaRegistryException;
import io.reckon.connectors.registry.UndecodableRecordException;
import io.reckon.jobs.records.DeadLetterRecord;
import io.reckon.jobs.records.Ingested;
import io.reckon.jobs.records.InvalidRecordException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes one input topic (Confluent wire format, Avro) and validates each record. Every failure
 * becomes a dead letter with the raw bytes, topic, partition, offset and reason: a bad record never
 * throws out of the source, so it can neither stop the job nor be skipped unseen. The one exception is
 * an unavailable Schema Registry: that fails the job, which restarts from its last checkpoint.
 */
public final class IngestDeserializer implements KafkaRecordDeserializationSchema<Ingested> {

    /** How the reason of a record that failed in a way no check foresaw begins. */
    static final String UNFORESEEN = "cannot decode: ";

    private final InputKind kind;
    private final ConfluentAvroCodec codec;
    private final InputValidation validation;

    public IngestDeserializer(InputKind kind, ConfluentAvroCodec codec, InputValidation validation) {
        if (kind == InputKind.USAGE_CLOUDEVENTS) {
            throw new IllegalArgumentException("CloudEvents usage is JSON, decoded by CloudEventsUsageDeserializer");
        }
        this.kind = kind;
        this.codec = codec;
        this.validation = validation;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Ingested> out) {
        long now = System.currentTimeMillis();
        try {
            out.collect(kind.stamp(decode(record.value(), now), record.partition(), record.offset()));
        } catch (UndecodableRecordException | InvalidRecordException e) {
            out.collect(deadLetter(record, e.getMessage(), now));
        } catch (SchemaRegistryException e) {
            // The registry is unreachable or refuses us: the record is fine, the environment is not.
            // Failing lets Flink restart from the last checkpoint instead of dead-lettering good data.
            throw e;
        } catch (RuntimeException e) {
            // Anything unexpected in decoding is still this record's problem, not the job's.
            out.collect(deadLetter(record, UNFORESEEN + e, now));
        }
    }

    private Ingested decode(byte[] value, long now) throws UndecodableRecordException, InvalidRecordException {
        return switch (kind) {
            case USAGE -> Ingested.of(validation.usage(codec.decode(value, UsageEvent.class), now));
            case REPORTED -> Ingested.of(validation.reported(codec.decode(value, ReportedUsage.class), now));
            case INVOICES -> Ingested.of(validation.invoiceLine(codec.decode(value, InvoiceLine.class), now));
            case CONTRACTS -> Ingested.of(validation.contract(codec.decode(value, Contract.class), now));
            case USAGE_CLOUDEVENTS -> throw new IllegalStateException("not an Avro input: " + kind);
        };
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
