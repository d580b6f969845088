package io.reckon.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.avro.DeadLetter;
import io.reckon.connectors.embedded.EmbeddedStack;
import io.reckon.jobs.sources.InputKind;
import io.reckon.jobs.testing.AnomalyFiles;
import java.net.URISyntaxException;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
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

    private EmbeddedStack stack;

    @BeforeAll
    void startStack() {
        stack = EmbeddedStack.start(work.resolve("stack"));
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    static Stream<String> scenarios() throws Exception {
        try (Stream<Path> dirs = Files.list(golden())) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void replayEmitsExactlyTheHandComputedRevisions(String scenario) throws Exception {
        Path dir = golden().resolve(scenario);
        CleanSlate.reset(stack);

        Properties options = scenarioOptions(dir);
        LoadOptions loading = LoadOptions.defaults();
        if (options.containsKey(REPLAY_ORDER)) {
            loading = loading.withOrder(InputOrder.parse((String) options.remove(REPLAY_ORDER)));
        }
        Replay.Result result = Replay.run(
                stack.connectorConfig(),
                new Replay.InputFiles(
                        dir.resolve("contracts.jsonl"),
                        dir.resolve("usage.jsonl"),
                        dir.resolve("reported.jsonl"),
                        dir.resolve("invoices.jsonl")),
                replayOverrides(options),
                loading);

        assertThat(result.counts().values()).allMatch(InputCounts::balanced);
        assertThat(result.deadLetters()).isEmpty();
        AnomalyFiles.assertRevisionsEqual(
                result.anomalies(),
                dir.resolve("expected-anomalies.jsonl"),
                "anomaly revisions of scenario " + scenario);
    }

    /**
     * The README's worked example with each file shuffled and then grouped by account, the last
     * account first: in file order, every record of acct_1 (March 2 and 3) would come after acct_2's
     * of March 20, 17 days later in event time. Replay orders each input by event time, so the job
     * sees what it sees for the files in order and emits exactly the README's revisions.
     */
    @Test
    void theReadmeExampleShuffledAndGroupedByAccountGivesTheSameRevisions() throws Exception {
        CleanSlate.reset(stack);
        Path examples = Path.of("..", "docs", "examples");
        Path shuffled = Files.createDirectories(work.resolve("shuffled-example"));
        Random random = new Random(16);
        for (String name : List.of("contracts.jsonl", "usage.jsonl", "reported.jsonl", "invoices.jsonl")) {
            List<String> lines = new ArrayList<>(Files.readAllLines(examples.resolve(name)));
            Collections.shuffle(lines, random);
            lines.sort(Comparator.comparing(GoldenScenariosTest::accountOf).reversed());
            Files.write(shuffled.resolve(name), lines);
        }
        assertThat(accountOf(Files.readAllLines(shuffled.resolve("usage.jsonl")).get(0)))
                .isEqualTo("acct_2");

        Replay.Result result = Replay.run(
                stack.connectorConfig(),
                new Replay.InputFiles(
                        shuffled.resolve("contracts.jsonl"),
                        shuffled.resolve("usage.jsonl"),
                        shuffled.resolve("reported.jsonl"),
                        shuffled.resolve("invoices.jsonl")),
                new Configuration());

        AnomalyFiles.assertRevisionsEqual(
                result.anomalies(),
                examples.resolve("expected-anomalies.jsonl"),
                "anomaly revisions of the shuffled README example");
        assertThat(result.counts().values()).allMatch(InputCounts::balanced);
        InputCounts usage = result.counts().get(InputKind.USAGE);
        assertThat(List.of(usage.read(), usage.valid(), usage.deadLettered(), usage.duplicates(), usage.unmapped()))
                .containsExactly(8L, 7L, 1L, 1L, 1L);
        assertThat(result.deadLetters())
                .extracting(DeadLetter::getReason)
                .containsExactlyInAnyOrder(
                        "quantity is negative: -5", "event_time is not an ISO-8601 UTC time: 'yesterday'");
    }

    private static String accountOf(String line) {
        Matcher m = ACCOUNT.matcher(line);
        return m.find() ? m.group(1) : "";
    }

    private static final Pattern ACCOUNT = Pattern.compile("\"account_id\":\"([^\"]*)\"");

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
