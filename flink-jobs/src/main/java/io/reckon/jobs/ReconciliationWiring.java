package io.reckon.jobs;

import io.reckon.connectors.kafka.ConfluentAvroRecordSerializer;
import io.reckon.connectors.kafka.KafkaConnectors;
import io.reckon.connectors.kafka.Topics;
import io.reckon.connectors.registry.ConfluentAvroCodec;
import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.DeadLetterRecord;
import io.reckon.jobs.sinks.OutputRecords;
import io.reckon.jobs.sinks.PostgresTables;
import io.reckon.jobs.sources.CloudEventsOptions;
import io.reckon.jobs.sources.CloudEventsUsageDeserializer;
import io.reckon.jobs.sources.IngestDeserializer;
import io.reckon.jobs.sources.InputKind;
import io.reckon.jobs.sources.InputValidation;
import org.apache.flink.configuration.ReadableConfig;

/**
 * The production connectors of the reconciliation job: Kafka topics in and out (Confluent Avro),
 * PostgreSQL sink tables. Used by the cluster entry point and, over the embedded stack, by replay
 * and the demo, so all of them run one code path.
 */
public final class ReconciliationWiring {

    private ReconciliationWiring() {}

    public static ReconciliationJob.Inputs kafkaInputs(ReadableConfig conf, boolean bounded) {
        ConfluentAvroCodec codec = ConfluentAvroCodec.fromConfig(conf);
        InputValidation validation =
                new InputValidation(conf.get(ReconOptions.MAX_FUTURE_SKEW).toMillis());
        return new ReconciliationJob.Inputs(
                source(conf, InputKind.USAGE, codec, validation, bounded),
                source(conf, InputKind.REPORTED, codec, validation, bounded),
                source(conf, InputKind.INVOICES, codec, validation, bounded),
                source(conf, InputKind.CONTRACTS, codec, validation, bounded),
                KafkaConnectors.source(
                        conf,
                        InputKind.USAGE_CLOUDEVENTS.topic(),
                        new CloudEventsUsageDeserializer(CloudEventsOptions.mapping(conf), validation),
                        bounded));
    }

    private static org.apache.flink.connector.kafka.source.KafkaSource<io.reckon.jobs.records.Ingested> source(
            ReadableConfig conf,
            InputKind kind,
            ConfluentAvroCodec codec,
            InputValidation validation,
            boolean bounded) {
        return KafkaConnectors.source(conf, kind.topic(), new IngestDeserializer(kind, codec, validation), bounded);
    }

    /**
     * Anomalies and dead letters go to their topics through transactional (exactly-once) Kafka sinks;
     * anomalies, hourly rollups and unmapped usage go to PostgreSQL with idempotent upserts.
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
                unmapped -> PostgresTables.unmapped(conf, unmapped));
    }
}
