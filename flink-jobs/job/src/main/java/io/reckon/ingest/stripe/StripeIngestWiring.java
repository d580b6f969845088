package io.reckon.ingest.stripe;

import io.reckon.connectors.kafka.ConfluentAvroRecordSerializer;
import io.reckon.connectors.kafka.KafkaConnectors;
import io.reckon.connectors.kafka.Topics;
import io.reckon.connectors.registry.ConfluentAvroCodec;
import io.reckon.connectors.stripe.source.KafkaContractLookup;
import io.reckon.connectors.stripe.source.StripeRecord;
import io.reckon.connectors.stripe.source.StripeSource;
import io.reckon.connectors.stripe.source.StripeSourceOptions;
import io.reckon.connectors.stripe.source.StripeSourceSettings;
import io.reckon.jobs.records.DeadLetterRecord;
import io.reckon.jobs.sinks.OutputRecords;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The production connectors of the Stripe ingest job: Stripe sources mapped through the contracts
 * of {@code recon.contracts}, and exactly-once Kafka sinks (Confluent Avro) into {@code
 * recon.invoices}, {@code recon.reported} and {@code recon.dlq}, keyed by account id like every input.
 * Lines and summaries carry stable ids and {@code updated_at}, so a record written again (a backfill
 * over the same range) replaces itself downstream.
 */
public final class StripeIngestWiring {

    private StripeIngestWiring() {}

    /** Builds the job from {@code conf} on {@code env}. */
    public static void define(StreamExecutionEnvironment env, ReadableConfig conf) {
        StripeSourceSettings settings = StripeSourceSettings.fromConfig(conf);
        KafkaContractLookup.Factory contracts = KafkaContractLookup.factory(conf);
        StripeIngestJob.defineWorkflow(
                env,
                conf.get(StripeSourceOptions.EVENTS_ENABLED) ? StripeSource.events(settings, contracts) : null,
                conf.get(StripeSourceOptions.SUMMARIES_ENABLED) ? StripeSource.summaries(settings, contracts) : null,
                kafkaOutputs(conf));
    }

    public static StripeIngestJob.Outputs kafkaOutputs(ReadableConfig conf) {
        ConfluentAvroCodec codec = ConfluentAvroCodec.fromConfig(conf);
        return new StripeIngestJob.Outputs(
                invoices -> invoices.sinkTo(KafkaConnectors.exactlyOnceSink(
                                conf,
                                new ConfluentAvroRecordSerializer<StripeRecord>(
                                        Topics.INVOICES, codec, r -> r.accountId, StripeIngestRecords::invoiceLine),
                                "stripe-invoices"))
                        .name("recon.invoices")
                        .uid("stripe-invoices-sink")
                        .setParallelism(1),
                reported -> reported.sinkTo(KafkaConnectors.exactlyOnceSink(
                                conf,
                                new ConfluentAvroRecordSerializer<StripeRecord>(
                                        Topics.REPORTED, codec, r -> r.accountId, StripeIngestRecords::reported),
                                "stripe-reported"))
                        .name("recon.reported")
                        .uid("stripe-reported-sink")
                        .setParallelism(1),
                deadLetters -> deadLetters
                        .sinkTo(KafkaConnectors.exactlyOnceSink(
                                conf,
                                new ConfluentAvroRecordSerializer<DeadLetterRecord>(
                                        Topics.DLQ, codec, d -> d.source, OutputRecords::toAvro),
                                "stripe-dlq"))
                        .name("recon.dlq")
                        .uid("stripe-dlq-sink")
                        .setParallelism(1));
    }
}
