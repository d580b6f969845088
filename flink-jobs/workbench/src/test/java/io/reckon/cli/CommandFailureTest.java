package io.reckon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class CommandFailureTest {

    @Test
    void aCauseRepeatedByItsWrappersIsShownOnce() {
        Exception e = new IllegalStateException(
                "Failed to execute job 'reckon-replay'.",
                new CompletionException(new RuntimeException(
                        "org.apache.flink.runtime.client.JobExecutionException: Could not instantiate configured state"
                                + " backend",
                        new IllegalArgumentException(
                                "Could not instantiate configured state backend",
                                new ClassNotFoundException("nonsense")))));

        assertThat(CommandFailure.summary(e))
                .containsExactly(
                        "IllegalStateException: Failed to execute job 'reckon-replay'.",
                        "CompletionException: Could not instantiate configured state backend",
                        "ClassNotFoundException: nonsense");
    }

    @Test
    void aCauseChainThatLoopsEnds() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);

        assertThat(CommandFailure.summary(a)).containsExactly("RuntimeException: a", "RuntimeException: b");
    }

    @Test
    void aFailedCommandEndsWithWhatWentWrongAndExitsWithOne() {
        StringWriter err = new StringWriter();
        int exit = ReckonCli.commandLine()
                .setErr(new PrintWriter(err))
                .execute("migrate", "-D", "jdbc.url=jdbc:postgresql://127.0.0.1:1/reckon", "-D", "jdbc.password=x");

        assertThat(exit).isEqualTo(1);
        String[] lines = err.toString().strip().split("\\R");
        // The trace first, then one line per cause, the last the driver's refusal.
        assertThat(err.toString()).contains("\tat org.postgresql.").contains("\nreckon migrate failed: ");
        assertThat(lines[lines.length - 1]).isEqualTo("  because: ConnectException: Connection refused");
    }
}
