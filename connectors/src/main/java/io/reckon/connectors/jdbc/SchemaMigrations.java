package io.reckon.connectors.jdbc;

import org.apache.flink.configuration.ReadableConfig;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the sink tables of the PostgreSQL database up to date with the Flyway migrations under
 * {@code classpath:db/migration}.
 *
 * <p>Idempotent: migrations already applied are skipped, so every job may call it before it builds
 * its sinks. Flyway serialises concurrent callers with a PostgreSQL advisory lock, so two jobs
 * starting together do not race.
 *
 * <pre>{@code
 * SchemaMigrations.migrate(conf); // conf carries jdbc.url, jdbc.username and a password source
 * }</pre>
 */
public final class SchemaMigrations {

    /** Where the versioned SQL scripts live; later schema changes are added as V2__..., V3__... */
    public static final String LOCATION = "classpath:db/migration";

    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrations.class);

    private SchemaMigrations() {}

    /** Applies the pending migrations and returns how many ran (0 when the schema is current). */
    public static int migrate(String jdbcUrl, String user, String password) {
        Flyway flyway = Flyway.configure(SchemaMigrations.class.getClassLoader())
                .dataSource(jdbcUrl, user, password)
                .locations(LOCATION)
                .load();
        MigrateResult result = flyway.migrate();
        LOG.info(
                "Schema of {} is at version {} ({} migrations applied now)",
                jdbcUrl,
                result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion,
                result.migrationsExecuted);
        return result.migrationsExecuted;
    }

    /** Same as {@link #migrate(String, String, String)} with the connection from {@link JdbcOptions}. */
    public static int migrate(ReadableConfig conf) {
        String url = conf.getOptional(JdbcOptions.URL)
                .orElseThrow(() -> new IllegalArgumentException(JdbcOptions.URL.key() + " is not set"));
        return migrate(url, conf.get(JdbcOptions.USERNAME), JdbcOptions.password(conf));
    }
}
