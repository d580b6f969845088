package io.reckon.connectors.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.connectors.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaMigrationsTest {

    @TempDir
    static Path dataDir;

    static EmbeddedPostgres postgres;

    @BeforeAll
    static void startPostgres() {
        postgres = EmbeddedPostgres.start(dataDir);
    }

    @AfterAll
    static void stopPostgres() {
        postgres.close();
    }

    @Test
    void createsTheSinkTablesAndASecondRunChangesNothing() throws SQLException {
        int first = SchemaMigrations.migrate(postgres.jdbcUrl(), postgres.username(), postgres.password());

        assertThat(first).isGreaterThanOrEqualTo(1);
        assertThat(tables())
                .containsExactlyInAnyOrder(
                        "anomalies",
                        "anomaly_revisions",
                        "hourly_usage",
                        "unmapped_usage",
                        "actions",
                        "action_events",
                        "sink_dead_letters",
                        "period_forecasts",
                        "flyway_schema_history");
        int historyRows = scalarInt("SELECT count(*) FROM flyway_schema_history");

        Configuration conf = new Configuration();
        conf.set(JdbcOptions.URL, postgres.jdbcUrl());
        conf.set(JdbcOptions.USERNAME, postgres.username());
        conf.set(JdbcOptions.PASSWORD, postgres.password());
        int second = SchemaMigrations.migrate(conf);

        assertThat(second).isZero();
        assertThat(scalarInt("SELECT count(*) FROM flyway_schema_history")).isEqualTo(historyRows);
        assertThat(primaryKey("anomaly_revisions")).containsExactly("anomaly_id", "revision");
        assertThat(primaryKey("hourly_usage")).containsExactly("account_id", "meter", "hour_start");
        assertThat(primaryKey("actions")).containsExactly("action_id");
        assertThat(primaryKey("period_forecasts")).containsExactly("account_id", "meter", "period_start");
        assertThat(primaryKey("action_events")).containsExactly("action_id", "status", "anomaly_revision");
    }

    private static List<String> tables() throws SQLException {
        return strings("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
    }

    private static List<String> primaryKey(String table) throws SQLException {
        return strings("SELECT k.column_name FROM information_schema.table_constraints c"
                + " JOIN information_schema.key_column_usage k ON k.constraint_name = c.constraint_name"
                + " AND k.table_name = c.table_name"
                + " WHERE c.constraint_type = 'PRIMARY KEY' AND c.table_name = '" + table + "'"
                + " ORDER BY k.ordinal_position");
    }

    private static List<String> strings(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(), postgres.password());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            List<String> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getString(1));
            }
            return out;
        }
    }

    private static int scalarInt(String sql) throws SQLException {
        return Integer.parseInt(strings(sql).get(0));
    }
}
