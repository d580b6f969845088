package io.reckon.cli;

import io.reckon.connectors.embedded.EmbeddedPostgres;
import io.reckon.connectors.embedded.EmbeddedStack;
import io.reckon.connectors.embedded.FakeStripeReads;
import io.reckon.connectors.kafka.Topics;
import io.reckon.demo.DemoReport;
import io.reckon.demo.DemoWorkload;
import io.reckon.demo.ForecastScore;
import io.reckon.demo.StripeWorld;
import io.reckon.jobs.ReckonConfiguration;
import io.reckon.jobs.ReconOptions;
import io.reckon.replay.InputOrder;
import io.reckon.replay.LiveJob;
import io.reckon.replay.LoadOptions;
import io.reckon.replay.Replay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.commons.io.FileUtils;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code reckon demo}: a seeded workload with known leaks, replayed and scored. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a seeded workload with known leaks through the job and scores what it finds.",
            "Starts the embedded stack, generates the workload, serves its invoices and reported usage from a "
                    + "local Stripe stand-in that the Stripe ingest job reads into Kafka, replays the usage and contracts "
                    + "through the reconciliation job and prints precision, recall, amounts and detection latency per "
                    + "anomaly type (UPSELL_OPPORTUNITY apart: the demo turns reconcile.upsell-enabled on unless --config "
                    + "or the environment sets it); then runs the action job with local stand-ins for Stripe and HubSpot "
                    + "and prints the draft invoices against the leaked total and the CRM tasks per policy rule."
        })
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--seed", defaultValue = "42", description = "Workload seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--accounts", defaultValue = "200", description = "Accounts (default ${DEFAULT-VALUE}).")
    int accounts;

    @Option(names = "--dir", description = "Where to write the workload and outputs (default: a new temp dir).")
    Path dir;

    @Option(
            names = "--keep-running",
            description = "Leave the stack running with a live (unbounded) job whose metrics Prometheus can"
                    + " scrape, and print how to query it.")
    boolean keepRunning;

    @Option(
            names = "--skip-actions",
            description = "Do not run the action job (draft invoices, CRM tasks, webhooks) after reconciliation.")
    boolean skipActions;

    @Option(
            names = "--no-stripe",
            description = "Produce the invoices and reported usage straight into Kafka instead of serving them"
                    + " through the Stripe stand-in and the Stripe ingest job.")
    boolean noStripe;

    @Option(
            names = "--config",
            description = "A Flink-style YAML file of options (reconcile.*, Flink settings); RECKON_* environment"
                    + " variables override it. Connection settings come from the embedded stack.")
    Path config;

    private static Replay.InputFiles files(Path data, boolean billingSide) {
        return new Replay.InputFiles(
                data.resolve(DemoWorkload.CONTRACTS_FILE),
                data.resolve(DemoWorkload.USAGE_FILE),
                billingSide ? data.resolve(DemoWorkload.REPORTED_FILE) : null,
                billingSide ? data.resolve(DemoWorkload.INVOICES_FILE) : null);
    }

    /**
     * The demo turns UPSELL_OPPORTUNITY on for its own run (the job's default leaves it off), so that its
     * report scores the opportunities and its action policy's {@code upsell-task} creates CRM tasks; a
     * configuration that sets {@code reconcile.upsell-enabled} itself (file or environment) is obeyed.
     *
     * @return whether the run raises opportunities
     */
    static boolean withUpsell(Configuration conf) {
        if (!conf.contains(ReconOptions.UPSELL_ENABLED)) {
            conf.set(ReconOptions.UPSELL_ENABLED, true);
        }
        return conf.get(ReconOptions.UPSELL_ENABLED);
    }

    /** The truth without its opportunities, for a run that raises none. */
    private static DemoWorkload.Truth withoutUpsell(DemoWorkload workload) {
        DemoWorkload.Truth t = workload.truth();
        return new DemoWorkload.Truth(
                t.stream()
                        .filter(e -> !DemoReport.OPPORTUNITY_TYPES.contains(e.type()))
                        .toList(),
                t.keyHoursJudged(),
                t.gapKeyHours(),
                t.inputEnd());
    }

    @Override
    public Integer call() throws Exception {
        Configuration jobOptions;
        try {
            jobOptions = ReckonConfiguration.load(config, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("reckon demo: " + e.getMessage());
            return 2;
        }
        DemoWorkload.Options options;
        try {
            options = DemoWorkload.Options.defaults().withSeed(seed).withAccounts(accounts);
        } catch (IllegalArgumentException e) {
            int leaks = DemoWorkload.Options.defaults().leaksPerType();
            System.err.println("reckon demo: --accounts must be at least " + 4 * leaks + " (the workload plants "
                    + leaks + " leaks of each type among accounts that have none), was " + accounts);
            return 2;
        }
        if (dir != null && Files.exists(dir) && !Files.isDirectory(dir)) {
            System.err.println("reckon demo: --dir: " + dir + " is a file, not a directory");
            return 2;
        }
        Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("reckon-demo-");
        Path data = Files.createDirectories(work.resolve("workload"));
        System.out.printf("Generating the workload (seed %d, %d accounts) in %s ...%n", seed, accounts, data);
        DemoWorkload workload = DemoWorkload.generate(options);
        workload.writeTo(data);

        StripeWorld world = noStripe ? null : StripeWorld.of(workload);
        System.out.println("Starting the embedded stack (Kafka, Schema Registry, PostgreSQL)"
                + (noStripe ? "" : " and a Stripe stand-in") + " ...");
        EmbeddedStack stack = EmbeddedStack.start(work.resolve("stack"));
        System.out.printf(
                "Stack ready in %.1f s: Kafka %s, schema registry %s, PostgreSQL %s%n",
                stack.startupTime().toMillis() / 1000.0,
                stack.bootstrapServers(),
                stack.schemaRegistryUrl(),
                stack.jdbcUrl());
        // The file's options apply; where to connect is the embedded stack's business.
        Configuration conf = new Configuration(jobOptions);
        conf.addAll(stack.connectorConfig());
        boolean upsell = withUpsell(conf);
        if (upsell) {
            System.out.println("UPSELL_OPPORTUNITY is on for this run (reconcile.upsell-enabled: true; the job's"
                    + " default is false): the report scores it and the action policy's upsell-task acts on it.");
        }
        try {
            // The workload's files are in arrival order, with records out of order, late and after
            // their period was final on purpose: the demo shows the job absorbing them.
            LoadOptions loading = LoadOptions.defaults().withOrder(InputOrder.FILE);
            Path forecasts = work.resolve("forecasts.jsonl");
            Replay.Result r;
            DemoStripe.Outcome stripeOutcome = null;
            if (noStripe) {
                r = Replay.run(stack.connectorConfig(), files(data, true), conf, loading, c -> {}, forecasts);
            } else {
                DemoStripe.Outcome[] ingested = new DemoStripe.Outcome[1];
                try (FakeStripeReads stripe = DemoStripe.standIn(world)) {
                    // Usage and contracts go to Kafka as files; invoices and reported usage come from Stripe.
                    r = Replay.run(
                            stack.connectorConfig(),
                            files(data, false),
                            conf,
                            loading,
                            c -> ingested[0] = DemoStripe.ingest(c, stripe, world, work),
                            forecasts);
                }
                stripeOutcome = ingested[0];
            }
            Path anomalies = work.resolve("anomalies.jsonl");
            Replay.writeAnomalies(r.anomalies(), anomalies);
            Replay.writeDeadLetters(r.deadLetters(), work.resolve("dead-letters.jsonl"));

            System.out.println();
            if (stripeOutcome != null) {
                System.out.print(DemoStripe.summary(world, stripeOutcome));
                System.out.println();
            }
            System.out.print(Replay.summary(r));
            System.out.printf(
                    "Job ran %.1f s over the embedded Kafka.%n%n", r.jobTime().toMillis() / 1000.0);
            if (!upsell) {
                System.out.println("UPSELL_OPPORTUNITY is off (reconcile.upsell-enabled: false in the configuration):"
                        + " its truth is left unscored.");
            }
            System.out.println(DemoReport.score(upsell ? workload.truth() : withoutUpsell(workload), anomalies)
                    .render());
            // The forecasts against what each period ended at (its final forecast: its actual figures).
            System.out.println(ForecastScore.of(Files.readAllLines(forecasts)).render());
            if (!skipActions) {
                System.out.println("Running the action job over the anomalies, with local stand-ins for Stripe,"
                        + " HubSpot and a webhook receiver ...");
                DemoActions.Outcome actions = DemoActions.run(conf, work, r.anomalies());
                System.out.println();
                System.out.print(actions.summary().render());
                System.out.printf(
                        "Action job ran %.1f s; policy %s.%n%n",
                        actions.jobTime().toMillis() / 1000.0, actions.policy());
            }
            System.out.println("Files: " + work);
            if (keepRunning) {
                System.out.println();
                System.out.println("Starting the live job (unbounded sources, consumer group reckon-live; "
                        + Topics.CONTRACTS + " from the earliest offset, as a table, the other topics from the latest)"
                        + " ...");
                LiveJob live = LiveJob.start(conf);
                EmbeddedPostgres.Login reader = stack.jdbcReader();
                Path pgpass = LiveStackInstructions.writePgpass(
                        work.resolve(".pgpass"),
                        stack.postgres().port(),
                        EmbeddedPostgres.DATABASE,
                        reader.username(),
                        reader.password());
                LiveStackInstructions instructions = new LiveStackInstructions(
                        stack.bootstrapServers(),
                        stack.schemaRegistryUrl(),
                        stack.postgres().port(),
                        EmbeddedPostgres.DATABASE,
                        reader.username(),
                        pgpass,
                        live.metricsUrl());
                System.out.print(instructions.render());
                System.out.println("Press Ctrl-C to stop.");
                Thread.currentThread().join();
            }
            return 0;
        } finally {
            if (!keepRunning) {
                stack.close();
                // The broker's and the database's files of a finished run are of no use; the workload
                // and the outputs stay for a look.
                FileUtils.deleteQuietly(work.resolve("stack").toFile());
            }
        }
    }
}
