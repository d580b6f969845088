package io.reckon.actions;

import io.reckon.connectors.kafka.ConfluentAvroRecordSerializer;
import io.reckon.connectors.kafka.KafkaConnectors;
import io.reckon.connectors.kafka.KafkaOptions;
import io.reckon.connectors.kafka.Topics;
import io.reckon.connectors.registry.ConfluentAvroCodec;
import io.reckon.jobs.ReconOptions;
import io.reckon.jobs.records.DeadLetterRecord;
import io.reckon.jobs.sinks.OutputRecords;
import io.reckon.jobs.sources.IngestDeserializer;
import io.reckon.jobs.sources.InputKind;
import io.reckon.jobs.sources.InputValidation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

/**
 * The production connectors of the action job: {@code recon.anomalies}, {@code recon.approvals} and
 * {@code recon.contracts} in; {@code recon.actions} (exactly-once, key action_id), {@code recon.dlq} and
 * the {@code actions} and {@code action_events} tables out.
 */
public final class ActionWiring {

    private ActionWiring() {}

    /** Appended to {@code kafka.group-id}: the action job's consumer group. */
    public static final String GROUP_SUFFIX = "-actions";

    /**
     * The action job reads {@code recon.contracts} like the reconciliation job does; with the same
     * consumer group it would start from the offsets the other job committed (past every contract) when
     * it starts without a checkpoint. Its own group, {@code <kafka.group-id>-actions}, keeps them apart.
     */
    public static ActionJob.Inputs kafkaInputs(ReadableConfig readable, boolean bounded) {
        Configuration conf = new Configuration();
        if (readable instanceof Configuration c) {
            conf.addAll(c);
        } else {
            throw new IllegalArgumentException("the action job's inputs need a Configuration");
        }
        conf.set(KafkaOptions.GROUP_ID, readable.get(KafkaOptions.GROUP_ID) + GROUP_SUFFIX);
        ConfluentAvroCodec codec = ConfluentAvroCodec.fromConfig(conf);
        InputValidation validation = new InputValidation(
                conf.get(ReconOptions.MAX_FUTURE_SKEW).toMillis(),
                conf.get(ReconOptions.MAX_FUTURE_PERIOD).toMillis());
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
                KafkaConnectors.tableSource(
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
