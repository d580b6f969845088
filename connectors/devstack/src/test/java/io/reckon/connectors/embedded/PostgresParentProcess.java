package io.reckon.connectors.embedded;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** Starts PostgreSQL, writes a row and waits forever; a test kills this JVM and reuses the data. */
public final class PostgresParentProcess {

    private PostgresParentProcess() {}

    public static void main(String[] args) throws InterruptedException, SQLException {
        EmbeddedPostgres pg = EmbeddedPostgres.start(Path.of(args[0]));
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE survivor (note TEXT)");
            s.execute("INSERT INTO survivor VALUES ('written before the kill')");
        }
        System.out.println("READY " + pg.port());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
