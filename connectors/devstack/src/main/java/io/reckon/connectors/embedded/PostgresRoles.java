package io.reckon.connectors.embedded;

import static io.reckon.connectors.embedded.EmbeddedPostgres.DATABASE;
import static io.reckon.connectors.embedded.EmbeddedPostgres.USER;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The roles and the database of an {@link EmbeddedPostgres}, created or given new passwords on each start. */
final class PostgresRoles {

    private PostgresRoles() {}

    /**
     * A plain login role (no rights of its own) with {@code password} (none when null: the template's
     * owner, which each server's start gives its own); an existing one gets the new password.
     */
    static void createOrUpdateLogin(Connection c, String role, String password) throws SQLException {
        boolean exists = exists(c, "SELECT 1 FROM pg_roles WHERE rolname = ?", role);
        // The password is random hex, safe to quote into DDL, which takes no bind parameters.
        String login = password == null ? " LOGIN" : " LOGIN PASSWORD '" + password + "'";
        try (Statement s = c.createStatement()) {
            s.execute((exists ? "ALTER ROLE " : "CREATE ROLE ") + role + login);
        }
    }

    /**
     * Creates the owner role {@value EmbeddedPostgres#USER} (with {@code password}, unless null) and the
     * database {@value EmbeddedPostgres#DATABASE}, or gives an existing owner the new password (a reused
     * data directory).
     */
    static void createOwnerAndDatabase(io.zonky.test.db.postgres.embedded.EmbeddedPostgres zonky, String password)
            throws SQLException {
        try (Connection c = zonky.getPostgresDatabase().getConnection()) {
            createOrUpdateLogin(c, USER, password);
            if (!exists(c, "SELECT 1 FROM pg_database WHERE datname = ?", DATABASE)) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE " + DATABASE + " OWNER " + USER);
                }
            }
        }
    }

    /** Whether {@code query}, with {@code name} as its one parameter, finds a row. */
    private static boolean exists(Connection c, String query, String name) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(query)) {
            q.setString(1, name);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next();
            }
        }
    }
}
