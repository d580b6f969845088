package io.reckon.connectors.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (the zonky binaries, no Docker) for the dev stack and integration tests.
 *
 * <p>The server listens on a free port of 127.0.0.1 and keeps its data in {@code dataDir/pgdata};
 * its output goes to {@code dataDir/postgres.log}. It has a database {@value #DATABASE} owned by
 * the login role {@value #USER}, whose random password is checked (scram-sha-256) on TCP
 * connections, so a wrong password fails here as it would in production. Two more login roles, each
 * with its own random password, stand for production's least privilege: {@value #WRITER} (the jobs:
 * rows only) and {@value #READER} (dashboards: reads only); the schema migrations grant them their
 * rights ({@code SchemaMigrations}). {@link #stop()} and
 * {@link #restart()} keep port and data, for fault-injection tests. A new data directory is a copy
 * of a template initialised once per machine, so a fresh server is up in about a second.
 *
 * <pre>{@code
 * try (EmbeddedPostgres pg = EmbeddedPostgres.start(Path.of("target/pg"))) {
 *     try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password())) {
 *         ...
 *     }
 * }
 * }</pre>
 */
public final class EmbeddedPostgres implements AutoCloseable {

    public static final String DATABASE = "reckon";
    public static final String USER = "reckon";
    /** The jobs' role: reads and writes rows of the sink tables, no DDL. */
    public static final String WRITER = "reckon_writer";
    /** The dashboards' role: reads the sink tables only. */
    public static final String READER = "reckon_reader";

    /** A login role and its password. */
    public record Login(String username, String password) {
        @Override
        public String toString() {
            return "Login[" + username + "]";
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgres.class);

    private final Path dataDir;
    private final Path pgData;
    private final Path logFile;
    private final int port;
    private final String password;
    private final String writerPassword = newPassword();
    private final String readerPassword = newPassword();
    private io.zonky.test.db.postgres.embedded.EmbeddedPostgres server;

    private EmbeddedPostgres(Path dataDir, int port, String password) {
        this.dataDir = dataDir;
        this.pgData = dataDir.resolve("pgdata");
        this.logFile = dataDir.resolve("postgres.log");
        this.port = port;
        this.password = password;
    }

    /**
     * Starts PostgreSQL with its data under {@code dataDir} (created if missing; an existing data
     * directory is reused) and creates the {@value #DATABASE} database and role.
     */
    public static EmbeddedPostgres start(Path dataDir) {
        long started = System.nanoTime();
        Path dir = dataDir.toAbsolutePath();
        EmbeddedPostgres pg = new EmbeddedPostgres(dir, FreePorts.pick(), newPassword());
        try {
            Files.createDirectories(dir);
            pg.startServer();
            pg.createDatabaseAndRole();
        } catch (IOException e) {
            pg.close();
            throw new UncheckedIOException("PostgreSQL did not start; see " + pg.logFile, e);
        } catch (SQLException | RuntimeException e) {
            pg.close();
            throw new IllegalStateException("PostgreSQL did not start; see " + pg.logFile, e);
        }
        LOG.info(
                "PostgreSQL ready at {} in {} ms (data {})",
                pg.jdbcUrl(),
                (System.nanoTime() - started) / 1_000_000,
                pg.pgData);
        return pg;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public String username() {
        return USER;
    }

    public String password() {
        return password;
    }

    /** The jobs' login ({@value #WRITER}): rows of the sink tables only, once migrations granted them. */
    public Login writer() {
        return new Login(WRITER, writerPassword);
    }

    /** The dashboards' login ({@value #READER}): reads only. */
    public Login reader() {
        return new Login(READER, readerPassword);
    }

    public int port() {
        return port;
    }

    /** The file collecting the server's output. */
    public Path logFile() {
        return logFile;
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Shuts the server down (fast mode: open sessions are cut, committed data stays). */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not stop cleanly; see " + logFile, e);
        } finally {
            server = null;
        }
    }

    /** Starts the server again on the same port with the same data; a no-op while it runs. */
    public synchronized void restart() {
        if (server != null) {
            return;
        }
        try {
            startServer();
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not restart; see " + logFile, e);
        }
    }

    /** Stops the server and keeps its data directory. */
    @Override
    public void close() {
        stop();
    }

    private synchronized void startServer() throws IOException {
        stopOrphanedServer();
        if (!Files.exists(pgData.resolve("PG_VERSION"))) {
            PostgresTemplate.copyInto(pgData);
        }
        server = startZonky(pgData, port, logFile);
    }

    static io.zonky.test.db.postgres.embedded.EmbeddedPostgres startZonky(Path pgData, int port, Path log)
            throws IOException {
        return io.zonky.test.db.postgres.embedded.EmbeddedPostgres.builder()
                .setDataDirectory(pgData)
                // Never initdb over existing data: restart() must find the rows written before.
                .setCleanDataDirectory(false)
                .setPort(port)
                // Sized for a laptop or a 2-core CI runner rather than for throughput.
                .setServerConfig("max_connections", "100")
                .setServerConfig("shared_buffers", "64MB")
                // Dev data only: skipping fsync makes startup, migrations and sink batches faster.
                // Killing the server still loses nothing committed; only an OS crash could.
                .setServerConfig("fsync", "off")
                .setServerConfig("full_page_writes", "off")
                .setDataDirectoryCustomizer(EmbeddedPostgres::requirePasswords)
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    /**
     * pg_ctl runs the server detached from this JVM, so a JVM killed with SIGKILL (no shutdown hooks)
     * leaves it running on the data directory. The next start on the same directory stops it first
     * rather than failing on the lock PostgreSQL keeps in postmaster.pid.
     */
    private void stopOrphanedServer() throws IOException {
        Path pidFile = pgData.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid;
        try (var lines = Files.lines(pidFile, StandardCharsets.US_ASCII)) {
            pid = Long.parseLong(lines.findFirst().orElse("").strip());
        } catch (NumberFormatException e) {
            return; // A torn pid file: PostgreSQL itself decides whether it is stale.
        }
        Optional<ProcessHandle> orphan = ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().orElse("").contains("postgres"));
        if (orphan.isEmpty()) {
            return;
        }
        LOG.warn("Stopping PostgreSQL (pid {}) left running on {} by an earlier process", pid, pgData);
        // SIGTERM is PostgreSQL's smart shutdown; the killed JVM's sessions are gone already.
        orphan.get().destroy();
        try {
            orphan.get().onExit().get(15, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            orphan.get().destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while stopping an orphaned PostgreSQL", e);
        } catch (ExecutionException e) {
            throw new IOException("Cannot stop the orphaned PostgreSQL " + pid, e);
        }
    }

    /**
     * initdb trusts every local connection. The superuser keeps that (the tooling connects as it
     * without a password); every other role must present its password over TCP, as in production.
     */
    private static void requirePasswords(java.io.File pgData) {
        String hba = String.join(
                "\n",
                "# Written by EmbeddedPostgres on every start.",
                "local all postgres trust",
                "host all postgres 127.0.0.1/32 trust",
                "host all postgres ::1/128 trust",
                "host all all 127.0.0.1/32 scram-sha-256",
                "host all all ::1/128 scram-sha-256",
                "");
        try {
            Files.writeString(pgData.toPath().resolve("pg_hba.conf"), hba, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void createDatabaseAndRole() throws SQLException {
        PostgresRoles.createOwnerAndDatabase(server, password);
        try (Connection c = server.getPostgresDatabase().getConnection()) {
            PostgresRoles.createOrUpdateLogin(c, WRITER, writerPassword);
            PostgresRoles.createOrUpdateLogin(c, READER, readerPassword);
        }
    }

    private static String newPassword() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
