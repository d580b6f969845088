package io.reckon.ingest.stripe;

import io.reckon.connectors.stripe.source.StripeRecord;
import io.reckon.jobs.records.DeadLetterRecord;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The Stripe ingest job: invoice lines from Stripe's Events API into {@code recon.invoices}, hourly
 * meter event summaries into {@code recon.reported} ({@code kind=summary}), and every Stripe object it
 * cannot map into {@code recon.dlq} with the reason. A job of its own beside the reconciliation job,
 * so the reconciliation graph and its savepoints stay as they are and the ingest restarts alone.
 *
 * <pre>{@code
 * StripeIngestJob.defineWorkflow(env, eventsSource, summariesSource,
 *         invoices -> invoices.sinkTo(invoiceSink), reported -> reported.sinkTo(reportedSink),
 *         deadLetters -> deadLetters.sinkTo(dlqSink));
 * }</pre>
 */
public final class StripeIngestJob {

    private StripeIngestJob() {}

    /** What a run routed, from the job's accumulators: invoice line records, summaries, dead letters. */
    public record Counts(long invoiceLines, long summaries, long deadLettered) {
        public static Counts of(JobExecutionResult result) {
            return new Counts(
                    count(result, StripeRouter.INVOICE_LINES),
                    count(result, StripeRouter.SUMMARIES),
                    count(result, StripeRouter.DEAD_LETTERED));
        }

        private static long count(JobExecutionResult result, String name) {
            Object v = result.getAllAccumulatorResults().get(name);
            return v == null ? 0 : ((Number) v).longValue();
        }
    }

    /** The outputs: invoice lines, reported summaries and dead letters. */
    public record Outputs(
            Consumer<DataStream<StripeRecord>> invoices,
            Consumer<DataStream<StripeRecord>> reported,
            Consumer<DataStream<DeadLetterRecord>> deadLetters) {}

    /**
     * Builds the graph. Either source may be null (that stream is disabled), not both.
     *
     * @param events invoice lines from {@code invoice.*} events, or null
     * @param summaries hourly meter event summaries, or null
     */
    public static void defineWorkflow(
            StreamExecutionEnvironment env,
            Source<StripeRecord, ?, ?> events,
            Source<StripeRecord, ?, ?> summaries,
            Outputs outputs) {
        DataStream<StripeRecord> all = null;
        if (events != null) {
            all = env.fromSource(events, WatermarkStrategy.noWatermarks(), "stripe-events")
                    .uid("stripe-events-source")
                    .setParallelism(1);
        }
        if (summaries != null) {
            DataStream<StripeRecord> s = env.fromSource(summaries, WatermarkStrategy.noWatermarks(), "stripe-summaries")
                    .uid("stripe-summaries-source")
                    .setParallelism(1);
            all = all == null ? s : all.union(s);
        }
        if (all == null) {
            throw new IllegalArgumentException(
                    "neither stripe.events.enabled nor stripe.summaries.enabled: the ingest job has nothing to read");
        }
        SingleOutputStreamOperator<StripeRecord> routed = all.process(new StripeRouter())
                .name("route-stripe-records")
                .uid("route-stripe-records")
                .setParallelism(1);
        outputs.invoices().accept(routed);
        outputs.reported().accept(routed.getSideOutput(StripeRouter.REPORTED));
        outputs.deadLetters().accept(routed.getSideOutput(StripeRouter.DEAD_LETTERS));
    }
}
