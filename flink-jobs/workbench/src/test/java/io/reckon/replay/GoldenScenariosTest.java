package io.reckon.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.reckon.avro.DeadLetter;
import io.reckon.jobs.sources.InputKind;
import io.reckon.jobs.testing.AnomalyFiles;
import java.io.ByteArrayOutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden replay scenarios: one folder per anomaly type under {@code src/test/resources/golden/}, each
 * with the four JSON Lines inputs and the anomaly revisions the reconciliation spec requires, written by
 * hand (the arithmetic is in each folder's README.md). Every scenario runs through the production job
 * graph over real Kafka and PostgreSQL and must produce exactly those revisions, compared field by
 * field except {@code detected_at} (processing time).
 *
 * <p>Replay orders each input by event time; the late-correction scenario, which is about arrival
 * order, is replayed in file order. The README's example, shuffled and grouped by account, must give
 * the same revisions as in order.
 *
 * <p>One stack serves the whole class because starting Kafka and PostgreSQL costs far more than a
 * small replay; each scenario starts from a clean slate (topics deleted and recreated, sink tables
 * truncated), so no record or revision of one scenario can reach another.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GoldenScenariosTest {

    @TempDir
    static Path work;

    /** The key of a scenario's config.properties that names the replay order, not a job option. */
    static final String REPLAY_ORDER = "replay.order";

    /**
     * The key of a scenario's config.properties that names how many reported records must arrive late
     * for the run to be the scenario (a precondition on the arrival order, not a job option).
     */
    static final String LATE_REPORTS = "replay.late-reports";

    /**
     * Runs of a scenario whose arrival order across inputs the replay cannot impose. Each input is its
     * own topic and source; which source reads first is up to the scheduler. A file-order scenario
     * states the late records it needs; a run in which the other inputs had not yet moved the watermark
     * when the late record was read is not the scenario, and is run again (at most this many times).
     */
    private static final int ARRIVAL_ATTEMPTS = 4;

    @RegisterExtension
    static final SharedStack STACK = new SharedStack();

    static Stream<String> scenarios() throws Exception {
        try (Stream<Path> dirs = Files.list(golden())) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void replayEmitsExactlyTheHandComputedRevisions(String scenario) throws Exception {
        Path dir = golden().resolve(scenario);

        Properties options = scenarioOptions(dir);
        LoadOptions loading = LoadOptions.defaults();
        if (options.containsKey(REPLAY_ORDER)) {
            loading = loading.withOrder(InputOrder.parse((String) options.remove(REPLAY_ORDER)));
        }
        long lateReports = Long.parseLong((String) options.getOrDefault(LATE_REPORTS, "0"));
        options.remove(LATE_REPORTS);
        Replay.Result result = null;
        for (int attempt = 1; attempt <= ARRIVAL_ATTEMPTS; attempt++) {
            CleanSlate.reset(STACK.get());
            result = Replay.run(
                    STACK.get().connectorConfig(),
                    new Replay.InputFiles(
                            dir.resolve("contracts.jsonl"),
                            dir.resolve("usage.jsonl"),
                            dir.resolve("reported.jsonl"),
                            dir.resolve("invoices.jsonl")),
                    replayOverrides(options),
                    loading);
            if (result.counts().get(InputKind.REPORTED).late() == lateReports) {
                break;
            }
            System.err.println("scenario " + scenario + ", run " + attempt + ": "
                    + result.counts().get(InputKind.REPORTED).late() + " late reports instead of "
                    + lateReports + " (the inputs were read in another order); running it again");
        }
        // Not reached in any run: the machine was too busy for the scenario's arrival order, which the
        // replay cannot impose. Nothing was checked, so the test says so instead of passing or failing;
        // the late path itself is checked deterministically in the operator harness (ReconcileFunctionTest).
        long late = result.counts().get(InputKind.REPORTED).late();
        Assumptions.assumeTrue(
                late == lateReports,
                "late reports of scenario " + scenario + ": " + late + " instead of " + lateReports
                        + "; its arrival order was not reached in " + ARRIVAL_ATTEMPTS + " runs");
        assertThat(result.counts().values()).allMatch(InputCounts::balanced);
        assertThat(result.deadLetters()).isEmpty();
        AnomalyFiles.assertRevisionsEqual(
                result.anomalies(),
                dir.resolve("expected-anomalies.jsonl"),
                "anomaly revisions of scenario " + scenario);
    }

    /**
     * The README's worked example, each file shuffled, then grouped by account (the last account
     * first) with each account's records latest first, and 2,000 usage events and reports of acct_1
     * on a meter its contract does not list ({@code noise}: unmapped, no anomaly) on March 20. In file
     * order the watermark would reach March 20 on the fillers, before any of acct_1's records of
     * March 2 and 3 is read (the filler records give the 5 ms watermark interval time to fire, as in
     * the late-correction scenario); the hourly checks of March 2 would then have run without them.
     * Replay orders each input by event time, so the job emits exactly the README's revisions.
     */
    @Test
    void theReadmeExampleShuffledAndGroupedByAccountGivesTheSameRevisions() throws Exception {
        CleanSlate.reset(STACK.get());
        Path examples = Path.of("..", "..", "docs", "examples");
        Path shuffled = Files.createDirectories(work.resolve("shuffled-example"));
        Random random = new Random(16);
        for (String name : List.of("contracts.jsonl", "usage.jsonl", "reported.jsonl", "invoices.jsonl")) {
            List<String> lines = new ArrayList<>(Files.readAllLines(examples.resolve(name)));
            for (int i = 0; i < FILLERS && name.equals("usage.jsonl"); i++) {
                lines.add("{\"event_id\":\"noise-" + i + "\",\"account_id\":\"acct_1\",\"meter\":\"noise\","
                        + "\"event_time\":\"2026-03-20T00:00:00Z\",\"quantity\":\"1\"}");
            }
            for (int i = 0; i < FILLERS && name.equals("reported.jsonl"); i++) {
                lines.add("{\"report_id\":\"noise-" + i + "\",\"account_id\":\"acct_1\",\"meter\":\"noise\","
                        + "\"event_time\":\"2026-03-20T00:00:00Z\",\"quantity\":\"1\"}");
            }
            Collections.shuffle(lines, random);
            lines.sort(Comparator.comparing((String l) -> field(l, "account_id"))
                    .thenComparing(l -> field(l, "event_time") + field(l, "period_end"))
                    .reversed());
            Files.write(shuffled.resolve(name), lines);
        }
        List<String> usageLines = Files.readAllLines(shuffled.resolve("usage.jsonl"));
        assertThat(usageLines.get(2)).contains("\"meter\":\"noise\"");
        assertThat(usageLines.get(usageLines.size() - 1)).contains("\"event_id\":\"e-1\"");

        Replay.Result result = Replay.run(
                STACK.get().connectorConfig(),
                new Replay.InputFiles(
                        shuffled.resolve("contracts.jsonl"),
                        shuffled.resolve("usage.jsonl"),
                        shuffled.resolve("reported.jsonl"),
                        shuffled.resolve("invoices.jsonl")),
                replayOverrides(new Properties()));

        AnomalyFiles.assertRevisionsEqual(
                result.anomalies(),
                examples.resolve("expected-anomalies.jsonl"),
                "anomaly revisions of the shuffled README example");
        assertThat(result.counts().values()).allMatch(InputCounts::balanced);
        InputCounts usage = result.counts().get(InputKind.USAGE);
        assertThat(List.of(usage.read(), usage.valid(), usage.deadLettered(), usage.duplicates(), usage.late()))
                .containsExactly(8L + FILLERS, 7L + FILLERS, 1L, 1L, 0L);
        assertThat(result.deadLetters())
                .extracting(DeadLetter::getReason)
                .containsExactlyInAnyOrder(
                        "quantity is negative: -5", "event_time is not an ISO-8601 UTC time: 'yesterday'");
    }

    private static final int FILLERS = 2_000;

    /**
     * The README's example with a byte-order mark before the first contract and the first usage
     * event, and five hostile usage lines among the rest (not UTF-8, 1e29 units, the year
     * +999999999, an exponent of 999999999, a line of 2 MB): the replay ends, every line is
     * accounted for, and the revisions are the README's.
     */
    @Test
    void hostileLinesAreDeadLetteredByTheLoaderAndTheRestGivesTheReadmeRevisions() throws Exception {
        CleanSlate.reset(STACK.get());
        Path examples = Path.of("..", "..", "docs", "examples");
        Path dir = Files.createDirectories(work.resolve("hostile-example"));
        String usage = "{\"event_id\":\"h\",\"account_id\":\"acct_1\",\"meter\":\"api_calls\","
                + "\"event_time\":\"2026-03-02T09:00:00Z\",\"quantity\":\"1\"}";
        List<byte[]> hostile = List.of(
                usage.replace("acct_1", "acct_\u00e9").getBytes(StandardCharsets.ISO_8859_1),
                usage.replace("\"1\"}", "1e29}").getBytes(StandardCharsets.UTF_8),
                usage.replace("2026-03-02T09:00:00Z", "+999999999-01-01T00:00:00Z")
                        .getBytes(StandardCharsets.UTF_8),
                usage.replace("\"1\"}", "1e999999999}").getBytes(StandardCharsets.UTF_8),
                usage.replace("\"meter\"", "\"attributes\":{\"x\":\"" + "y".repeat(2_000_000) + "\"},\"meter\"")
                        .getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write(BOM);
        List<String> lines = Files.readAllLines(examples.resolve("usage.jsonl"));
        for (int i = 0; i < lines.size(); i++) {
            if (i == 3) {
                for (byte[] h : hostile) {
                    file.write(h);
                    file.write('\n');
                }
            }
            file.write((lines.get(i) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        Files.write(dir.resolve("usage.jsonl"), file.toByteArray());
        byte[] contracts = Files.readAllBytes(examples.resolve("contracts.jsonl"));
        ByteArrayOutputStream withBom = new ByteArrayOutputStream();
        withBom.write(BOM);
        withBom.write(contracts);
        Files.write(dir.resolve("contracts.jsonl"), withBom.toByteArray());

        Replay.Result result = Replay.run(
                STACK.get().connectorConfig(),
                new Replay.InputFiles(
                        dir.resolve("contracts.jsonl"),
                        dir.resolve("usage.jsonl"),
                        examples.resolve("reported.jsonl"),
                        examples.resolve("invoices.jsonl")),
                new Configuration());

        AnomalyFiles.assertRevisionsEqual(
                result.anomalies(),
                examples.resolve("expected-anomalies.jsonl"),
                "anomaly revisions of the README example among hostile lines");
        assertThat(result.counts().values()).allMatch(InputCounts::balanced);
        InputCounts u = result.counts().get(InputKind.USAGE);
        assertThat(List.of(u.read(), u.valid(), u.deadLettered())).containsExactly(13L, 7L, 6L);
        assertThat(result.counts().get(InputKind.CONTRACTS).valid()).isEqualTo(2);
        assertThat(result.deadLetters())
                .filteredOn(d -> d.getSource().equals("usage.jsonl"))
                .extracting(DeadLetter::getOffset, DeadLetter::getReason)
                .containsExactly(
                        tuple(4L, "line 4 is not valid UTF-8"),
                        tuple(
                                5L,
                                "quantity 100000000000000000000000000000 is not below the limit of 10^18 units per record"),
                        tuple(6L, "event_time +999999999-01-01T00:00:00Z is outside the years 1970 to 9999"),
                        tuple(
                                7L,
                                "quantity 1E+999999999 is out of range: more than 38 digits before the decimal point"),
                        tuple(
                                8L,
                                String.format(
                                        "line 8 is %,d bytes long, more than the limit of 1,048,576 bytes",
                                        hostile.get(4).length)),
                        // The job refuses this one; it is reported as its line too.
                        tuple(11L, "quantity is negative: -5"));
    }

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private static String field(String line, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]*)\"").matcher(line);
        return m.find() ? m.group(1) : "";
    }

    /**
     * A watermark is emitted by each source every auto-watermark interval of processing time. The
     * late-correction scenario needs the watermark of the records read just before its late record to
     * be emitted before that record is read; a short interval makes that happen while the filler
     * records of that scenario are read. Every other scenario has inputs in event-time order, so its
     * revisions do not depend on when watermarks are emitted.
     */
    private static Configuration replayOverrides(Properties options) {
        Configuration c = new Configuration();
        c.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, Duration.ofMillis(5));
        options.stringPropertyNames().forEach(k -> c.setString(k, options.getProperty(k)));
        return c;
    }

    /**
     * A scenario may set job options of its own (config.properties), stated in its README, and the
     * order of the replay ({@value #REPLAY_ORDER}: event-time, the default, or file).
     */
    private static Properties scenarioOptions(Path dir) throws java.io.IOException {
        Properties p = new Properties();
        Path options = dir.resolve("config.properties");
        if (Files.exists(options)) {
            try (var in = Files.newBufferedReader(options)) {
                p.load(in);
            }
        }
        return p;
    }

    private static Path golden() throws URISyntaxException {
        return Path.of(GoldenScenariosTest.class.getResource("/golden").toURI());
    }
}
