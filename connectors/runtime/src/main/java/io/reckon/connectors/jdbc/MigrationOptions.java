package io.reckon.connectors.jdbc;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The roles the schema migrations grant rights to ({@link SchemaMigrations}). Both must exist before
 * the migrations run; the migrations only grant, they never create roles (that needs more than a table
 * owner should hold).
 */
public final class MigrationOptions {

    public static final ConfigOption<String> WRITER_ROLE = ConfigOptions.key("migrate.writer-role")
            .stringType()
            .defaultValue("reckon_writer")
            .withDescription("Role the jobs connect as: the migrations grant it SELECT, INSERT and UPDATE on the"
                    + " sink tables, and nothing else (no DDL, no DELETE or TRUNCATE).");

    public static final ConfigOption<String> READER_ROLE = ConfigOptions.key("migrate.reader-role")
            .stringType()
            .defaultValue("reckon_reader")
            .withDescription("Role the dashboards connect as: the migrations grant it SELECT on the sink tables.");

    private MigrationOptions() {}
}
