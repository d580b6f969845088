package io.reckon.connectors.kafka;

import io.reckon.connectors.registry.ConfluentAvroCodec;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes elements to one topic: the value is the element turned into its Avro record and encoded in
 * the Confluent wire format under subject {@code <topic>-value}; the key is the UTF-8 of a string
 * taken from the element (null for no key). The record timestamp is left to the producer (the wall
 * clock when it is written): an output's event time may be months old in a replay or after late data,
 * and the broker's time-based retention and compaction lag must count from when it was written.
 *
 * <pre>{@code
 * new ConfluentAvroRecordSerializer<Anomaly>(Topics.ANOMALIES, codec, Anomaly::getAnomalyId, a -> a);
 * }</pre>
 */
public final class ConfluentAvroRecordSerializer<T> implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final String subject;
    private final ConfluentAvroCodec codec;
    private final SerializableFunction<T, String> keyOf;
    private final SerializableFunction<T, ? extends SpecificRecord> toAvro;

    public ConfluentAvroRecordSerializer(
            String topic,
            ConfluentAvroCodec codec,
            SerializableFunction<T, String> keyOf,
            SerializableFunction<T, ? extends SpecificRecord> toAvro) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.subject = ConfluentAvroCodec.valueSubject(topic);
        this.codec = Objects.requireNonNull(codec, "codec");
        this.keyOf = Objects.requireNonNull(keyOf, "keyOf");
        this.toAvro = Objects.requireNonNull(toAvro, "toAvro");
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        String key = keyOf.apply(element);
        byte[] value = codec.encode(subject, toAvro.apply(element));
        return new ProducerRecord<>(
                topic, null, null, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
    }
}
