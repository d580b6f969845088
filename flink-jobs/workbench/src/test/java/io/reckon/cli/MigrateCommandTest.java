package io.reckon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.connectors.embedded.EmbeddedPostgres;
import io.reckon.connectors.jdbc.SchemaMigrations;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code reckon migrate} as the chart's migration Job runs it: options on the command line, password in a file. */
class MigrateCommandTest {

    @TempDir
    Path dir;

    @Test
    void migratesAsTheOwnerSoTheWriterFindsTheSchemaCurrent() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir.resolve("pg"))) {
            Path passwordFile = Files.writeString(dir.resolve("owner-password"), pg.password() + "\n");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrintStream stdout = System.out;
            int exit;
            try {
                System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
                exit = new CommandLine(new ReckonCli())
                        .execute(
                                "migrate",
                                "-D",
                                "jdbc.url=" + pg.jdbcUrl(),
                                "-D",
                                "jdbc.username=" + pg.username(),
                                "-D",
                                "jdbc.password-file=" + passwordFile,
                                "-D",
                                "migrate.writer-role=reckon_writer",
                                "-D",
                                "migrate.reader-role=reckon_reader");
            } finally {
                System.setOut(stdout);
            }
            assertThat(exit).isZero();
            // Every migration of the sink tables: V1__sink_tables.sql and the ones after it.
            long migrations;
            try (var files = java.nio.file.Files.list(java.nio.file.Path.of(
                    "..", "..", "connectors", "runtime", "src", "main", "resources", "db", "migration"))) {
                migrations = files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql"))
                        .count();
            }
            assertThat(migrations).isGreaterThanOrEqualTo(6);
            assertThat(out.toString(StandardCharsets.UTF_8))
                    .contains(migrations
                            + " migration(s) applied now as reckon; writer reckon_writer, reader reckon_reader");
            SchemaMigrations.requireCurrent(
                    pg.jdbcUrl(), pg.writer().username(), pg.writer().password());
        }
    }

    @Test
    void anUnknownMigrateOptionIsRefusedWithItsName() {
        int exit = new CommandLine(new ReckonCli())
                .execute("migrate", "-D", "jdbc.url=jdbc:postgresql://127.0.0.1:1/x", "-D", "migrate.writer-rol=x");
        assertThat(exit).isEqualTo(2);
    }

    @Test
    void aDatabaseThatCannotBeReachedIsAShortErrorNotAStackTrace() {
        CommandRun run = CommandRun.of(
                new ReckonCli(),
                "migrate",
                "-D",
                "jdbc.url=jdbc:postgresql://127.0.0.1:1/reckon",
                "-D",
                "jdbc.password=not-a-secret");
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err())
                .startsWith("reckon migrate: cannot migrate jdbc:postgresql://127.0.0.1:1/reckon: ")
                .doesNotContain("\tat ");
    }
}
