package io.reckon.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Confluent's JavaScript clients for the tests, installed by the build from the npm registry:
 * {@code src/test/node} holds package.json, its package-lock.json and the producer script.
 *
 * <p>{@code @confluentinc/kafka-javascript} is a native module. Its prebuilt binaries come from GitHub,
 * which this project's machines cannot reach, so npm builds it from the librdkafka sources inside the
 * package (about 3 minutes of CPU on 2 cores). Built with {@code CKJS_LINKING=dynamic}: the default
 * static build insists on downloading zlib, OpenSSL, zstd and curl sources; the dynamic one builds
 * librdkafka with what the machine has (plaintext Kafka is all the tests need). The result is kept under
 * {@code ~/.cache/reckon}, keyed by the lock file's hash, so it is built once per machine and version.
 */
final class NodeClient {

    static final Path SOURCES = Path.of("src", "test", "node");
    static final String SCRIPT = "produce-avro.mjs";

    private final Path dir;

    private NodeClient(Path dir) {
        this.dir = dir;
    }

    /** Installs the clients (once per machine) or skips the calling test if Node.js is not installed. */
    static NodeClient installOrSkip() throws Exception {
        String version = nodeVersion();
        Assumptions.assumeTrue(
                version != null,
                "Node.js is not installed (no 'node' on the PATH): the test of Confluent's JavaScript client is"
                        + " skipped. Install Node.js 18 or later to run it.");
        Path lock = SOURCES.resolve("package-lock.json");
        String hash = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(lock)))
                .substring(0, 16);
        Path dir = Path.of(System.getProperty("user.home"), ".cache", "reckon", "node-client-" + hash);
        Path marker = dir.resolve(
                "node_modules/@confluentinc/kafka-javascript/build/Release/confluent-kafka-javascript.node");
        if (!Files.exists(marker)) {
            Path staging = Files.createDirectories(dir.getParent())
                    .resolve(dir.getFileName() + ".staging-"
                            + ProcessHandle.current().pid());
            Files.createDirectories(staging);
            Files.copy(
                    SOURCES.resolve("package.json"),
                    staging.resolve("package.json"),
                    StandardCopyOption.REPLACE_EXISTING);
            Files.copy(lock, staging.resolve("package-lock.json"), StandardCopyOption.REPLACE_EXISTING);
            long started = System.nanoTime();
            String out = run(
                    staging, List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of("CKJS_LINKING", "dynamic"), 30);
            System.out.printf(
                    "Installed Confluent's JavaScript clients in %d s (%s)%n",
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), dir);
            assertThat(staging.resolve(dir.relativize(marker))).as(out).exists();
            try {
                Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException otherJvmWasFaster) {
                org.apache.commons.io.FileUtils.deleteQuietly(staging.toFile());
            }
        }
        return new NodeClient(dir);
    }

    /** Produces the records of {@code jsonl} as Confluent Avro of {@code avsc}, through the JavaScript clients. */
    String produceAvro(String bootstrap, String registryUrl, String topic, Path avsc, Path jsonl) throws Exception {
        Files.copy(SOURCES.resolve(SCRIPT), dir.resolve(SCRIPT), StandardCopyOption.REPLACE_EXISTING);
        return run(
                dir,
                List.of(
                        "node",
                        SCRIPT,
                        bootstrap,
                        registryUrl,
                        topic,
                        avsc.toAbsolutePath().toString(),
                        jsonl.toAbsolutePath().toString()),
                Map.of(),
                2);
    }

    private static String nodeVersion() {
        try {
            Process p = new ProcessBuilder("node", "--version")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor() == 0 ? out : null;
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    private static String run(Path dir, List<String> command, Map<String, String> env, int timeoutMinutes)
            throws Exception {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command))
                .directory(dir.toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(env);
        Path log = Files.createTempFile("node-client-", ".log");
        builder.redirectOutput(log.toFile());
        Process p = builder.start();
        boolean done = p.waitFor(timeoutMinutes, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        assertThat(done)
                .as(String.join(" ", command) + " timed out:\n" + tail(out))
                .isTrue();
        assertThat(p.exitValue())
                .as(String.join(" ", command) + " failed:\n" + tail(out))
                .isZero();
        return out;
    }

    private static String tail(String out) {
        return out.length() <= 4000 ? out : out.substring(out.length() - 4000);
    }
}
