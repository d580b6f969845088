package io.reckon.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.connectors.embedded.EmbeddedPostgres;
import io.reckon.connectors.jdbc.SchemaMigrations;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job jar's migration entry point as the chart's migration Job runs it: options as -D, password in a file. */
class MigrateMainTest {

    @TempDir
    Path dir;

    @Test
    void migratesAsTheOwnerSoTheWriterFindsTheSchemaCurrent() throws Exception {
        try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir.resolve("pg"))) {
            Path passwordFile = Files.writeString(dir.resolve("owner-password"), pg.password() + "\n");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int exit = MigrateMain.run(
                    List.of(
                            "-D",
                            "jdbc.url=" + pg.jdbcUrl(),
                            "-D",
                            "jdbc.username=" + pg.username(),
                            "-D",
                            "jdbc.password-file=" + passwordFile,
                            "-D",
                            "migrate.writer-role=reckon_writer",
                            "--set",
                            "migrate.reader-role=reckon_reader"),
                    Map.of(),
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    System.err);
            assertThat(exit).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8))
                    .contains("migration(s) applied now as " + pg.username()
                            + "; writer reckon_writer, reader reckon_reader");
            SchemaMigrations.requireCurrent(
                    pg.jdbcUrl(), pg.writer().username(), pg.writer().password());
            ByteArrayOutputStream again = new ByteArrayOutputStream();
            assertThat(MigrateMain.run(
                            List.of(
                                    "-D",
                                    "jdbc.url=" + pg.jdbcUrl(),
                                    "-D",
                                    "jdbc.username=" + pg.username(),
                                    "-D",
                                    "jdbc.password-file=" + passwordFile),
                            Map.of(),
                            new PrintStream(again, true, StandardCharsets.UTF_8),
                            System.err))
                    .isZero();
            assertThat(again.toString(StandardCharsets.UTF_8)).contains(": 0 migration(s) applied now");
        }
    }

    @Test
    void aMisspeltOptionAMissingValueOrAMissingUrlIsRefusedWithItsName() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThat(MigrateMain.run(
                        List.of("-D", "jdbc.url=jdbc:postgresql://127.0.0.1:1/x", "-D", "migrate.writer-rol=x"),
                        Map.of(),
                        out,
                        errors))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("migrate.writer-rol");
        assertThat(MigrateMain.run(List.of("-D"), Map.of(), out, errors)).isEqualTo(2);
        assertThat(MigrateMain.run(List.of("migrate", "x"), Map.of(), out, errors))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown argument migrate");
        assertThat(MigrateMain.run(List.of("-D", "jdbc.username=x"), Map.of(), out, errors))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("jdbc.url is not set");
    }
}
