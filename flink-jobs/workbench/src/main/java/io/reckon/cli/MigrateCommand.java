package io.reckon.cli;

import io.reckon.connectors.jdbc.JdbcOptions;
import io.reckon.connectors.jdbc.MigrationOptions;
import io.reckon.connectors.jdbc.SchemaMigrations;
import io.reckon.jobs.ReckonConfiguration;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code reckon migrate}: applies the schema migrations of the sink tables as the role that owns them.
 * The jobs connect as the writer role and never run DDL; this is the separate step that does (the Helm
 * chart runs it in its migration Job before every install and upgrade).
 */
@Command(
        name = "migrate",
        mixinStandardHelpOptions = true,
        description = {
            "Applies the schema migrations of the sink tables, as the role that owns them.",
            "Connects with jdbc.url, jdbc.username (the owner) and its password (jdbc.password-file or "
                    + "RECKON_JDBC_PASSWORD); grants the jobs' writer role (migrate.writer-role) rows only and the "
                    + "dashboards' reader role (migrate.reader-role) reads only. Both roles must exist. Idempotent."
        })
public final class MigrateCommand implements Callable<Integer> {

    @Option(
            names = "--config",
            description = "A Flink-style YAML file of options (jdbc.*, migrate.*); RECKON_* environment variables"
                    + " and -D override it.")
    Path config;

    @Option(
            names = {"-D", "--set"},
            description = "An option for this run, e.g. -D jdbc.url=jdbc:postgresql://db:5432/reckon")
    Map<String, String> settings = new HashMap<>();

    @Override
    public Integer call() {
        Configuration conf;
        try {
            conf = ReckonConfiguration.load(config, System.getenv());
            conf.addAll(Configuration.fromMap(settings));
            ReckonConfiguration.validate(conf);
            if (conf.getOptional(JdbcOptions.URL).isEmpty()) {
                throw new IllegalArgumentException(JdbcOptions.URL.key() + " is not set");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("reckon migrate: " + e.getMessage());
            return 2;
        }
        int applied;
        try {
            applied = SchemaMigrations.migrate(conf);
        } catch (IllegalArgumentException e) {
            // A setting that only the migration reads (the password, its file).
            System.err.println("reckon migrate: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            // The database refused or cannot be reached: what went wrong, without a stack trace.
            java.util.List<String> causes = CommandFailure.summary(e);
            System.err.println("reckon migrate: cannot migrate " + conf.get(JdbcOptions.URL) + ": " + causes.get(0));
            causes.subList(1, causes.size()).forEach(c -> System.err.println("  because: " + c));
            return 1;
        }
        System.out.printf(
                "Schema of %s is current: %d migration(s) applied now as %s; writer %s, reader %s.%n",
                conf.get(JdbcOptions.URL),
                applied,
                conf.get(JdbcOptions.USERNAME),
                conf.get(MigrationOptions.WRITER_ROLE),
                conf.get(MigrationOptions.READER_ROLE));
        return 0;
    }
}
