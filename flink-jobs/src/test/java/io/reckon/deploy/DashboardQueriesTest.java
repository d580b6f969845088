package io.reckon.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reckon.connectors.embedded.EmbeddedStack;
import io.reckon.replay.Replay;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every panel query of the Grafana dashboard runs against the sink tables as the job fills them:
 * the README's example replayed through the production job graph into real PostgreSQL.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardQueriesTest {

    private static final Path EXAMPLES = Path.of("..", "docs", "examples");

    /** Grafana's $__timeFilter(column), expanded as Grafana does for a range wide enough for the example. */
    private static final Pattern TIME_FILTER = Pattern.compile("\\$__timeFilter\\(([a-z_]+)\\)");

    private static final String TIME_RANGE =
            "BETWEEN '2000-01-01T00:00:00Z'::timestamptz AND '2100-01-01T00:00:00Z'::timestamptz";

    @TempDir
    static Path work;

    private EmbeddedStack stack;
    private Map<String, String> queries;

    @BeforeAll
    void replayTheExampleIntoPostgres() throws Exception {
        queries = new LinkedHashMap<>();
        JsonNode dashboard = new ObjectMapper().readTree(Chart.DASHBOARD.toFile());
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                queries.put(
                        panel.path("id").asText() + " " + panel.path("title").asText() + " "
                                + target.path("refId").asText(),
                        target.path("rawSql").asText());
            }
        }
        stack = EmbeddedStack.start(work.resolve("stack"));
        Replay.run(
                stack.connectorConfig(),
                new Replay.InputFiles(
                        EXAMPLES.resolve("contracts.jsonl"),
                        EXAMPLES.resolve("usage.jsonl"),
                        EXAMPLES.resolve("reported.jsonl"),
                        EXAMPLES.resolve("invoices.jsonl")),
                new Configuration());
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void everyPanelQueryRunsAgainstTheSinkTables() throws Exception {
        assertThat(queries).hasSizeGreaterThanOrEqualTo(8);
        for (Map.Entry<String, String> query : queries.entrySet()) {
            assertThat(query.getValue()).as(query.getKey()).isNotBlank();
            // Throws with the query's name if a table, column or function does not exist.
            rows(query.getKey(), query.getValue());
        }
    }

    @Test
    void anomaliesByTypeShowEveryTypeOfTheExample() throws Exception {
        Set<String> types = new HashSet<>();
        for (Map<String, Object> row : rowsOf("Anomalies found by type")) {
            types.add((String) row.get("metric"));
            assertThat(((Number) row.get("anomalies")).longValue()).isPositive();
        }
        assertThat(types)
                .containsExactlyInAnyOrder(
                        "UNDER_REPORTED_USAGE", "OVER_REPORTED_USAGE", "MISSED_OVERAGE", "REPORTING_GAP");
    }

    @Test
    void leakedAmountsLeaveSignalsOutAndAreExactMinorUnits() throws Exception {
        List<Map<String, Object>> rows = rowsOf("Leaked amount by type (minor units)");
        assertThat(rows).isNotEmpty();
        long total = 0;
        for (Map<String, Object> row : rows) {
            assertThat((String) row.get("metric")).doesNotStartWith("REPORTING_GAP");
            total += ((Number) row.get("amount_minor")).longValue();
        }
        assertThat(total)
                .isEqualTo(scalar("SELECT sum(amount_minor) FROM anomalies WHERE type NOT IN"
                        + " ('REPORTING_GAP', 'USAGE_SPIKE', 'USAGE_DROP') AND status <> 'resolved'"));
        assertThat(total).isPositive();
    }

    @Test
    void topAccountsAndOpenAnomaliesReturnRows() throws Exception {
        List<Map<String, Object>> top = rowsOf("Top accounts by leaked amount");
        assertThat(top).isNotEmpty();
        assertThat(top.get(0).get("account_id")).isNotNull();
        assertThat(rowsOf("Open anomalies")).isNotEmpty();
        assertThat(rowsOf("Reporting gaps")).isNotEmpty();
        assertThat(rowsOf("Unmapped usage")).isNotEmpty();
        assertThat(rowsOf("Unreported quantity per hour")).isNotEmpty();
        assertThat(((Number) rowsOf("Revisions written").get(0).get("revisions")).longValue())
                .isEqualTo(scalar("SELECT count(*) FROM anomaly_revisions"))
                .isGreaterThan(scalar("SELECT count(*) FROM anomalies"));
    }

    private List<Map<String, Object>> rowsOf(String title) throws Exception {
        List<Map<String, Object>> all = new ArrayList<>();
        boolean found = false;
        for (Map.Entry<String, String> query : queries.entrySet()) {
            if (query.getKey().matches("\\d+ " + Pattern.quote(title) + " [A-Z]")) {
                found = true;
                all.addAll(rows(query.getKey(), query.getValue()));
            }
        }
        assertThat(found).as("a panel titled " + title).isTrue();
        return all;
    }

    private List<Map<String, Object>> rows(String name, String rawSql) throws Exception {
        String sql = expandMacros(rawSql);
        assertThat(sql).as(name + ": unexpanded Grafana macro or variable").doesNotContain("$");
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection c = connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= columns; i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError(name + " failed: " + e.getMessage() + "\n" + sql, e);
        }
        return rows;
    }

    private long scalar(String sql) throws Exception {
        try (Connection c = connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Connection connect() throws Exception {
        return DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUsername(), stack.jdbcPassword());
    }

    static String expandMacros(String rawSql) {
        Matcher m = TIME_FILTER.matcher(rawSql);
        return m.replaceAll(r -> Matcher.quoteReplacement(r.group(1) + " " + TIME_RANGE));
    }
}
