package io.reckon.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.connectors.embedded.EmbeddedStack;
import io.reckon.connectors.kafka.KafkaOptions;
import io.reckon.connectors.kafka.TopicAdmin;
import io.reckon.connectors.kafka.Topics;
import io.reckon.jobs.testing.AnomalyFiles;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
 * <p>One stack serves the whole class because starting Kafka and PostgreSQL costs far more than a
 * small replay; each scenario starts from a clean slate (topics deleted and recreated, sink tables
 * truncated), so no record or revision of one scenario can reach another.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GoldenScenariosTest {

    private static final List<String> SINK_TABLES =
            List.of("anomalies", "anomaly_revisions", "hourly_usage", "unmapped_usage");
    private static final Duration TOPIC_RESET_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    static Path work;

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
        cleanSlate();

        Replay.Result result = Replay.run(
                stack.connectorConfig(),
                new Replay.InputFiles(
                        dir.resolve("contracts.jsonl"),
                        dir.resolve("usage.jsonl"),
                        dir.resolve("reported.jsonl"),
                        dir.resolve("invoices.jsonl")),
                replayOverrides(dir));

        assertThat(result.counts().values()).allMatch(InputCounts::balanced);
        assertThat(result.deadLetters()).isEmpty();
        AnomalyFiles.assertRevisionsEqual(
                result.anomalies(),
                dir.resolve("expected-anomalies.jsonl"),
                "anomaly revisions of scenario " + scenario);
    }

    /**
     * A watermark is emitted by each source every auto-watermark interval of processing time. The
     * late-correction scenario needs the watermark of the records read just before its late record to
     * be emitted before that record is read; a short interval makes that happen while the filler
     * records of that scenario are read. Every other scenario has inputs in event-time order, so its
     * revisions do not depend on when watermarks are emitted.
     */
    private static Configuration replayOverrides(Path dir) throws java.io.IOException {
        Configuration c = new Configuration();
        c.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, Duration.ofMillis(5));
        // A scenario may set job options of its own (config.properties), stated in its README.
        Path options = dir.resolve("config.properties");
        if (Files.exists(options)) {
            java.util.Properties p = new java.util.Properties();
            try (var in = Files.newBufferedReader(options)) {
                p.load(in);
            }
            p.stringPropertyNames().forEach(k -> c.setString(k, p.getProperty(k)));
        }
        return c;
    }

    private void cleanSlate() throws Exception {
        Configuration conf = stack.connectorConfig();
        try (TopicAdmin topics = TopicAdmin.connect(conf)) {
            Admin admin = topics.admin();
            long timeout = TOPIC_RESET_TIMEOUT.toMillis();
            Set<String> existing = admin.listTopics().names().get(timeout, TimeUnit.MILLISECONDS);
            List<String> ours = Topics.ALL.stream().filter(existing::contains).toList();
            if (!ours.isEmpty()) {
                admin.deleteTopics(ours).all().get(timeout, TimeUnit.MILLISECONDS);
            }
            // Deletion completes asynchronously on the broker; a topic still marked for deletion
            // cannot be created again.
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
            while (true) {
                topics.ensureTopics(conf.get(KafkaOptions.TOPIC_PARTITIONS));
                Set<String> now = admin.listTopics().names().get(timeout, TimeUnit.MILLISECONDS);
                if (now.containsAll(Topics.ALL) && allPartitionsReady(admin, conf, timeout)) {
                    break;
                }
                assertThat(System.nanoTime()).as("topics recreated in time").isLessThan(deadline);
                Thread.sleep(100);
            }
        }
        try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUsername(), stack.jdbcPassword());
                Statement s = c.createStatement()) {
            s.execute("TRUNCATE " + String.join(", ", SINK_TABLES));
        }
    }

    private static boolean allPartitionsReady(Admin admin, Configuration conf, long timeoutMs) throws Exception {
        try {
            return admin
                    .describeTopics(Topics.ALL)
                    .allTopicNames()
                    .get(timeoutMs, TimeUnit.MILLISECONDS)
                    .values()
                    .stream()
                    .allMatch(d -> d.partitions().size() == conf.get(KafkaOptions.TOPIC_PARTITIONS)
                            && d.partitions().stream().allMatch(p -> p.leader() != null));
        } catch (ExecutionException e) {
            return false; // metadata of a just-created topic not yet everywhere
        }
    }

    private static Path golden() throws URISyntaxException {
        return Path.of(GoldenScenariosTest.class.getResource("/golden").toURI());
    }
}
