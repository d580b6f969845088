package io.reckon.actions;

import io.reckon.connectors.kafka.ConfluentAvroRecordSerializer;
import io.reckon.connectors.kafka.KafkaConnectors;
import io.reckon.connectors.kafka.Topics;
import io.reckon.connectors.registry.ConfluentAvroCodec;
import io.reckon.jobs.ReconOptions;
import io.reckon.jobs.records.DeadLetterRecord;
import io.reckon.jobs.sinks.OutputRecords;
import io.reckon.jobs.sources.IngestDeserializer;
import io.reckon.jobs.sources.InputKind;
import io.reckon.jobs.sources.InputValidation;
import org.apache.flink.configuration.ReadableConfig;

/**
 * The production connectors of the action job: {@code recon.anomalies}, {@code recon.approvals} and
 * {@code recon.contracts} in; {@code recon.actions} (exactly-once, key action_id), {@code recon.dlq} and
 * the {@code actions} and {@code action_events} tables out.
 */
public final class ActionWiring {

    private ActionWiring() {}

    public static ActionJob.Inputs kafkaInputs(ReadableConfig conf, boolean bounded) {
        ConfluentAvroCodec codec = ConfluentAvroCodec.fromConfig(conf);
        InputValidation validation =
                new InputValidation(conf.get(ReconOptions.MAX_FUTURE_SKEW).toMillis());
        return new ActionJob.Inputs(
                KafkaConnectors.source(
                        conf,
                        Topics.ANOMALIES,
                        new ActionInputDeserializer(ActionInputDeserializer.Kind.ANOMALIES, codec),
                        bounded),
                KafkaConnectors.source(
                        conf,
                        Topics.APPROVALS,
                        new ActionInputDeserializer(ActionInputDeserializer.Kind.APPROVALS, codec),
                        bounded),
                KafkaConnectors.source(
                        conf,
                        Topics.CONTRACTS,
                        new IngestDeserializer(InputKind.CONTRACTS, codec, validation),
                        bounded));
    }

    public static ActionJob.Outputs kafkaAndPostgresOutputs(ReadableConfig conf) {
        ConfluentAvroCodec codec = ConfluentAvroCodec.fromConfig(conf);
        return new ActionJob.Outputs(
                steps -> {
                    steps.sinkTo(KafkaConnectors.exactlyOnceSink(
                                    conf,
                                    new ConfluentAvroRecordSerializer<ActionStep>(
                                            Topics.ACTIONS, codec, s -> s.actionId, ActionRecords::toAvro),
                                    "reckon-actions"))
                            .name("actions-topic")
                            .uid("actions-topic");
                    ActionTables.write(conf, steps);
                },
                deadLetters -> deadLetters
                        .sinkTo(KafkaConnectors.exactlyOnceSink(
                                conf,
                                new ConfluentAvroRecordSerializer<DeadLetterRecord>(
                                        Topics.DLQ, codec, d -> d.source, OutputRecords::toAvro),
                                "reckon-actions-dlq"))
                        .name("action-dead-letter-topic")
                        .uid("action-dead-letter-topic"));
    }
}
