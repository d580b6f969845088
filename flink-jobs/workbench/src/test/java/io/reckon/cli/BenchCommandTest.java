package io.reckon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code reckon bench} refuses a managed memory it cannot run with, naming the option, before it runs anything. */
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
}
