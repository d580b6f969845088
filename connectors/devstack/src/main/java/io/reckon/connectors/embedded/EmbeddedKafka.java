package io.reckon.connectors.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka (KRaft, combined controller and broker) in a child JVM, for the dev
 * stack and integration tests.
 *
 * <p>The broker listens on a free port of 127.0.0.1, keeps its log in {@code dataDir/kraft-logs}
 * and writes its output to {@code dataDir/broker.log}. {@link #stop()} and {@link #restart()} keep
 * the port and the data, so a test can take the broker away for a while and bring it back; {@link
 * #kill()} simulates a crash. The broker also dies with this JVM, even when this JVM is killed.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start(Path.of("target/kafka"))) {
 *     Properties props = new Properties();
 *     props.put("bootstrap.servers", kafka.bootstrapServers());
 *     ...
 *     kafka.stop();     // producers now time out
 *     kafka.restart();  // same address, same topics and records
 * }
 * }</pre>
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    /** Launches tried when the broker exits while starting (a port taken between its pick and its bind). */
    private static final int START_ATTEMPTS = 3;

    private final Path dataDir;
    private final Path configFile;
    private final Path log4jFile;
    private final Path logFile;
    private final int port;
    private final String clusterId;
    private final Thread shutdownHook;
    private Process process;

    private EmbeddedKafka(Path dataDir, int port, int controllerPort, String clusterId) throws IOException {
        this.dataDir = dataDir;
        this.configFile = dataDir.resolve("server.properties");
        this.log4jFile = dataDir.resolve("log4j2.properties");
        this.logFile = dataDir.resolve("broker.log");
        this.port = port;
        this.clusterId = clusterId;
        Files.createDirectories(dataDir.resolve("tmp"));
        KafkaBrokerFiles.writeServerProperties(
                configFile, KafkaBrokerFiles.serverProperties(dataDir.resolve("kraft-logs"), port, controllerPort));
        KafkaBrokerFiles.writeLog4j(log4jFile);
        this.shutdownHook = new Thread(this::stopQuietly, "embedded-kafka-shutdown-" + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts a broker with its data under {@code dataDir} (created if missing; a log directory left
     * by an earlier broker is reused with its topics and records) and waits until it answers.
     *
     * @throws IllegalStateException if the broker does not come up; the message names its log file
     */
    public static EmbeddedKafka start(Path dataDir) {
        long started = System.nanoTime();
        Path dir = dataDir.toAbsolutePath();
        EmbeddedKafka kafka;
        for (int attempt = 1; ; attempt++) {
            kafka = prepare(dir);
            try {
                kafka.launch();
                break;
            } catch (RuntimeException e) {
                boolean exited = kafka.process != null && !kafka.process.isAlive();
                kafka.close();
                // A port found free can be taken by another process before the broker binds it; the
                // broker then exits at once. Other ports are tried; a broker that hangs is not retried.
                if (!exited || attempt == START_ATTEMPTS) {
                    throw e;
                }
                LOG.warn(
                        "The Kafka broker exited while starting (attempt {} of {}); trying other ports",
                        attempt,
                        START_ATTEMPTS);
            }
        }
        LOG.info(
                "Kafka ready at {} in {} ms (data {})",
                kafka.bootstrapServers(),
                (System.nanoTime() - started) / 1_000_000,
                dir);
        return kafka;
    }

    /** Free ports and the broker's files under {@code dir}; the broker is not started yet. */
    private static EmbeddedKafka prepare(Path dir) {
        try {
            Files.createDirectories(dir);
            int port = FreePorts.pick();
            int controllerPort;
            do {
                controllerPort = FreePorts.pick();
            } while (controllerPort == port);
            return new EmbeddedKafka(dir, port, controllerPort, KafkaBrokerFiles.clusterId(dir.resolve("cluster.id")));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare the Kafka data directory " + dir, e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The file collecting the broker's output, across restarts. */
    public Path logFile() {
        return logFile;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * Stops the broker in an orderly way (SIGTERM: it flushes and closes its logs, so the restart
     * needs no recovery), or with SIGKILL if it has not exited after 30 s.
     */
    public synchronized void stop() {
        terminate(true);
    }

    /** Kills the broker at once (SIGKILL), as a crash would; {@link #restart()} then recovers its log. */
    public synchronized void kill() {
        terminate(false);
    }

    /** Starts the broker again on the same port with the same data; a no-op while it runs. */
    public synchronized void restart() {
        if (isRunning()) {
            return;
        }
        long started = System.nanoTime();
        launch();
        LOG.info("Kafka restarted at {} in {} ms", bootstrapServers(), (System.nanoTime() - started) / 1_000_000);
    }

    /** Stops the broker and keeps its data directory. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or has run; nothing left to undo.
        }
    }

    private synchronized void launch() {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // Small and quick to start: a dev broker on a 2-core machine next to Flink and PostgreSQL.
                "-Xms64m",
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Djava.awt.headless=true",
                "-Djava.io.tmpdir=" + dataDir.resolve("tmp"),
                "-Dlog4j2.configurationFile=" + log4jFile.toUri(),
                "-D" + KafkaBrokerMain.EXIT_WITH_PARENT + "=true",
                "-cp",
                System.getProperty("java.class.path"),
                KafkaBrokerMain.class.getName(),
                configFile.toString(),
                clusterId));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dataDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        // Standard input stays a pipe from this JVM: the broker exits when it closes (see KafkaBrokerMain).
        try {
            Files.writeString(
                    logFile,
                    "---- starting broker at " + Instant.now() + " ----\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the Kafka broker JVM", e);
        }
        try {
            awaitReady();
        } catch (RuntimeException e) {
            terminate(false);
            throw e;
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        // Polling the port first keeps the admin client from logging a warning per refused connection.
        while (!portAccepts()) {
            checkAlive();
            checkDeadline(deadline);
            sleep(100);
        }
        Map<String, Object> adminConfig = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100);
        try (Admin admin = Admin.create(adminConfig)) {
            while (true) {
                checkAlive();
                checkDeadline(deadline);
                try {
                    if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(5_000))
                            .nodes()
                            .get(6, TimeUnit.SECONDS)
                            .isEmpty()) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for the Kafka broker", e);
                } catch (Exception notYet) {
                    // The broker accepts connections before it has joined its own quorum; ask again.
                }
                sleep(100);
            }
        }
    }

    private boolean portAccepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void checkAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException("The Kafka broker exited with code " + process.exitValue()
                    + " while starting; see " + logFile + tail());
        }
    }

    private void checkDeadline(long deadline) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("The Kafka broker did not answer within " + START_TIMEOUT.toSeconds()
                    + " s on " + bootstrapServers() + "; see " + logFile + tail());
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return "\nLast lines:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    private synchronized void terminate(boolean graceful) {
        Process p = process;
        if (p == null) {
            return;
        }
        process = null;
        try {
            if (graceful) {
                p.destroy();
                if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("Kafka broker did not stop within {} s; killing it", STOP_TIMEOUT.toSeconds());
                    p.destroyForcibly();
                }
            } else {
                p.destroyForcibly();
            }
            p.waitFor();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(p);
        }
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException e) {
            // Shutdown hook: the JVM is going away, nothing to report to.
        }
    }

    private static void closeQuietly(Process p) {
        try {
            p.getOutputStream().close();
        } catch (IOException ignored) {
            // The broker is gone already.
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the Kafka broker", e);
        }
    }
}
