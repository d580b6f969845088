package io.reckon.connectors.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reckon.connectors.embedded.EmbeddedPostgres;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class PostgresSinksTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    static final String UPSERT_HOURLY_USAGE = "INSERT INTO hourly_usage (account_id, meter, hour_start,"
            + " actual_quantity, reported_quantity, usage_records, reported_records, updated_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, now())"
            + " ON CONFLICT (account_id, meter, hour_start) DO UPDATE SET"
            + " actual_quantity = EXCLUDED.actual_quantity, reported_quantity = EXCLUDED.reported_quantity,"
            + " usage_records = EXCLUDED.usage_records, reported_records = EXCLUDED.reported_records,"
            + " updated_at = EXCLUDED.updated_at";

    static final JdbcStatementBuilder<HourlyUsage> BIND_HOURLY_USAGE = (ps, row) -> {
        ps.setString(1, row.accountId());
        ps.setString(2, row.meter());
        ps.setObject(3, OffsetDateTime.ofInstant(row.hourStart(), ZoneOffset.UTC));
        ps.setBigDecimal(4, row.actualQuantity());
        ps.setBigDecimal(5, row.reportedQuantity());
        ps.setLong(6, row.usageRecords());
        ps.setLong(7, row.reportedRecords());
    };

    static final Instant HOUR = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    static Path dataDir;

    static EmbeddedPostgres postgres;

    @BeforeAll
    static void startPostgres() {
        postgres = EmbeddedPostgres.start(dataDir);
        SchemaMigrations.migrate(postgres.jdbcUrl(), postgres.username(), postgres.password());
    }

    @AfterAll
    static void stopPostgres() {
        postgres.close();
    }

    /** Flink needs a public class with a public constructor or a record to avoid Kryo; a record it is. */
    public record HourlyUsage(
            String accountId,
            String meter,
            Instant hourStart,
            BigDecimal actualQuantity,
            BigDecimal reportedQuantity,
            long usageRecords,
            long reportedRecords) {}

    @Test
    void replayingTheSameRowsLeavesOneRowPerKeyWithTheLatestValues() throws Exception {
        List<HourlyUsage> rows = List.of(
                new HourlyUsage("acct-1", "api_calls", HOUR, new BigDecimal("10.000000001"), new BigDecimal("8"), 3, 2),
                new HourlyUsage("acct-2", "api_calls", HOUR, new BigDecimal("5"), new BigDecimal("5"), 1, 1),
                new HourlyUsage("acct-1", "storage_gb", HOUR, new BigDecimal("0.5"), new BigDecimal("0"), 1, 0),
                // A later revision of the first key: it must win.
                new HourlyUsage("acct-1", "api_calls", HOUR, new BigDecimal("12.5"), new BigDecimal("9"), 4, 3));

        runJob(rows);
        List<String> afterFirstRun = table();
        // The replay a restart from an older checkpoint would cause.
        runJob(rows);

        assertThat(afterFirstRun)
                .containsExactly(
                        "acct-1|api_calls|2026-03-01T10:00:00Z|12.500000000|9.000000000|4|3",
                        "acct-1|storage_gb|2026-03-01T10:00:00Z|0.500000000|0.000000000|1|0",
                        "acct-2|api_calls|2026-03-01T10:00:00Z|5.000000000|5.000000000|1|1");
        assertThat(table()).isEqualTo(afterFirstRun);
    }

    @Test
    void rejectsAnInsertThatAReplayWouldDuplicate() {
        Configuration conf = connection();

        assertThatThrownBy(() -> PostgresSinks.upsert(
                        conf, "insert into hourly_usage (account_id) values (?)", BIND_HOURLY_USAGE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ON CONFLICT");
    }

    @Test
    void takesBatchingFromTheConfiguration() {
        Configuration conf = connection();
        conf.set(JdbcOptions.BATCH_SIZE, 7);
        conf.set(JdbcOptions.BATCH_INTERVAL, java.time.Duration.ofMillis(250));
        conf.set(JdbcOptions.MAX_RETRIES, 2);

        var options = PostgresSinks.executionOptions(conf);

        assertThat(options.getBatchSize()).isEqualTo(7);
        assertThat(options.getBatchIntervalMs()).isEqualTo(250);
        assertThat(options.getMaxRetries()).isEqualTo(2);
    }

    private static void runJob(List<HourlyUsage> rows) throws Exception {
        Configuration conf = connection();
        // Smaller than the input, so the job flushes more than one batch.
        conf.set(JdbcOptions.BATCH_SIZE, 2);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        // One writer: the rows reach the table in input order, as they would for one key of a keyed stream.
        env.setParallelism(1);
        env.fromData(HourlyUsage.class, rows.toArray(HourlyUsage[]::new))
                .sinkTo(PostgresSinks.upsert(conf, UPSERT_HOURLY_USAGE, BIND_HOURLY_USAGE))
                .name("hourly-usage-postgres");
        env.execute("postgres-sink-test");
    }

    private static Configuration connection() {
        Configuration conf = new Configuration();
        conf.set(JdbcOptions.URL, postgres.jdbcUrl());
        conf.set(JdbcOptions.USERNAME, postgres.username());
        conf.set(JdbcOptions.PASSWORD, postgres.password());
        return conf;
    }

    private static List<String> table() throws SQLException {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(), postgres.password());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT account_id, meter, hour_start, actual_quantity,"
                        + " reported_quantity, usage_records, reported_records FROM hourly_usage"
                        + " ORDER BY account_id, meter, hour_start")) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(String.join(
                        "|",
                        rs.getString(1),
                        rs.getString(2),
                        rs.getObject(3, OffsetDateTime.class).toInstant().toString(),
                        rs.getBigDecimal(4).toPlainString(),
                        rs.getBigDecimal(5).toPlainString(),
                        String.valueOf(rs.getLong(6)),
                        String.valueOf(rs.getLong(7))));
            }
            return out;
        }
    }
}
