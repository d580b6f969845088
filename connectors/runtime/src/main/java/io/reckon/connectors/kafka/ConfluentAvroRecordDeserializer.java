package io.reckon.connectors.kafka;

import io.reckon.connectors.registry.ConfluentAvroCodec;
import io.reckon.connectors.registry.UndecodableRecordException;
import java.io.IOException;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads Confluent-framed Avro values of one record class and maps each to the stream's own type, so no
 * Avro class travels between Flink operators (they would fall back to Kryo).
 *
 * <p>Strict: an undecodable value fails the source with its reason. Jobs that must keep running send
 * such records to the dead-letter topic with their own deserializer around {@link
 * ConfluentAvroCodec#decode}; this one suits trusted topics, tools and tests.
 *
 * <pre>{@code
 * KafkaConnectors.source(conf, Topics.USAGE,
 *         new ConfluentAvroRecordDeserializer<>(codec, UsageEvent.class, Usage::fromAvro, Types.POJO(Usage.class)),
 *         false);
 * }</pre>
 */
public final class ConfluentAvroRecordDeserializer<A extends SpecificRecord, T>
        implements KafkaRecordDeserializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final ConfluentAvroCodec codec;
    private final Class<A> avroClass;
    private final SerializableFunction<A, T> fromAvro;
    private final TypeInformation<T> producedType;

    public ConfluentAvroRecordDeserializer(
            ConfluentAvroCodec codec,
            Class<A> avroClass,
            SerializableFunction<A, T> fromAvro,
            TypeInformation<T> producedType) {
        this.codec = Objects.requireNonNull(codec, "codec");
        this.avroClass = Objects.requireNonNull(avroClass, "avroClass");
        this.fromAvro = Objects.requireNonNull(fromAvro, "fromAvro");
        this.producedType = Objects.requireNonNull(producedType, "producedType");
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<T> out) throws IOException {
        try {
            out.collect(fromAvro.apply(codec.decode(record.value(), avroClass)));
        } catch (UndecodableRecordException e) {
            throw new IOException(
                    "undecodable record at " + record.topic() + "-" + record.partition() + "@" + record.offset() + ": "
                            + e.getMessage(),
                    e);
        }
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return producedType;
    }
}
