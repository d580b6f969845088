package io.reckon.cli;

import io.reckon.connectors.embedded.EmbeddedStack;
import io.reckon.jobs.ReckonConfiguration;
import io.reckon.replay.InputCounts;
import io.reckon.replay.InputOrder;
import io.reckon.replay.LoadOptions;
import io.reckon.replay.Replay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code reckon replay}: JSON Lines files through the production job graph on the embedded stack. */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = {
            "Replays JSON Lines files through the reconciliation job and writes every anomaly revision.",
            "Loads the files into the embedded Kafka topics, runs the production job graph until the end of the "
                    + "input, writes one JSON line per anomaly revision and prints per-input counts. Each input is produced "
                    + "in event-time order (--order file keeps file order); lines that cannot be read are dead-lettered "
                    + "with their reason."
        })
public final class ReplayCommand implements Callable<Integer> {

    @Option(names = "--contracts", required = true, description = "Contracts, one version per line.")
    Path contracts;

    @Option(names = "--usage", required = true, description = "Usage events.")
    Path usage;

    @Option(names = "--reported", required = true, description = "Reported usage.")
    Path reported;

    @Option(names = "--invoices", description = "Invoice lines (optional).")
    Path invoices;

    @Option(names = "--out", required = true, description = "Where to write the anomaly revisions (JSONL).")
    Path out;

    @Option(names = "--dlq", description = "Where to write the dead letters (JSONL).")
    Path dlq;

    @Option(
            names = "--forecasts",
            description = "Where to write the period-end forecasts (JSONL): one line per forecast revision, with"
                    + " account_id, meter, period_start, as_of, currency, projected_quantity, projected_amount_minor,"
                    + " amount_low_minor and amount_high_minor (an 80 %% interval).")
    Path forecasts;

    @Option(
            names = "--order",
            defaultValue = "event-time",
            converter = OrderConverter.class,
            description = "event-time (default): each input is produced in event-time order (usage and reports by"
                    + " event_time, invoice lines by period_end, ties in file order), so the result does not depend"
                    + " on how the files are ordered. file: in file order, to exercise arrival order (late and"
                    + " out-of-order records).")
    InputOrder order;

    @Option(
            names = "--sort-memory",
            defaultValue = "64m",
            description = "Heap the event-time ordering of one input may take (default ${DEFAULT-VALUE}); a larger"
                    + " input is sorted in runs written to temporary files (java.io.tmpdir), then merged.")
    String sortMemory;

    @Option(
            names = "--config",
            description = "A Flink-style YAML file of options (reconcile.*, Flink settings); RECKON_* environment"
                    + " variables and -D override it. Connection settings come from the embedded stack.")
    Path config;

    @Option(
            names = {"-D", "--set"},
            description = "A configuration option for this run, e.g. -D reconcile.allowed-lateness=6h")
    java.util.Map<String, String> settings = new java.util.HashMap<>();

    @Override
    public Integer call() throws Exception {
        LoadOptions loading;
        try {
            loading = LoadOptions.defaults()
                    .withOrder(order)
                    .withSortMemory(MemorySizes.parse(sortMemory, "64m or 1g").getBytes());
        } catch (IllegalArgumentException e) {
            System.err.println("reckon replay: --sort-memory: " + e.getMessage());
            return 2;
        }
        Optional<String> files = new CommandFiles()
                .input("--contracts", contracts)
                .input("--usage", usage)
                .input("--reported", reported)
                .input("--invoices", invoices)
                .output("--out", out)
                .output("--dlq", dlq)
                .output("--forecasts", forecasts)
                .problem();
        if (files.isPresent()) {
            System.err.println("reckon replay: " + files.get());
            return 2;
        }
        Configuration options;
        try {
            options = ReckonConfiguration.load(config, System.getenv());
            options.addAll(Configuration.fromMap(settings));
            ReckonConfiguration.validate(options);
        } catch (IllegalArgumentException e) {
            System.err.println("reckon replay: " + e.getMessage());
            return 2;
        }
        TemporaryDirectory temporary = TemporaryDirectory.create("reckon-replay-");
        // The stack's data, the sorted runs and the checkpoints: all under one directory that goes.
        Path work = temporary.path();
        loading = loading.withTempDirectory(work);
        try (EmbeddedStack stack = EmbeddedStack.start(work)) {
            // The options apply; where to connect is the embedded stack's business.
            Configuration conf = new Configuration(options);
            conf.addAll(stack.connectorConfig());
            Replay.Result r = Replay.run(
                    stack.connectorConfig(),
                    new Replay.InputFiles(contracts, usage, reported, invoices),
                    conf,
                    loading,
                    c -> {},
                    forecasts);
            Replay.writeAnomalies(r.anomalies(), out);
            if (dlq != null) {
                Replay.writeDeadLetters(r.deadLetters(), dlq);
            }
            System.out.print(Replay.summary(r));
            System.out.printf(
                    "%d anomaly revisions -> %s%s; job ran %.1f s%n",
                    r.anomalies().size(),
                    out,
                    (dlq == null ? "" : ", " + r.deadLetters().size() + " dead letters -> " + dlq)
                            + (forecasts == null
                                    ? ""
                                    : ", " + lines(forecasts) + " forecast revisions -> " + forecasts),
                    r.jobTime().toMillis() / 1000.0);
            boolean balanced = r.counts().values().stream().allMatch(InputCounts::balanced);
            if (!balanced) {
                System.err.println("reckon replay: read != valid + dead-lettered for some input; see the table");
                return 1;
            }
            return 0;
        } finally {
            temporary.delete();
        }
    }

    private static long lines(Path file) throws java.io.IOException {
        try (java.util.stream.Stream<String> l = Files.lines(file)) {
            return l.count();
        }
    }

    /** Reads {@code --order event-time|file}. */
    static final class OrderConverter implements CommandLine.ITypeConverter<InputOrder> {
        @Override
        public InputOrder convert(String value) {
            try {
                return InputOrder.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
