package io.reckon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * {@code reckon bench} refuses a managed memory it cannot run with, naming the option, before it runs
 * anything; a run leaves no temporary files behind.
 */
class BenchCommandTest {

    @ParameterizedTest
    @CsvSource({
        "abc, --managed-memory: 'abc' is not a size such as 512m or 2g",
        "-5m, --managed-memory: '-5m' is not a size such as 512m or 2g",
        "8m, --managed-memory must be at least 16m, not 8m"
    })
    void anUnusableManagedMemoryIsRefused(String given, String message) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = new CommandLine(new ReckonCli()).execute("bench", "--managed-memory", given);
        } finally {
            System.setErr(err);
        }
        assertThat(exit).isEqualTo(2);
        assertThat(captured.toString(StandardCharsets.UTF_8)).contains("reckon bench: " + message);
    }

    @ParameterizedTest
    @CsvSource({"1.5", "-0.1", "NaN"})
    void aWarmupThatIsNoShareOfTheWorkloadIsRefused(String given) {
        CommandRun run = CommandRun.of(new ReckonCli(), "bench", "--warmup", given);

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err())
                .isEqualTo("reckon bench: --warmup must be a share of the workload between 0 and 1, not " + given);
    }

    /**
     * Neither its working directory nor Flink's temporary files (a cluster's directory, the RPC system's
     * jar): run as the {@code reckon} command runs it, in a JVM of its own that exits when the command
     * is done (a cluster with RocksDB state had not finished removing them then).
     */
    @Test
    void aRunLeavesNoTemporaryFilesBehind() throws Exception {
        Path tmp = Files.createTempDirectory("bench-leftovers");
        Path log = tmp.resolveSibling(tmp.getFileName() + ".log");
        Process run = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx512m",
                        "-Djava.io.tmpdir=" + tmp,
                        "--add-opens=java.base/java.util=ALL-UNNAMED",
                        "--add-opens=java.base/java.lang=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        ReckonCli.class.getName(),
                        "bench",
                        "--mode",
                        "in-memory",
                        "--state-backend",
                        "rocksdb",
                        "--events",
                        "2000",
                        "--accounts",
                        "2",
                        "--no-baseline",
                        "--no-warmup",
                        "--json")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertThat(run.waitFor(5, TimeUnit.MINUTES)).as("the run ends").isTrue();
        assertThat(run.exitValue()).as(Files.readString(log)).isZero();
        assertThat(Files.readString(log)).contains("\"comparisons\"");
        assertThat(leftovers(tmp)).isEmpty();
    }

    private static Set<Path> leftovers(Path tmp) throws IOException {
        try (Stream<Path> all = Files.list(tmp)) {
            return all.filter(p -> {
                        String name = p.getFileName().toString();
                        return name.startsWith("reckon-bench-")
                                || name.startsWith("minicluster_")
                                || name.startsWith("flink-rpc-akka");
                    })
                    .collect(Collectors.toSet());
        }
    }
}
