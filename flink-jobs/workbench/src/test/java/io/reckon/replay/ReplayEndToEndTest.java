package io.reckon.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reckon.avro.DeadLetter;
import io.reckon.connectors.embedded.EmbeddedStack;
import io.reckon.jobs.sources.InputKind;
import io.reckon.jobs.testing.AnomalyFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's worked example through the production job graph: JSON Lines into a real KRaft broker
 * (Avro, Confluent wire format), the job on a local cluster with exactly-once Kafka sinks and JDBC
 * upserts into real PostgreSQL, the anomaly topic read back with read_committed. The expected
 * anomalies are written by hand in docs/examples/expected-anomalies.jsonl.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplayEndToEndTest {

    private static final Path EXAMPLES = Path.of("..", "..", "docs", "examples");

    @TempDir
    static Path work;

    private EmbeddedStack stack;
    private Replay.Result result;

    @BeforeAll
    void replayTheReadmeExample() throws Exception {
        stack = EmbeddedStack.start(work.resolve("stack"));
        result = Replay.run(
                stack.connectorConfig(),
                new Replay.InputFiles(
                        EXAMPLES.resolve("contracts.jsonl"),
                        EXAMPLES.resolve("usage.jsonl"),
                        EXAMPLES.resolve("reported.jsonl"),
                        EXAMPLES.resolve("invoices.jsonl")),
                new Configuration(),
                LoadOptions.defaults(),
                conf -> {},
                work.resolve("forecasts.jsonl"));
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theAnomalyTopicHoldsExactlyTheRevisionsTheReadmeShows() throws Exception {
        AnomalyFiles.assertRevisionsEqual(result.anomalies(), EXAMPLES.resolve("expected-anomalies.jsonl"));
    }

    @Test
    void everyInputIsAccountedFor() {
        InputCounts usage = result.counts().get(InputKind.USAGE);
        assertThat(usage.read()).isEqualTo(8);
        assertThat(usage.valid()).isEqualTo(7);
        assertThat(usage.deadLettered()).isEqualTo(1);
        assertThat(usage.duplicates()).isEqualTo(1);
        assertThat(usage.unmapped()).isEqualTo(1);
        InputCounts reported = result.counts().get(InputKind.REPORTED);
        assertThat(reported.read()).isEqualTo(4);
        assertThat(reported.valid()).isEqualTo(3);
        assertThat(reported.deadLettered()).isEqualTo(1);
        assertThat(result.counts().get(InputKind.CONTRACTS).valid()).isEqualTo(2);
        assertThat(result.counts().get(InputKind.INVOICES).valid()).isEqualTo(2);
        assertThat(result.counts().values()).allMatch(InputCounts::balanced);
    }

    @Test
    void badRecordsAreDeadLetteredWithTheirReason() throws Exception {
        assertThat(result.deadLetters())
                .extracting(DeadLetter::getReason)
                .containsExactlyInAnyOrder(
                        "quantity is negative: -5", "event_time is not an ISO-8601 UTC time: 'yesterday'");
        DeadLetter loaderRejected = result.deadLetters().stream()
                .filter(d -> d.getSource().equals("reported.jsonl"))
                .findFirst()
                .orElseThrow();
        assertThat(loaderRejected.getOffset()).isEqualTo(4L);
        // Refused by the job, reported as the line of the file it came from, not as a record of the topic.
        DeadLetter jobRejected = result.deadLetters().stream()
                .filter(d -> d.getReason().equals("quantity is negative: -5"))
                .findFirst()
                .orElseThrow();
        assertThat(jobRejected.getSource()).isEqualTo("usage.jsonl");
        assertThat(jobRejected.getPartition()).isNull();
        assertThat(jobRejected.getOffset()).isEqualTo(6L);
        assertThat(java.nio.charset.StandardCharsets.UTF_8
                        .decode(jobRejected.getRaw().duplicate())
                        .toString())
                .isEqualTo(Files.readAllLines(EXAMPLES.resolve("usage.jsonl")).get(5));
    }

    @Test
    void thePostgresTablesHoldTheLatestRevisionsTheAuditTrailAndTheRollups() throws Exception {
        try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUsername(), stack.jdbcPassword());
                Statement s = c.createStatement()) {
            assertThat(rows(s, "SELECT type || ':' || revision || ':' || amount_minor || ':' || final FROM anomalies"))
                    .containsExactlyInAnyOrder(
                            "UNDER_REPORTED_USAGE:2:1250:true",
                            "REPORTING_GAP:2:1250:true",
                            "MISSED_OVERAGE:2:500:true",
                            "OVER_REPORTED_USAGE:1:1500:true");
            assertThat(rows(s, "SELECT anomaly_id || '#' || revision FROM anomaly_revisions"))
                    .hasSize(7);
            assertThat(rows(
                            s,
                            "SELECT to_char(hour_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24') || '='"
                                    + " || trim_scale(actual_quantity) || '/' || trim_scale(reported_quantity)"
                                    + " || ' ' || aggregation || ' ' || trim_scale(actual_aggregate) || '/'"
                                    + " || trim_scale(reported_aggregate) FROM hourly_usage"
                                    + " WHERE account_id = 'acct_1' AND meter = 'api_calls'"))
                    .containsExactlyInAnyOrder(
                            "2026-03-02T09=5000/5000 sum 5000/5000",
                            "2026-03-02T10=4000/4000 sum 4000/4000",
                            "2026-03-02T11=3000/0 sum 3000/0");
            // The unmapped meter's hours have their raw figures and no aggregates.
            assertThat(rows(
                            s,
                            "SELECT trim_scale(actual_quantity) || '/' || coalesce(aggregation, 'none') FROM hourly_usage"
                                    + " WHERE account_id = 'acct_1' AND meter = 'webhooks'"))
                    .isNotEmpty()
                    .allSatisfy(r -> assertThat(r).endsWith("/none"));
            assertThat(rows(
                            s,
                            "SELECT account_id || '/' || meter || ':' || reason || ':' || usage_records"
                                    + " FROM unmapped_usage"))
                    .containsExactly("acct_1/webhooks:meter_not_in_contract:1");
        }
    }

    @Test
    void theForecastsFileHoldsEveryRevisionAndTheTableTheLatest() throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(work.resolve("forecasts.jsonl"))) {
            lines.add(new ObjectMapper().readTree(line));
        }
        List<JsonNode> march = lines.stream()
                .filter(n -> n.get("account_id").asText().equals("acct_1")
                        && n.get("meter").asText().equals("api_calls")
                        && n.get("period_start").asText().equals("2026-03-01T00:00:00Z"))
                .toList();
        // At 10:00 on 2 March: 5,000 in the 34 hours so far, no period before it: 5,000 + 5,000 / 34 x 710
        // = 109,411.764706; 1,000 included, 10,000 at 0.5 and 98,411.764706 at 0.25 = 29,602.94 cents.
        JsonNode early = march.stream()
                .filter(n -> n.get("as_of").asText().equals("2026-03-02T10:00:00Z"))
                .findFirst()
                .orElseThrow();
        assertThat(early.get("currency").asText()).isEqualTo("usd");
        assertThat(early.get("quantity_so_far").asText()).isEqualTo("5000");
        assertThat(early.get("projected_quantity").asText()).isEqualTo("109411.764706");
        assertThat(early.get("projected_amount_minor").asLong()).isEqualTo(29603);
        assertThat(early.get("amount_low_minor").asLong()).isLessThan(29603);
        assertThat(early.get("amount_high_minor").asLong()).isGreaterThan(29603);
        // The last revision is the period's actual figures, the expected amount of the README's anomalies.
        JsonNode last = march.get(march.size() - 1);
        assertThat(last.get("final").asBoolean()).isTrue();
        assertThat(last.get("projected_quantity").asText()).isEqualTo("12000");
        assertThat(last.get("projected_amount_minor").asLong()).isEqualTo(5250);
        assertThat(last.get("amount_low_minor").asLong()).isEqualTo(5250);
        assertThat(last.get("amount_high_minor").asLong()).isEqualTo(5250);
        assertThat(march).extracting(n -> n.get("as_of").asText()).isSorted();
        try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUsername(), stack.jdbcPassword());
                Statement s = c.createStatement()) {
            assertThat(rows(
                            s,
                            "SELECT projected_quantity::float8 || ':' || projected_amount_minor || ':' || final"
                                    + " FROM period_forecasts WHERE account_id = 'acct_1' AND meter = 'api_calls'"
                                    + " AND period_start = '2026-03-01T00:00:00Z'"))
                    .containsExactly("12000:5250:true");
        }
    }

    private static List<String> rows(Statement s, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                out.add(r.getString(1));
            }
        }
        return out;
    }
}
