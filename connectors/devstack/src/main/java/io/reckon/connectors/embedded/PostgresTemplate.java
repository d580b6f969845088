package io.reckon.connectors.embedded;

import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data directory every new {@link EmbeddedPostgres} starts from: a template made once per machine
 * (under java.io.tmpdir, one per version of the binaries), already holding the role and the database,
 * and copied. initdb, which the zonky library would otherwise run for every new directory, fsyncs
 * about a thousand files and takes seconds on a busy machine; copying 40 MB takes a fraction of that.
 */
final class PostgresTemplate {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresTemplate.class);

    /** The zonky library's lock file inside a data directory; never copied from the template. */
    private static final String ZONKY_LOCK_FILE = "epg-lock";

    private PostgresTemplate() {}

    /** Copies the machine's template (made first if missing) into the new data directory {@code pgData}. */
    static void copyInto(Path pgData) throws IOException {
        Path template = template();
        Files.createDirectories(pgData.getParent());
        try (Stream<Path> files = Files.walk(template)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = pgData.resolve(template.relativize(source).toString());
                if (source.getFileName().toString().equals(ZONKY_LOCK_FILE)) {
                    continue;
                }
                if (Files.isDirectory(source) && Files.isDirectory(target)) {
                    continue;
                }
                // COPY_ATTRIBUTES keeps mode 0700, which PostgreSQL insists on for its directories.
                Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.setPosixFilePermissions(pgData, PosixFilePermissions.fromString("rwx------"));
    }

    private static synchronized Path template() throws IOException {
        Path root = Path.of(System.getProperty("java.io.tmpdir"), "reckon-embedded-pg");
        Path template = root.resolve("template-" + binariesKey());
        if (Files.exists(template.resolve("PG_VERSION"))) {
            return template;
        }
        long started = System.nanoTime();
        Files.createDirectories(root);
        // Built aside and renamed into place, so a JVM running concurrently never copies a half-made template.
        Path staging = root.resolve("staging-" + UUID.randomUUID());
        io.zonky.test.db.postgres.embedded.EmbeddedPostgres zonky =
                EmbeddedPostgres.startZonky(staging, FreePorts.pick(), root.resolve("template.log"));
        try {
            PostgresRoles.createOwnerAndDatabase(zonky, null);
        } catch (SQLException e) {
            throw new IOException("Cannot prepare the PostgreSQL template " + staging, e);
        } finally {
            zonky.close();
        }
        install(staging, template);
        LOG.info("PostgreSQL template {} made in {} ms", template, (System.nanoTime() - started) / 1_000_000);
        return template;
    }

    /**
     * Renames the finished {@code staging} directory to {@code template}. Another JVM (a second replay
     * on the machine) may have put its template there first: a rename onto a directory that is not
     * empty then fails with a plain {@link FileSystemException} ("Directory not empty"), not a {@link
     * FileAlreadyExistsException}, so the outcome is judged by whether a complete template is in place;
     * the one built here is then deleted.
     */
    static void install(Path staging, Path template) throws IOException {
        try {
            Files.move(staging, template, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileSystemException e) {
            if (!Files.exists(template.resolve("PG_VERSION"))) {
                throw e;
            }
            deleteRecursively(staging);
        }
    }

    /** Identifies the PostgreSQL binaries on the class path, so a new version gets its own template. */
    private static String binariesKey() {
        URL binaries =
                io.zonky.test.db.postgres.embedded.EmbeddedPostgres.class.getResource("/postgres-linux-x86_64.txz");
        String source = binaries != null ? binaries.toString() : "unknown";
        return UUID.nameUUIDFromBytes(source.getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
