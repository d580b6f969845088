package io.reckon.cli;

import io.reckon.connectors.embedded.FakeStripeReads;
import io.reckon.connectors.stripe.source.KafkaContractLookup;
import io.reckon.connectors.stripe.source.StripeSource;
import io.reckon.connectors.stripe.source.StripeSourceOptions;
import io.reckon.connectors.stripe.source.StripeSourceSettings;
import io.reckon.demo.StripeWorld;
import io.reckon.ingest.stripe.StripeIngestJob;
import io.reckon.ingest.stripe.StripeIngestWiring;
import io.reckon.replay.Replay;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The demo's billing side through Stripe's API: the workload's invoices and reported usage are served
 * by a local Stripe stand-in ({@link FakeStripeReads}: {@code invoice.*} events with their invoices
 * and lines, hourly meter event summaries, metered prices), and the production Stripe ingest job,
 * bounded, reads them into {@code recon.invoices} and {@code recon.reported} (unmappable objects into
 * {@code recon.dlq}) before the reconciliation job starts. The stand-in's key is a throwaway value
 * written to a file, the way a deployment mounts a real one.
 *
 * <pre>{@code
 * try (FakeStripeReads stripe = DemoStripe.standIn(world)) {
 *     Replay.run(connectors, files, conf, loading, c -> outcome = DemoStripe.ingest(c, stripe, world, work));
 * }
 * }</pre>
 */
final class DemoStripe {

    /** What the ingest job wrote and how long it ran. */
    record Outcome(StripeIngestJob.Counts counts, Duration jobTime) {}

    private DemoStripe() {}

    /** A Stripe stand-in holding {@code world}; close it after the ingest. */
    static FakeStripeReads standIn(StripeWorld world) {
        FakeStripeReads stripe = FakeStripeReads.start();
        try {
            for (StripeWorld.Price p : world.prices()) {
                stripe.price(p.id(), p.meterId());
            }
            for (StripeWorld.Summary s : world.summaries()) {
                stripe.summary(s.meterId(), s.customer(), s.hourStart(), s.value());
            }
            for (StripeWorld.Event e : world.events()) {
                StripeWorld.Invoice i = e.invoice();
                stripe.invoice(
                        i.id(),
                        i.customer(),
                        i.currency(),
                        i.created(),
                        i.status(),
                        i.lines().stream()
                                .map(l -> new FakeStripeReads.Line(
                                        l.id(), l.priceId(), l.periodStart(), l.periodEnd(), l.quantity(), l.amount()))
                                .toList());
                stripe.event(e.type(), i.id(), e.created());
            }
            return stripe;
        } catch (RuntimeException e) {
            stripe.close();
            throw e;
        }
    }

    /**
     * Runs the Stripe ingest job, bounded, over the stand-in: events from the first, summaries over
     * the billing periods that reach the workload's first hour, read at the world's time.
     *
     * @param conf the run's configuration (Kafka, registry)
     */
    static Outcome ingest(Configuration conf, FakeStripeReads stripe, StripeWorld world, Path work) throws Exception {
        Path dir = Files.createDirectories(work.resolve("stripe"));
        Path key = dir.resolve("api-key");
        Files.writeString(key, "rk_test_reckon_demo\n", StandardCharsets.UTF_8);
        Configuration c = new Configuration(conf);
        c.set(StripeSourceOptions.API_BASE, stripe.apiBase());
        c.set(StripeSourceOptions.API_KEY_FILE, key.toString());
        c.set(StripeSourceOptions.BOUNDED, true);
        c.set(StripeSourceOptions.SUMMARIES_PERIODS, world.periods());
        // The ingest graph is not audited for object reuse (the reconciliation's is).
        c.set(PipelineOptions.OBJECT_REUSE, false);
        // A checkpoint holds the value of every summary written (the summaries split); one at the end of
        // the bounded run commits the sinks, a few on the way are enough.
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(10));
        Path checkpoints = Files.createTempDirectory("reckon-stripe-ingest-");
        try {
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironment(1, Replay.jobConfiguration(c, checkpoints));
            StripeSourceSettings settings = StripeSourceSettings.fromConfig(c);
            KafkaContractLookup.Factory contracts = KafkaContractLookup.factory(c);
            Clock clock = Clock.fixed(world.now(), ZoneOffset.UTC);
            StripeIngestJob.defineWorkflow(
                    env,
                    StripeSource.events(settings, contracts).withClock(clock),
                    StripeSource.summaries(settings, contracts).withClock(clock),
                    StripeIngestWiring.kafkaOutputs(c));
            long started = System.nanoTime();
            JobExecutionResult result = env.execute("reckon-demo-stripe-ingest");
            return new Outcome(StripeIngestJob.Counts.of(result), Duration.ofNanos(System.nanoTime() - started));
        } finally {
            org.apache.commons.io.FileUtils.deleteQuietly(checkpoints.toFile());
        }
    }

    /** What the stand-in held and what the ingest wrote, for a person. */
    static String summary(StripeWorld world, Outcome outcome) {
        StripeWorld.Stats s = world.stats();
        return String.format(
                "Stripe stand-in, read as of %s: %,d invoices with %,d invoice events; %,d hourly meter event"
                        + " summaries of %,d meter events (%,d resent copies absorbed by Stripe's identifier, %,d"
                        + " malformed refused).%nStripe ingest job: %,d invoice line records into recon.invoices,"
                        + " %,d summaries into recon.reported, %,d dead-lettered with the reason (%,d records of"
                        + " one-off lines without a price) in %.1f s.%n",
                world.now(),
                s.invoices(),
                s.events(),
                s.summaries(),
                s.meterEvents(),
                s.resentMeterEvents(),
                s.refusedMeterEvents(),
                outcome.counts().invoiceLines(),
                outcome.counts().summaries(),
                outcome.counts().deadLettered(),
                s.oneOffLineRecords(),
                outcome.jobTime().toMillis() / 1000.0);
    }
}
