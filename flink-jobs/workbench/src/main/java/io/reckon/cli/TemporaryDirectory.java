package io.reckon.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.io.FileUtils;

/**
 * A command's working directory under java.io.tmpdir, removed when the command ends, also when it is
 * interrupted (Ctrl-C, a TERM signal): the JVM then runs shutdown hooks but no finally blocks, and the
 * embedded stack's broker and database files (tens to hundreds of megabytes) would stay behind.
 */
final class TemporaryDirectory implements AutoCloseable {

    private final Path path;
    private final Thread onExit;

    private TemporaryDirectory(Path path) {
        this.path = path;
        this.onExit = new Thread(() -> deleteWhileExiting(path), "reckon-temporary-cleanup");
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    static TemporaryDirectory create(String prefix) throws IOException {
        return new TemporaryDirectory(Files.createTempDirectory(prefix));
    }

    Path path() {
        return path;
    }

    /** Removes the directory now; false when some of it could not be removed. */
    boolean delete() {
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs anyway.
        }
        return FileUtils.deleteQuietly(path.toFile());
    }

    @Override
    public void close() {
        delete();
    }

    /**
     * Deletes {@code dir} while the JVM exits. The embedded processes' own hooks stop them at the same
     * time, and PostgreSQL may write into its directory until it has stopped: the directory is deleted
     * again until it stays away, for at most two seconds.
     */
    private static void deleteWhileExiting(Path dir) {
        for (int attempt = 0; attempt < 10 && Files.exists(dir); attempt++) {
            FileUtils.deleteQuietly(dir.toFile());
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
