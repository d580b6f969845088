package io.reckon.connectors.jdbc;

import io.reckon.connectors.actions.Secrets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Connection and batching options of the PostgreSQL sinks.
 *
 * <p>The password is deliberately not read like the other options: deployments mount it as a file
 * (a Kubernetes secret) or pass it through the environment, and {@link #password(ReadableConfig)} is
 * the one place that resolves it.
 *
 * <pre>{@code
 * Configuration conf = new Configuration();
 * conf.set(JdbcOptions.URL, "jdbc:postgresql://db:5432/reckon");
 * conf.set(JdbcOptions.PASSWORD_FILE, "/var/run/secrets/reckon/jdbc-password");
 * String password = JdbcOptions.password(conf);
 * }</pre>
 */
public final class JdbcOptions {

    /** Environment variable consulted when neither {@link #PASSWORD_FILE} nor {@link #PASSWORD} is set. */
    public static final String PASSWORD_ENV = "RECKON_JDBC_PASSWORD";

    public static final ConfigOption<String> URL = ConfigOptions.key("jdbc.url")
            .stringType()
            .noDefaultValue()
            .withDescription("JDBC URL of the PostgreSQL database, e.g. jdbc:postgresql://db:5432/reckon.");

    public static final ConfigOption<String> USERNAME = ConfigOptions.key("jdbc.username")
            .stringType()
            .defaultValue("reckon_writer")
            .withDescription("Database user to connect as: for the jobs, the writer role (rows of the sink tables,"
                    + " no DDL); for reckon migrate, the role that owns the tables.");

    public static final ConfigOption<String> PASSWORD = ConfigOptions.key("jdbc.password")
            .stringType()
            .noDefaultValue()
            .withDescription("Database password. Prefer jdbc.password-file or the environment variable " + PASSWORD_ENV
                    + " so the secret stays out of configuration files.");

    public static final ConfigOption<String> PASSWORD_FILE = ConfigOptions.key("jdbc.password-file")
            .stringType()
            .noDefaultValue()
            .withDescription("Path of a file holding the database password (trailing line breaks are"
                    + " ignored). Takes precedence over jdbc.password.");

    public static final ConfigOption<Integer> BATCH_SIZE = ConfigOptions.key("jdbc.batch-size")
            .intType()
            .defaultValue(500)
            .withDescription("Rows buffered per sink subtask before a JDBC batch is flushed.");

    public static final ConfigOption<Duration> BATCH_INTERVAL = ConfigOptions.key("jdbc.batch-interval")
            .durationType()
            .defaultValue(Duration.ofSeconds(1))
            .withDescription("Longest time a buffered row waits before its batch is flushed; bounds the"
                    + " latency of dashboards when traffic is low.");

    public static final ConfigOption<Integer> MAX_RETRIES = ConfigOptions.key("jdbc.max-retries")
            .intType()
            .defaultValue(5)
            .withDescription("Attempts to re-execute a failed batch (reconnecting in between) before the"
                    + " sink fails the job and Flink restarts it from the last checkpoint.");

    private JdbcOptions() {}

    /**
     * Resolves the database password: the content of {@link #PASSWORD_FILE} if set, else {@link
     * #PASSWORD}, else the environment variable {@value #PASSWORD_ENV}. Never logs the value.
     *
     * @throws IllegalArgumentException if none of them is set, or the password file cannot be read
     */
    public static String password(ReadableConfig conf) {
        return password(conf, System.getenv());
    }

    static String password(ReadableConfig conf, Map<String, String> env) {
        Optional<String> file = conf.getOptional(PASSWORD_FILE);
        if (file.isPresent()) {
            return readPasswordFile(Path.of(file.get()));
        }
        Optional<String> inline = conf.getOptional(PASSWORD);
        if (inline.isPresent()) {
            return inline.get();
        }
        String fromEnv = env.get(PASSWORD_ENV);
        if (fromEnv != null) {
            return fromEnv;
        }
        throw new IllegalArgumentException("No database password: set " + PASSWORD_FILE.key() + ", " + PASSWORD.key()
                + " or the environment variable " + PASSWORD_ENV);
    }

    private static String readPasswordFile(Path file) {
        return Secrets.readFile("database password", PASSWORD_FILE.key(), file);
    }
}
