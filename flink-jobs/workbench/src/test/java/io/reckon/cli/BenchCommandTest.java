package io.reckon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * {@code reckon bench} refuses a managed memory it cannot run with, naming the option, before it runs
 * anything; a run leaves no temporary working directory behind.
 */
class BenchCommandTest {

    @ParameterizedTest
    @CsvSource({
        "abc, --managed-memory must be a size such as 512m or 2g, not abc",
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

    @Test
    void aRunLeavesNoTemporaryWorkingDirectoryBehind() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Set<Path> before = benchDirectories(tmp);
        PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = new CommandLine(new ReckonCli())
                    .execute(
                            "bench",
                            "--mode",
                            "in-memory",
                            "--state-backend",
                            "heap",
                            "--events",
                            "2000",
                            "--accounts",
                            "2",
                            "--no-baseline",
                            "--no-warmup",
                            "--json");
        } finally {
            System.setOut(out);
        }
        assertThat(exit).isZero();
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("\"comparisons\"");
        assertThat(benchDirectories(tmp)).isSubsetOf(before);
    }

    private static Set<Path> benchDirectories(Path tmp) throws IOException {
        try (Stream<Path> all = Files.list(tmp)) {
            return all.filter(p -> p.getFileName().toString().startsWith("reckon-bench-"))
                    .collect(Collectors.toSet());
        }
    }
}
