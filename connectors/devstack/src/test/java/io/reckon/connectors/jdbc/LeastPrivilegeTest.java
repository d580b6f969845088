package io.reckon.connectors.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reckon.connectors.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three roles against a real PostgreSQL: the owner migrates, the jobs' writer reads and writes rows
 * but cannot change the schema (nor delete), the dashboards' reader only reads; and the jobs refuse a
 * schema that is not current instead of migrating it themselves.
 */
class LeastPrivilegeTest {

    private static final String ROW = "INSERT INTO hourly_usage (account_id, meter, hour_start, actual_quantity,"
            + " reported_quantity, usage_records, reported_records) VALUES ('acct_1', 'api_calls',"
            + " '2026-03-01T10:00:00Z', 5, 4, 1, 1)";

    @TempDir
    static Path dataDir;

    static EmbeddedPostgres postgres;

    @BeforeAll
    static void startAndMigrateAsTheOwner() {
        postgres = EmbeddedPostgres.start(dataDir);
        SchemaMigrations.migrate(postgres.jdbcUrl(), postgres.username(), postgres.password());
    }

    @AfterAll
    static void stop() {
        postgres.close();
    }

    @Test
    void theWriterWritesRowsButCannotChangeTheSchemaOrDeleteRows() throws SQLException {
        EmbeddedPostgres.Login writer = postgres.writer();
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), writer.username(), writer.password());
                Statement s = c.createStatement()) {
            s.execute(ROW + " ON CONFLICT (account_id, meter, hour_start) DO UPDATE SET actual_quantity = 6");
            s.execute(ROW + " ON CONFLICT (account_id, meter, hour_start) DO UPDATE SET actual_quantity = 6");
            try (ResultSet rs = s.executeQuery("SELECT actual_quantity FROM hourly_usage")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBigDecimal(1)).isEqualByComparingTo("6");
            }
            assertRefused(s, "CREATE TABLE scratch (id INT)", "permission denied for schema public");
            assertRefused(s, "ALTER TABLE anomalies ADD COLUMN note TEXT", "must be owner of table anomalies");
            assertRefused(s, "DROP TABLE actions", "must be owner of table actions");
            assertRefused(s, "CREATE INDEX sneaky ON hourly_usage (meter)", "must be owner of table hourly_usage");
            assertRefused(s, "TRUNCATE hourly_usage", "permission denied for table hourly_usage");
            assertRefused(s, "DELETE FROM hourly_usage", "permission denied for table hourly_usage");
            assertRefused(s, "DELETE FROM flyway_schema_history", "permission denied for table flyway_schema_history");
        }
    }

    @Test
    void theReaderReadsButCannotWrite() throws SQLException {
        EmbeddedPostgres.Login reader = postgres.reader();
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(), reader.username(), reader.password());
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM anomalies")) {
                assertThat(rs.next()).isTrue();
            }
            assertRefused(s, ROW, "permission denied for table hourly_usage");
            assertRefused(s, "UPDATE anomalies SET amount_minor = 0", "permission denied for table anomalies");
            assertRefused(s, "DELETE FROM actions", "permission denied for table actions");
            assertRefused(s, "CREATE TABLE scratch (id INT)", "permission denied for schema public");
        }
    }

    @Test
    void everySinkTableGrantsTheWriterRowsAndTheReaderReadsOnly() throws SQLException {
        Map<String, List<String>> grants = new TreeMap<>();
        try (Connection c = owner();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT t.table_name, g.grantee, g.privilege_type"
                        + " FROM information_schema.tables t JOIN information_schema.role_table_grants g"
                        + " ON g.table_name = t.table_name AND g.table_schema = t.table_schema"
                        + " WHERE t.table_schema = 'public' AND g.grantee IN ('reckon_writer', 'reckon_reader')"
                        + " ORDER BY 1, 2, 3")) {
            while (rs.next()) {
                grants.computeIfAbsent(rs.getString(1), t -> new ArrayList<>())
                        .add(rs.getString(2) + ":" + rs.getString(3));
            }
        }
        // A migration that adds a table must grant it too: every table of the schema is listed here.
        assertThat(grants.keySet())
                .containsExactlyInAnyOrderElementsOf(tables())
                .contains("anomalies", "hourly_usage", "actions", "action_events");
        grants.forEach((table, g) -> {
            if (table.equals("flyway_schema_history")) {
                assertThat(g).as(table).containsExactly("reckon_writer:SELECT");
            } else if (table.equals("sink_dead_letters")) {
                // Append-only: the jobs add the rows a table refused and never change one.
                assertThat(g)
                        .as(table)
                        .containsExactly("reckon_reader:SELECT", "reckon_writer:INSERT", "reckon_writer:SELECT");
            } else {
                assertThat(g)
                        .as(table)
                        .containsExactly(
                                "reckon_reader:SELECT",
                                "reckon_writer:INSERT",
                                "reckon_writer:SELECT",
                                "reckon_writer:UPDATE");
            }
        });
    }

    @Test
    void theJobsAcceptACurrentSchemaAndRefuseAnOutdatedOneAsTheWriter() throws SQLException {
        EmbeddedPostgres.Login writer = postgres.writer();
        Configuration conf = new Configuration();
        conf.set(JdbcOptions.URL, postgres.jdbcUrl());
        conf.set(JdbcOptions.USERNAME, writer.username());
        conf.set(JdbcOptions.PASSWORD, writer.password());
        SchemaMigrations.requireCurrent(conf);

        String fresh = freshDatabase("fresh_schema");
        assertThatThrownBy(() -> SchemaMigrations.requireCurrent(fresh, writer.username(), writer.password()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is empty; this build needs V1 sink tables, V2 actions, V3 least privilege")
                .hasMessageContaining("reckon migrate");
        try (Connection c = DriverManager.getConnection(fresh, writer.username(), writer.password());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("the check changed nothing").isZero();
        }
    }

    @Test
    void migratingWithARoleThatDoesNotExistFailsAndNamesIt() throws SQLException {
        String fresh = freshDatabase("missing_role");
        assertThatThrownBy(() -> SchemaMigrations.migrate(
                        fresh,
                        postgres.username(),
                        postgres.password(),
                        new SchemaMigrations.Roles("billing_writer", "reckon_reader")))
                .isInstanceOf(FlywayException.class)
                .hasMessageContaining("role billing_writer does not exist");
        assertThatThrownBy(() -> new SchemaMigrations.Roles("x; DROP TABLE anomalies", "reckon_reader"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** A new, empty database owned by the owner role, on the same server. */
    private static String freshDatabase(String name) throws SQLException {
        String admin = postgres.jdbcUrl().replace("/" + EmbeddedPostgres.DATABASE, "/postgres");
        try (Connection c = DriverManager.getConnection(admin, "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " OWNER " + postgres.username());
        }
        return postgres.jdbcUrl().replace("/" + EmbeddedPostgres.DATABASE, "/" + name);
    }

    private static List<String> tables() throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection c = owner();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }

    private static Connection owner() throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(), postgres.password());
    }

    private static void assertRefused(Statement s, String sql, String message) {
        assertThatThrownBy(() -> s.execute(sql))
                .as(sql)
                .isInstanceOf(SQLException.class)
                .hasMessageContaining(message);
    }
}
