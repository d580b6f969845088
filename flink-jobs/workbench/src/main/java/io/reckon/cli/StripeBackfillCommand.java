package io.reckon.cli;

import io.reckon.connectors.kafka.KafkaOptions;
import io.reckon.ingest.stripe.StripeBackfill;
import io.reckon.jobs.ReckonConfiguration;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "stripe-backfill",
        mixinStandardHelpOptions = true,
        description = {
            "Reads Stripe invoices created in [--from, --to) and writes their lines into recon.invoices.",
            "Reads them through GET /v1/invoices (history older than the Events API's 30 days); unmappable lines "
                    + "go to recon.dlq. Connection settings (kafka.*, schema-registry.*, stripe.*) come from --config and "
                    + "RECKON_* variables; the API key from stripe.api-key-file or RECKON_STRIPE_API_KEY. See "
                    + "docs/stripe.md."
        })
public final class StripeBackfillCommand implements Callable<Integer> {

    @Option(names = "--config", description = "A Flink-style YAML file of options; RECKON_* variables override it.")
    Path config;

    @Option(names = "--from", required = true, description = "First creation time, ISO-8601 (inclusive).")
    String from;

    @Option(names = "--to", required = true, description = "Last creation time, ISO-8601 (exclusive).")
    String to;

    @Override
    public Integer call() throws Exception {
        StripeBackfill.Result result;
        Configuration conf = null;
        try {
            Instant first = time("--from", from);
            Instant last = time("--to", to);
            conf = ReckonConfiguration.load(config, System.getenv());
            result = StripeBackfill.run(conf, first, last);
        } catch (IllegalArgumentException e) {
            System.err.println("reckon stripe-backfill: " + e.getMessage());
            return 2;
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            System.err.println("reckon stripe-backfill: Kafka at "
                    + conf.getOptional(KafkaOptions.BOOTSTRAP_SERVERS).orElse("?") + " did not answer: "
                    + e.getMessage());
            return 1;
        }
        System.out.printf(
                "invoices %d, lines written %d, dead-lettered %d, pages fetched %d%n",
                result.invoices(), result.lines(), result.deadLetters(), result.pages());
        return 0;
    }

    private static Instant time(String option, String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    option + " '" + text + "' is not an ISO-8601 UTC time such as 2026-01-01T00:00:00Z", e);
        }
    }
}
