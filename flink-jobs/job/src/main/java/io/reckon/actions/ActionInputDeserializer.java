package io.reckon.actions;

import io.reckon.avro.Anomaly;
import io.reckon.avro.Approval;
import io.reckon.connectors.registry.ConfluentAvroCodec;
import io.reckon.connectors.registry.SchemaRegistryException;
import io.reckon.jobs.records.DeadLetterRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes {@code recon.anomalies} or {@code recon.approvals}. A record that cannot be used (undecodable,
 * an unknown decision, no approver) becomes a dead letter with its raw bytes and the reason; only an
 * unreachable Schema Registry fails the job, which then restarts from its checkpoint.
 */
public final class ActionInputDeserializer implements KafkaRecordDeserializationSchema<ActionInput> {

    /** Which topic this reads. */
    public enum Kind {
        ANOMALIES,
        APPROVALS
    }

    private final Kind kind;
    private final ConfluentAvroCodec codec;

    public ActionInputDeserializer(Kind kind, ConfluentAvroCodec codec) {
        this.kind = kind;
        this.codec = codec;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ActionInput> out) {
        byte[] raw = record.value() == null ? new byte[0] : record.value();
        try {
            if (kind == Kind.ANOMALIES) {
                out.collect(ActionInput.of(ActionRecords.fromAvro(codec.decode(raw, Anomaly.class))));
            } else {
                ApprovalRecord a = ActionRecords.fromAvro(codec.decode(raw, Approval.class));
                a.topic = record.topic();
                a.partition = record.partition();
                a.offset = record.offset();
                a.raw = raw;
                out.collect(ActionInput.of(a));
            }
        } catch (SchemaRegistryException e) {
            throw e;
        } catch (Exception e) {
            out.collect(ActionInput.of(DeadLetterRecord.of(
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    raw,
                    e.getMessage() == null ? e.toString() : e.getMessage(),
                    System.currentTimeMillis())));
        }
    }

    @Override
    public TypeInformation<ActionInput> getProducedType() {
        return TypeInformation.of(ActionInput.class);
    }
}
