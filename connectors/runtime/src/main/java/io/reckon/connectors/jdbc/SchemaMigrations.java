package io.reckon.connectors.jdbc;

import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ReadableConfig;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema of the sink tables: the Flyway migrations under {@code classpath:db/migration}, applied by
 * the role that owns the tables ({@code reckon migrate}, the chart's migration Job, the embedded stack),
 * never by the jobs. The migrations also grant the jobs' writer role rows only and the dashboards' reader
 * role reads only ({@link MigrationOptions}); a migration that adds a table grants it to both roles too
 * ({@code SchemaMigrationsTest} checks every table).
 *
 * <p>The jobs connect as the writer and call {@link #requireCurrent(ReadableConfig)} at start: it reads
 * Flyway's history and refuses to start on a schema that is not current, naming what to run.
 *
 * <p>Idempotent: migrations already applied are skipped. Flyway serialises concurrent callers with a
 * PostgreSQL advisory lock.
 *
 * <pre>{@code
 * SchemaMigrations.migrate(ownerConf);        // jdbc.* of the owner, migrate.* roles
 * SchemaMigrations.requireCurrent(jobConf);   // jdbc.* of the writer, at job start
 * }</pre>
 */
public final class SchemaMigrations {

    /** Where the versioned SQL scripts live; later schema changes are added as V4__..., V5__... */
    public static final String LOCATION = "classpath:db/migration";

    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrations.class);

    /** The roles the migrations grant rights to. */
    public record Roles(String writer, String reader) {
        public static final Roles DEFAULT =
                new Roles(MigrationOptions.WRITER_ROLE.defaultValue(), MigrationOptions.READER_ROLE.defaultValue());

        public Roles {
            requireRoleName(writer);
            requireRoleName(reader);
        }

        Map<String, String> placeholders() {
            return Map.of("writer_role", writer, "reader_role", reader);
        }

        /** Role names go into GRANT statements, which take no bind parameters: plain identifiers only. */
        private static void requireRoleName(String role) {
            if (role == null || !role.matches("[a-z_][a-z0-9_]{0,62}")) {
                throw new IllegalArgumentException(
                        "role name '" + role + "' is not a plain lower-case PostgreSQL identifier");
            }
        }
    }

    private SchemaMigrations() {}

    /** Applies the pending migrations as {@code user} (the tables' owner) and returns how many ran. */
    public static int migrate(String jdbcUrl, String user, String password, Roles roles) {
        MigrateResult result = flyway(jdbcUrl, user, password, roles).migrate();
        LOG.info(
                "Schema of {} is at version {} ({} migrations applied now)",
                jdbcUrl,
                result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion,
                result.migrationsExecuted);
        return result.migrationsExecuted;
    }

    /** {@link #migrate(String, String, String, Roles)} with the default role names. */
    public static int migrate(String jdbcUrl, String user, String password) {
        return migrate(jdbcUrl, user, password, Roles.DEFAULT);
    }

    /** Same as {@link #migrate(String, String, String, Roles)} with {@link JdbcOptions} and {@link MigrationOptions}. */
    public static int migrate(ReadableConfig conf) {
        return migrate(
                url(conf),
                conf.get(JdbcOptions.USERNAME),
                JdbcOptions.password(conf),
                new Roles(conf.get(MigrationOptions.WRITER_ROLE), conf.get(MigrationOptions.READER_ROLE)));
    }

    /**
     * Checks, without changing anything, that every migration of this build has been applied.
     *
     * @throws IllegalStateException naming the pending migrations and how to apply them
     */
    public static void requireCurrent(String jdbcUrl, String user, String password) {
        MigrationInfoService info =
                flyway(jdbcUrl, user, password, Roles.DEFAULT).info();
        MigrationInfo[] pending = info.pending();
        if (pending.length > 0) {
            MigrationInfo current = info.current();
            throw new IllegalStateException("The schema of " + jdbcUrl + " is "
                    + (current == null ? "empty" : "at version " + current.getVersion())
                    + "; this build needs "
                    + Arrays.stream(pending)
                            .map(m -> "V" + m.getVersion() + " " + m.getDescription())
                            .collect(Collectors.joining(", "))
                    + ". Run the migrations as the tables' owner first: reckon migrate -D jdbc.url=... -D"
                    + " jdbc.username=<owner> (the Helm chart runs them in its migration Job).");
        }
        LOG.info("Schema of {} is current (version {})", jdbcUrl, info.current().getVersion());
    }

    /** {@link #requireCurrent(String, String, String)} with the connection from {@link JdbcOptions}. */
    public static void requireCurrent(ReadableConfig conf) {
        requireCurrent(url(conf), conf.get(JdbcOptions.USERNAME), JdbcOptions.password(conf));
    }

    private static Flyway flyway(String jdbcUrl, String user, String password, Roles roles) {
        return Flyway.configure(SchemaMigrations.class.getClassLoader())
                .dataSource(jdbcUrl, user, password)
                .locations(LOCATION)
                .placeholders(roles.placeholders())
                .load();
    }

    private static String url(ReadableConfig conf) {
        return conf.getOptional(JdbcOptions.URL)
                .orElseThrow(() -> new IllegalArgumentException(JdbcOptions.URL.key() + " is not set"));
    }
}
