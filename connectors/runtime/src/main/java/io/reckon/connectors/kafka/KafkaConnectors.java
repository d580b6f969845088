package io.reckon.connectors.kafka;

import java.util.Objects;
import java.util.Properties;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;

/**
 * Kafka sources and sinks built from {@link KafkaOptions}.
 *
 * <pre>{@code
 * KafkaSource<Input> usage = KafkaConnectors.source(conf, Topics.USAGE, usageDeserializer, false);
 * KafkaSink<Anomaly> anomalies = KafkaConnectors.exactlyOnceSink(conf,
 *         new ConfluentAvroRecordSerializer<>(Topics.ANOMALIES, codec, a -> a.getAnomalyId(), a -> a),
 *         "anomalies");
 * env.fromSource(usage, watermarks, "usage").uid("usage-source");
 * stream.sinkTo(anomalies).name("anomalies").uid("anomalies-sink");
 * }</pre>
 */
public final class KafkaConnectors {

    private KafkaConnectors() {}

    /**
     * A source of one topic. Consumers read with {@code isolation.level=read_committed} (overridable
     * through {@code kafka.properties.isolation.level}) so that records of aborted transactions of
     * exactly-once producers never enter the reconciliation.
     *
     * @param bounded true to stop at the latest offsets found when the job starts (replay); false to
     *     read for ever
     */
    public static <T> KafkaSource<T> source(
            ReadableConfig conf, String topic, KafkaRecordDeserializationSchema<T> schema, boolean bounded) {
        return source(conf, topic, schema, bounded, KafkaOptions.startingOffsets(conf));
    }

    /**
     * A source of a compacted topic that holds a table ({@code recon.contracts}: the latest record per
     * key is the current row). A table is read whole: where {@link KafkaOptions#STARTING_OFFSETS} says
     * {@code latest} (a live job that should skip old events), this source starts at the earliest offset
     * instead, or the job would know no row written before it started. The other settings apply as they
     * are (committed offsets resume a restarted job).
     */
    public static <T> KafkaSource<T> tableSource(
            ReadableConfig conf, String topic, KafkaRecordDeserializationSchema<T> schema, boolean bounded) {
        KafkaOptions.StartingOffsets configured = KafkaOptions.startingOffsets(conf);
        return source(
                conf,
                topic,
                schema,
                bounded,
                configured == KafkaOptions.StartingOffsets.LATEST ? KafkaOptions.StartingOffsets.EARLIEST : configured);
    }

    private static <T> KafkaSource<T> source(
            ReadableConfig conf,
            String topic,
            KafkaRecordDeserializationSchema<T> schema,
            boolean bounded,
            KafkaOptions.StartingOffsets startingOffsets) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(schema, "schema");
        Properties props = clientProperties(conf);
        props.putIfAbsent("isolation.level", "read_committed");
        String groupId = conf.get(KafkaOptions.GROUP_ID);
        KafkaSourceBuilder<T> builder = KafkaSource.<T>builder()
                .setProperties(props)
                .setTopics(topic)
                .setGroupId(groupId)
                .setClientIdPrefix(groupId + "-" + topic)
                .setDeserializer(schema)
                .setStartingOffsets(startingOffsets.initializer());
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /**
     * A sink that writes in Kafka transactions committed on Flink checkpoints: readers with {@code
     * read_committed} see every record once, even across failures. Records become visible only when a
     * checkpoint completes, so checkpointing must be on and its interval is the output latency.
     *
     * <p>{@code transaction.timeout.ms} comes from {@link KafkaOptions#TRANSACTION_TIMEOUT} (see there
     * why it is neither Kafka's default nor the broker's maximum).
     *
     * @param transactionalIdPrefix a name unique among the job's sinks, e.g. {@code "anomalies"}; it is
     *     appended to {@link KafkaOptions#TRANSACTIONAL_ID_PREFIX}. Two sinks sharing a prefix would
     *     fence each other's transactions.
     */
    public static <T> KafkaSink<T> exactlyOnceSink(
            ReadableConfig conf, KafkaRecordSerializationSchema<T> schema, String transactionalIdPrefix) {
        Objects.requireNonNull(schema, "schema");
        if (transactionalIdPrefix == null || transactionalIdPrefix.isBlank()) {
            throw new IllegalArgumentException("an exactly-once sink needs a non-blank transactional id prefix");
        }
        Properties props = clientProperties(conf);
        props.putIfAbsent(
                "transaction.timeout.ms",
                String.valueOf(conf.get(KafkaOptions.TRANSACTION_TIMEOUT).toMillis()));
        return KafkaSink.<T>builder()
                .setKafkaProducerConfig(props)
                .setRecordSerializer(schema)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(conf.get(KafkaOptions.TRANSACTIONAL_ID_PREFIX) + "-" + transactionalIdPrefix)
                .build();
    }

    /**
     * A sink that flushes on every checkpoint and may write a record twice after a failure. For outputs
     * whose consumers deduplicate by key (e.g. the compacted anomaly topic) or tolerate duplicates.
     */
    public static <T> KafkaSink<T> atLeastOnceSink(ReadableConfig conf, KafkaRecordSerializationSchema<T> schema) {
        Objects.requireNonNull(schema, "schema");
        return KafkaSink.<T>builder()
                .setKafkaProducerConfig(clientProperties(conf))
                .setRecordSerializer(schema)
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    private static Properties clientProperties(ReadableConfig conf) {
        return KafkaOptions.clientProperties(conf);
    }
}
