package io.reckon.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** A command run in this JVM: its exit status and what it printed on the error stream. */
record CommandRun(int status, String err) {

    /** Runs {@code command} with {@code args}; what it prints on the output stream is dropped. */
    static CommandRun of(Object command, String... args) {
        PrintStream stderr = System.err;
        PrintStream stdout = System.out;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setOut(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
            status = new CommandLine(command).execute(args);
        } finally {
            System.setErr(stderr);
            System.setOut(stdout);
        }
        return new CommandRun(status, err.toString(StandardCharsets.UTF_8).strip());
    }
}
