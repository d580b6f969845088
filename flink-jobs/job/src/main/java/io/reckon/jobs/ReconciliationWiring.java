package io.reckon.jobs;

import io.reckon.connectors.kafka.ConfluentAvroRecordSerializer;
import io.reckon.connectors.kafka.KafkaConnectors;
import io.reckon.connectors.kafka.Topics;
import io.reckon.connectors.registry.ConfluentAvroCodec;
import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.DeadLetterRecord;
import io.reckon.jobs.records.Ingested;
import io.reckon.jobs.sinks.ForecastTable;
import io.reckon.jobs.sinks.OutputRecords;
import io.reckon.jobs.sinks.PostgresTables;
import io.reckon.jobs.sources.CloudEventsOptions;
import io.reckon.jobs.sources.CloudEventsUsageDeserializer;
import io.reckon.jobs.sources.IngestDeserializer;
import io.reckon.jobs.sources.InputKind;
import io.reckon.jobs.sources.InputValidation;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;

/**
 * The production connectors of the reconciliation job: Kafka topics in and out (Confluent Avro),
 * PostgreSQL sink tables. Used by the cluster entry point and, over the embedded stack, by replay
 * and the demo, so all of them run one code path.
 */
public final class ReconciliationWiring {

    private ReconciliationWiring() {}

    public static ReconciliationJob.Inputs kafkaInputs(ReadableConfig conf, boolean bounded) {
        return kafkaInputs(conf, bounded, (kind, deserializer) -> deserializer);
    }

    /**
     * Wraps each input's deserializer before its source is built. The fault-injection tests use it to
     * fail a source deliberately at chosen record counts, through the production sources.
     */
    @FunctionalInterface
    public interface DeserializerDecorator {
        KafkaRecordDeserializationSchema<Ingested> decorate(
                InputKind kind, KafkaRecordDeserializationSchema<Ingested> deserializer);
    }

    /**
     * The Kafka inputs, each deserializer passed through {@code decorator}.
     *
     * <pre>{@code
     * ReconciliationWiring.kafkaInputs(conf, true, (kind, d) -> new FailingDeserializer(kind, d));
     * }</pre>
     */
    public static ReconciliationJob.Inputs kafkaInputs(
            ReadableConfig conf, boolean bounded, DeserializerDecorator decorator) {
        ConfluentAvroCodec codec = ConfluentAvroCodec.fromConfig(conf);
        InputValidation validation = new InputValidation(
                conf.get(ReconOptions.MAX_FUTURE_SKEW).toMillis(),
                conf.get(ReconOptions.MAX_FUTURE_PERIOD).toMillis());
        return new ReconciliationJob.Inputs(
                source(
                        conf,
                        InputKind.USAGE,
                        new IngestDeserializer(InputKind.USAGE, codec, validation),
                        bounded,
                        decorator),
                source(
                        conf,
                        InputKind.REPORTED,
                        new IngestDeserializer(InputKind.REPORTED, codec, validation),
                        bounded,
                        decorator),
                source(
                        conf,
                        InputKind.INVOICES,
                        new IngestDeserializer(InputKind.INVOICES, codec, validation),
                        bounded,
                        decorator),
                source(
                        conf,
                        InputKind.CONTRACTS,
                        new IngestDeserializer(InputKind.CONTRACTS, codec, validation),
                        bounded,
                        decorator),
                source(
                        conf,
                        InputKind.USAGE_CLOUDEVENTS,
                        new CloudEventsUsageDeserializer(CloudEventsOptions.mapping(conf), validation),
                        bounded,
                        decorator));
    }

    private static KafkaSource<Ingested> source(
            ReadableConfig conf,
            InputKind kind,
            KafkaRecordDeserializationSchema<Ingested> deserializer,
            boolean bounded,
            DeserializerDecorator decorator) {
        KafkaRecordDeserializationSchema<Ingested> decorated = decorator.decorate(kind, deserializer);
        // Contracts are a table (a compacted topic): read whole even where the events start at the latest.
        return kind == InputKind.CONTRACTS
                ? KafkaConnectors.tableSource(conf, kind.topic(), decorated, bounded)
                : KafkaConnectors.source(conf, kind.topic(), decorated, bounded);
    }

    /**
     * Anomalies and dead letters go to their topics through transactional (exactly-once) Kafka sinks;
     * anomalies, hourly rollups, unmapped usage and the latest period-end forecasts go to PostgreSQL with
     * idempotent upserts.
     */
    public static ReconciliationJob.Outputs kafkaAndPostgresOutputs(ReadableConfig conf) {
        ConfluentAvroCodec codec = ConfluentAvroCodec.fromConfig(conf);
        return new ReconciliationJob.Outputs(
                anomalies -> {
                    anomalies
                            .sinkTo(KafkaConnectors.exactlyOnceSink(
                                    conf,
                                    new ConfluentAvroRecordSerializer<AnomalyRecord>(
                                            Topics.ANOMALIES, codec, a -> a.anomalyId, OutputRecords::toAvro),
                                    "reckon-anomalies"))
                            .name("anomalies-topic")
                            .uid("anomalies-topic");
                    PostgresTables.anomalies(conf, anomalies);
                },
                deadLetters -> deadLetters
                        .sinkTo(KafkaConnectors.exactlyOnceSink(
                                conf,
                                new ConfluentAvroRecordSerializer<DeadLetterRecord>(
                                        Topics.DLQ, codec, d -> d.source, OutputRecords::toAvro),
                                "reckon-dlq"))
                        .name("dead-letter-topic")
                        .uid("dead-letter-topic"),
                rollups -> PostgresTables.hourlyRollups(conf, rollups),
                unmapped -> PostgresTables.unmapped(conf, unmapped),
                forecasts -> ForecastTable.forecasts(conf, forecasts));
    }
}
