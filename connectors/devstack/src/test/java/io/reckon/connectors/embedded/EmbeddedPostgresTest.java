package io.reckon.connectors.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresTest {

    @TempDir
    Path dataDir;

    @Test
    void startsWithReckonDatabaseAndKeepsDataAcrossRestartOnTheSamePort() throws SQLException {
        long started = System.nanoTime();
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(dataDir)) {
            System.out.printf("EmbeddedPostgres started in %d ms%n", (System.nanoTime() - started) / 1_000_000);
            assertThat(pg.jdbcUrl()).startsWith("jdbc:postgresql://127.0.0.1:").endsWith("/reckon");
            assertThat(pg.username()).isEqualTo("reckon");
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
                    Statement s = c.createStatement()) {
                assertThat(scalar(s, "SELECT current_database()")).isEqualTo("reckon");
                assertThat(scalar(s, "SELECT current_user")).isEqualTo("reckon");
                s.execute("CREATE TABLE probe (id INT PRIMARY KEY, note TEXT)");
                s.execute("INSERT INTO probe VALUES (1, 'before stop')");
            }
            String url = pg.jdbcUrl();

            pg.stop();
            assertThatThrownBy(() -> DriverManager.getConnection(url, pg.username(), pg.password()))
                    .isInstanceOf(SQLException.class);

            long restarted = System.nanoTime();
            pg.restart();
            System.out.printf("EmbeddedPostgres restarted in %d ms%n", (System.nanoTime() - restarted) / 1_000_000);
            assertThat(pg.jdbcUrl()).isEqualTo(url);
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
                    Statement s = c.createStatement()) {
                assertThat(scalar(s, "SELECT note FROM probe WHERE id = 1")).isEqualTo("before stop");
            }
        }
    }

    @Test
    void aTemplateAnotherProcessPutInPlaceFirstIsUsedAndTheOneBuiltHereDeleted() throws Exception {
        // Two replays on one machine build the shared template at the same time; the second rename
        // meets the first one's template.
        Path template = dataDir.resolve("template");
        Files.createDirectories(template.resolve("base"));
        Files.writeString(template.resolve("PG_VERSION"), "17\n");
        Path staging = dataDir.resolve("staging");
        Files.createDirectories(staging.resolve("base"));
        Files.writeString(staging.resolve("PG_VERSION"), "17\n");

        PostgresTemplate.install(staging, template);

        assertThat(staging).doesNotExist();
        assertThat(template.resolve("PG_VERSION")).hasContent("17");
    }

    @Test
    void aRenameThatFailsWithoutATemplateInPlaceIsReported() throws Exception {
        Path template = dataDir.resolve("template");
        Files.createDirectories(template.resolve("half-made"));
        Path staging = dataDir.resolve("staging");
        Files.createDirectories(staging);
        Files.writeString(staging.resolve("PG_VERSION"), "17\n");

        assertThatThrownBy(() -> PostgresTemplate.install(staging, template)).isInstanceOf(FileSystemException.class);
        assertThat(staging.resolve("PG_VERSION")).exists();
    }

    @Test
    void rejectsAWrongPassword() {
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(dataDir)) {
            assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl(), pg.username(), "not-" + pg.password()))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("password authentication failed");
        }
    }

    @Test
    void takesOverADataDirectoryWhoseServerOutlivedAKilledJvm() throws Exception {
        Process parent = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx128m",
                        "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                        "-cp",
                        System.getProperty("java.class.path"),
                        PostgresParentProcess.class.getName(),
                        dataDir.toString())
                .redirectErrorStream(true)
                .start();
        int orphanPort;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream()))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("READY ")) {
                // Skip log lines until the server is up.
            }
            assertThat(line).as("parent JVM reported a started server").isNotNull();
            orphanPort = Integer.parseInt(line.substring("READY ".length()).strip());
        } finally {
            parent.destroyForcibly().waitFor();
        }

        try (EmbeddedPostgres pg = EmbeddedPostgres.start(dataDir)) {
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
                    Statement s = c.createStatement()) {
                assertThat(scalar(s, "SELECT note FROM survivor")).isEqualTo("written before the kill");
            }
            if (pg.port() != orphanPort) {
                assertThatThrownBy(() -> DriverManager.getConnection(
                                "jdbc:postgresql://127.0.0.1:" + orphanPort + "/reckon", pg.username(), pg.password()))
                        .as("the orphaned server was stopped")
                        .isInstanceOf(SQLException.class);
            }
        }
    }

    private static String scalar(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }
}
