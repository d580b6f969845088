package io.reckon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

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
        int exit = new CommandLine(new Failing())
                .setExecutionExceptionHandler(new CommandFailure())
                .setErr(new PrintWriter(err))
                .execute();

        assertThat(exit).isEqualTo(1);
        String[] lines = err.toString().strip().split("\\R");
        // The trace first, then one line per cause, the last the innermost.
        assertThat(err.toString()).contains("\tat io.reckon.cli.").contains("\nreckon failing failed: ");
        assertThat(lines[lines.length - 1]).isEqualTo("  because: ConnectException: Connection refused");
    }

    /** A command whose work fails the way a refused connection surfaces through a driver. */
    @CommandLine.Command(name = "failing")
    static final class Failing implements java.util.concurrent.Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            throw new IllegalStateException(
                    "could not connect to the database", new java.net.ConnectException("Connection refused"));
        }
    }
}
