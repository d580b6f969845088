package io.reckon.cli;

import io.reckon.connectors.embedded.EmbeddedStack;
import io.reckon.demo.DemoReport;
import io.reckon.demo.DemoWorkload;
import io.reckon.replay.Replay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code reckon demo}: a seeded workload with known leaks, replayed and scored. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Starts the embedded stack, generates a realistic seeded workload with injected leaks, runs the",
            "reconciliation job over it and prints what was found against what was injected."
        })
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--seed", defaultValue = "42", description = "Workload seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--accounts", defaultValue = "200", description = "Accounts (default ${DEFAULT-VALUE}).")
    int accounts;

    @Option(names = "--dir", description = "Where to write the workload and outputs (default: a new temp dir).")
    Path dir;

    @Option(names = "--keep-running", description = "Leave the stack running and print how to query it.")
    boolean keepRunning;

    @Override
    public Integer call() throws Exception {
        Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("reckon-demo-");
        Path data = Files.createDirectories(work.resolve("workload"));
        DemoWorkload.Options options =
                DemoWorkload.Options.defaults().withSeed(seed).withAccounts(accounts);
        System.out.printf("Generating the workload (seed %d, %d accounts) in %s ...%n", seed, accounts, data);
        DemoWorkload workload = DemoWorkload.generate(options);
        workload.writeTo(data);

        System.out.println("Starting the embedded stack (Kafka, Schema Registry, PostgreSQL) ...");
        EmbeddedStack stack = EmbeddedStack.start(work.resolve("stack"));
        try {
            Replay.Result r = Replay.run(
                    stack.connectorConfig(),
                    new Replay.InputFiles(
                            data.resolve("contracts.jsonl"),
                            data.resolve("usage.jsonl"),
                            data.resolve("reported.jsonl"),
                            data.resolve("invoices.jsonl")),
                    new Configuration());
            Path anomalies = work.resolve("anomalies.jsonl");
            Replay.writeAnomalies(r.anomalies(), anomalies);
            Replay.writeDeadLetters(r.deadLetters(), work.resolve("dead-letters.jsonl"));

            System.out.println();
            System.out.print(Replay.summary(r));
            System.out.printf(
                    "Job ran %.1f s over the embedded Kafka.%n%n", r.jobTime().toMillis() / 1000.0);
            System.out.println(DemoReport.score(workload.truth(), anomalies).render());
            System.out.println("Files: " + work);
            if (keepRunning) {
                System.out.println();
                System.out.println("The stack keeps running. Query the sink tables with:");
                System.out.println("  psql '" + stack.jdbcUrl().replace("jdbc:", "") + "' -U " + stack.jdbcUsername());
                System.out.println("  e.g. SELECT type, count(*), sum(amount_minor) FROM anomalies GROUP BY type;");
                System.out.println("Kafka: " + stack.bootstrapServers() + " (topics recon.*). Press Ctrl-C to stop.");
                Thread.currentThread().join();
            }
            return 0;
        } finally {
            if (!keepRunning) {
                stack.close();
            }
        }
    }
}
