package io.reckon.connectors.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.util.FileUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real schema registry for the dev stack: Apicurio Registry, which serves the Confluent Schema Registry
 * API under {@code /apis/ccompat/v7}, in a child JVM on a free port of 127.0.0.1. Producers outside
 * this JVM (kcat, Confluent's clients in any language) can register and read schemas over HTTP, as with
 * a production registry. Schemas are kept in memory (H2) for the life of the process.
 *
 * <p>The registry is the ready-to-run build Apicurio publishes on Maven Central
 * ({@code io.apicurio:apicurio-registry-app:<version>:tar.gz:all}); the connectors build unpacks it
 * (maven-dependency-plugin) and records where in {@code schema-registry.properties}, so a fresh clone
 * gets it from the build. {@code RECKON_SCHEMA_REGISTRY_HOME} points at another unpacked copy.
 *
 * <p>It answers in about 5 s, so {@link #shared()} starts one per JVM, which every {@link EmbeddedStack}
 * of that JVM uses. Like the Kafka broker it dies with the JVM that started it, even one killed by
 * SIGKILL: a small shell wrapper holds it and stops it when its standard input (a pipe from this JVM)
 * closes.
 *
 * <pre>{@code
 * String url = EmbeddedSchemaRegistry.shared().url();   // http://127.0.0.1:<port>/apis/ccompat/v7
 * ConfluentAvroCodec codec = ConfluentAvroCodec.forUrl(url);
 * }</pre>
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    /** The Confluent-compatible API of Apicurio Registry 2.x. */
    public static final String CCOMPAT_PATH = "/apis/ccompat/v7";

    /** Environment variable naming an unpacked registry to use instead of the build's copy. */
    public static final String HOME_ENV = "RECKON_SCHEMA_REGISTRY_HOME";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    /**
     * Runs the registry in the background and exits when standard input closes (the parent JVM is gone)
     * or on SIGTERM, stopping the registry first either way.
     */
    private static final String WRAPPER = String.join(
            "\n",
            "\"$@\" &",
            "child=$!",
            "trap 'kill -TERM $child 2>/dev/null; wait $child; exit 0' TERM INT",
            "while read -r _; do :; done",
            "kill -TERM $child 2>/dev/null",
            "wait $child");

    private static EmbeddedSchemaRegistry shared;

    private final Path dataDir;
    private final Path logFile;
    private final int port;
    private final Process process;
    private final Thread shutdownHook;
    /** Whether {@link #dataDir} is removed once the registry has stopped ({@link #startTemporary}). */
    private volatile boolean temporary;

    private EmbeddedSchemaRegistry(Path dataDir, int port, Process process) {
        this.dataDir = dataDir;
        this.logFile = dataDir.resolve("registry.log");
        this.port = port;
        this.process = process;
        this.shutdownHook = new Thread(this::stopQuietly, "embedded-schema-registry-shutdown-" + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * The registry of this JVM, started on first use (in a directory of {@code java.io.tmpdir}) and
     * stopped when the JVM exits, its directory removed then. Schemas registered by one stack are seen by the next; subjects and ids are the same for the
     * same schemas, so stacks do not disturb each other.
     */
    public static synchronized EmbeddedSchemaRegistry shared() {
        if (shared == null || !shared.isRunning()) {
            Path dir = Path.of(
                    System.getProperty("java.io.tmpdir"),
                    "reckon-schema-registry-" + ProcessHandle.current().pid());
            shared = startTemporary(dir);
        }
        return shared;
    }

    /**
     * Starts a registry of its own under {@code dataDir}, which is removed with its log once the
     * registry has stopped (closed, or at the JVM's exit). A registry that fails to start, or that
     * exits on its own, leaves the directory and its log for a look.
     */
    static EmbeddedSchemaRegistry startTemporary(Path dataDir) {
        EmbeddedSchemaRegistry registry = start(dataDir);
        registry.temporary = true;
        return registry;
    }

    /** Starts a registry of its own with its log and temporary files under {@code dataDir}. */
    public static EmbeddedSchemaRegistry start(Path dataDir) {
        long started = System.nanoTime();
        Path dir = dataDir.toAbsolutePath();
        Path home = home();
        Path runner = home.resolve(runnerJar());
        if (!Files.isRegularFile(runner)) {
            throw new IllegalStateException(
                    "The schema registry is not unpacked at " + home + " (no " + runner.getFileName()
                            + "): build the connectors module (./mvnw -pl connectors/devstack -am install -DskipTests) or set "
                            + HOME_ENV);
        }
        int port = FreePorts.pick();
        Process process;
        Path logFile = dir.resolve("registry.log");
        try {
            Files.createDirectories(dir.resolve("tmp"));
            Files.writeString(
                    logFile,
                    "---- starting Apicurio Registry at " + Instant.now() + " ----\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            List<String> command = List.of(
                    "bash",
                    "-c",
                    WRAPPER,
                    "schema-registry",
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    // Small and quick to start: a dev registry beside Kafka, PostgreSQL and Flink on 2 cores.
                    "-Xms64m",
                    "-Xmx384m",
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
                    "-Djava.io.tmpdir=" + dir.resolve("tmp"),
                    // Loopback only: Apicurio binds every interface unless told.
                    "-Dquarkus.http.host=127.0.0.1",
                    "-Dquarkus.http.port=" + port,
                    "-jar",
                    runner.toString());
            process = new ProcessBuilder(command)
                    .directory(home.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the schema registry JVM", e);
        }
        EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(dir, port, process);
        try {
            registry.awaitReady();
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        LOG.info(
                "Schema registry (Apicurio {}) ready at {} in {} ms",
                version(),
                registry.url(),
                (System.nanoTime() - started) / 1_000_000);
        return registry;
    }

    /** The Confluent-compatible base URL, e.g. {@code http://127.0.0.1:41234/apis/ccompat/v7}. */
    public String url() {
        return "http://127.0.0.1:" + port + CCOMPAT_PATH;
    }

    public int port() {
        return port;
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    @Override
    public void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or has run.
        }
    }

    private void stopQuietly() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy(); // SIGTERM to the wrapper, which stops the registry and waits for it.
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (temporary && !process.isAlive()) {
            FileUtils.deleteDirectoryQuietly(dataDir.toFile());
        }
    }

    private void awaitReady() {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest subjects = HttpRequest.newBuilder(URI.create(url() + "/subjects"))
                .timeout(Duration.ofSeconds(5))
                .build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "The schema registry exited during startup; see " + logFile + "\n" + tail());
            }
            try {
                if (http.send(subjects, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the schema registry", e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The schema registry did not answer within " + START_TIMEOUT + "; see "
                        + logFile + "\n" + tail());
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the schema registry", e);
            }
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Where the registry is unpacked: {@value #HOME_ENV}, else where the connectors build put it. */
    static Path home() {
        String env = System.getenv(HOME_ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(buildProperties().getProperty("home"));
    }

    static String version() {
        return buildProperties().getProperty("version");
    }

    private static String runnerJar() {
        return buildProperties().getProperty("runner");
    }

    private static Properties buildProperties() {
        Properties p = new Properties();
        try (InputStream in = EmbeddedSchemaRegistry.class.getResourceAsStream("schema-registry.properties")) {
            if (in == null) {
                throw new IllegalStateException("schema-registry.properties is missing from the connectors jar");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
