package io.reckon.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.cli.LiveStackInstructions;
import io.reckon.connectors.embedded.EmbeddedPostgres;
import io.reckon.connectors.embedded.EmbeddedStack;
import io.reckon.connectors.kafka.KafkaOptions;
import io.reckon.connectors.kafka.TopicAdmin;
import io.reckon.connectors.kafka.Topics;
import io.reckon.jobs.ReconOptions;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients nobody here wrote: Confluent's JavaScript clients ({@code @confluentinc/kafka-javascript} and
 * {@code @confluentinc/schemaregistry} from npm) produce a contract and Avro usage into a running stack
 * (embedded Kafka, the Apicurio registry over HTTP, the live reconciliation job of {@code reckon demo
 * --keep-running}), and the hourly rollup and the anomaly follow in PostgreSQL. The contract is produced
 * before the live job starts, which reads contracts as a table, from the earliest offset. Then every
 * command the live stack prints is run as a person would paste it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JavaScriptClientTest {

    private static final Path AVRO = Path.of("..", "..", "avro", "src", "main", "avro");
    private static final String ACCOUNT = "acct_js";

    @TempDir
    static Path work;

    private EmbeddedStack stack;
    private LiveJob live;
    private LiveStackInstructions instructions;

    @BeforeAll
    void produceWithTheJavaScriptClientsIntoALiveStack() throws Exception {
        NodeClient node = NodeClient.installOrSkip();
        stack = EmbeddedStack.start(work.resolve("stack"));
        Configuration conf = stack.connectorConfig();
        try (TopicAdmin admin = TopicAdmin.connect(conf)) {
            admin.ensureTopics(conf.get(KafkaOptions.TOPIC_PARTITIONS));
        }
        // 1 cent per API call, from January 2026 on.
        String contract = node.produceAvro(
                stack.bootstrapServers(),
                stack.schemaRegistryUrl(),
                Topics.CONTRACTS,
                AVRO.resolve("contract.avsc"),
                lines(
                        "contracts.jsonl",
                        "{\"key\":\"acct_js:1\",\"value\":{\"account_id\":\"acct_js\",\"version\":1,"
                                + "\"effective_from\":\"2026-01-01T00:00:00Z\",\"currency\":\"usd\",\"meters\":[{"
                                + "\"meter\":\"api_calls\",\"pricing\":{\"model\":\"per_unit\",\"unit_amount_decimal\":\"1\"}}]}}"));
        assertThat(contract).contains("produced 1 record(s) to recon.contracts");

        conf.set(ReconOptions.SOURCE_IDLE_TIMEOUT, Duration.ofSeconds(2));
        conf.setString(LiveJob.PROMETHEUS_PORT_KEY, String.valueOf(freePort()));
        live = LiveJob.start(conf);

        // 7,500 calls between 10:00 and 11:00, never reported; three later calls (event time follows
        // a partition where three records with distinct ids reached it) move it past the 2-hour
        // reporting delay of that hour.
        String usage = node.produceAvro(
                stack.bootstrapServers(),
                stack.schemaRegistryUrl(),
                Topics.USAGE,
                AVRO.resolve("usage_event.avsc"),
                lines(
                        "usage.jsonl",
                        usage("js-1", "2026-03-02T10:05:00Z", "5000"),
                        usage("js-2", "2026-03-02T10:35:00Z", "2500.5"),
                        usage("js-3", "2026-03-02T13:30:00Z", "1"),
                        usage("js-4", "2026-03-02T13:31:00Z", "1"),
                        usage("js-5", "2026-03-02T13:32:00Z", "1")));
        assertThat(usage).contains("produced 5 record(s) to recon.usage");

        EmbeddedPostgres.Login reader = stack.jdbcReader();
        Path pgpass = LiveStackInstructions.writePgpass(
                work.resolve(".pgpass"),
                stack.postgres().port(),
                EmbeddedPostgres.DATABASE,
                reader.username(),
                reader.password());
        instructions = new LiveStackInstructions(
                stack.bootstrapServers(),
                stack.schemaRegistryUrl(),
                stack.postgres().port(),
                EmbeddedPostgres.DATABASE,
                reader.username(),
                pgpass,
                live.metricsUrl());
    }

    @AfterAll
    void stop() throws Exception {
        if (live != null) {
            live.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theHourlyRollupOfTheJavaScriptUsageIsWritten() throws Exception {
        Map<String, Object> hour = awaitRow(
                "SELECT actual_quantity, reported_quantity, usage_records FROM hourly_usage WHERE account_id = '"
                        + ACCOUNT + "' AND meter = 'api_calls' AND hour_start = '2026-03-02T10:00:00Z'");
        assertThat((java.math.BigDecimal) hour.get("actual_quantity")).isEqualByComparingTo("7500.5");
        assertThat((java.math.BigDecimal) hour.get("reported_quantity")).isEqualByComparingTo("0");
        assertThat(((Number) hour.get("usage_records")).longValue()).isEqualTo(2);
    }

    @Test
    void theUnreportedUsageBecomesAnAnomalyPricedByTheContractProducedBeforeTheJobStarted() throws Exception {
        Map<String, Object> anomaly = awaitRow("SELECT type, currency, amount_minor, actual_quantity FROM anomalies"
                + " WHERE account_id = '" + ACCOUNT + "' AND type = 'UNDER_REPORTED_USAGE'");
        assertThat(anomaly.get("currency")).isEqualTo("usd");
        // 7,500.5 calls at 1 cent: 7,500.5 cents, rounded half-even to 7,500 (docs/pricing.md).
        assertThat(((Number) anomaly.get("amount_minor")).longValue()).isGreaterThanOrEqualTo(7_500L);
        assertThat(scalar("SELECT count(*) FROM unmapped_usage WHERE account_id = '" + ACCOUNT + "'"))
                .as("the contract is known: nothing unmapped")
                .isZero();
    }

    @Test
    void everyCommandTheLiveStackPrintsWorksWhenPasted() throws Exception {
        awaitRow("SELECT 1 FROM anomalies WHERE account_id = '" + ACCOUNT + "'");
        Map<String, String> expected = new LinkedHashMap<>();
        List<String> commands = instructions.commands();
        expected.put(commands.get(0), "UNDER_REPORTED_USAGE");
        expected.put(commands.get(1), "recon.usage-value");
        expected.put(commands.get(2), "flink_taskmanager_job_task_operator_usage_read");
        expected.put(commands.get(3), "anomaly ");
        assertThat(expected.keySet()).containsExactlyElementsOf(commands);
        assertThat(instructions.render()).contains(instructions.psql(), stack.schemaRegistryUrl());
        List<String> skipped = new ArrayList<>();
        for (Map.Entry<String, String> e : expected.entrySet()) {
            String tool =
                    e.getKey().startsWith("PGPASSFILE=") ? "psql" : e.getKey().split(" ")[0];
            if (!onPath(tool)) {
                skipped.add(tool);
                continue;
            }
            assertThat(shell(e.getKey())).as(e.getKey()).contains(e.getValue());
        }
        assertThat(skipped)
                .as("psql and curl are on every machine of this project's kind")
                .doesNotContain("psql", "curl");
        if (!skipped.isEmpty()) {
            System.out.println("Not on the PATH, so not run: " + skipped);
        }
    }

    private static String usage(String id, String time, String quantity) {
        return "{\"key\":\"" + ACCOUNT + "\",\"value\":{\"event_id\":\"" + id + "\",\"account_id\":\"" + ACCOUNT
                + "\",\"meter\":\"api_calls\",\"event_time\":\"" + time + "\",\"quantity\":\"" + quantity + "\"}}";
    }

    private static Path lines(String name, String... lines) throws Exception {
        return Files.write(work.resolve(name), List.of(lines), StandardCharsets.UTF_8);
    }

    /** The first row of {@code sql}, as the dashboards' read-only role, once it exists (within 90 s). */
    private Map<String, Object> awaitRow(String sql) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            try (Connection c = reader();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(sql)) {
                if (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                    }
                    return row;
                }
            }
            assertThat(System.nanoTime()).as("a row for: " + sql).isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    private long scalar(String sql) throws Exception {
        try (Connection c = reader();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Connection reader() throws Exception {
        return DriverManager.getConnection(
                stack.jdbcUrl(),
                stack.jdbcReader().username(),
                stack.jdbcReader().password());
    }

    private static String shell(String command) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", command)
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(command).isTrue();
        assertThat(p.exitValue()).as(command + "\n" + out).isZero();
        return out;
    }

    private static boolean onPath(String tool) throws Exception {
        return new ProcessBuilder("bash", "-c", "command -v " + tool).start().waitFor() == 0;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
