package io.reckon.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * What a command that failed prints: its stack trace, then what went wrong in a few lines, one per
 * cause and each once (the first line of its message), so that the last lines of the output say it.
 * Flink wraps one cause in several exceptions whose messages repeat it ("RuntimeException:
 * JobExecutionException: Could not instantiate configured state backend"), so a message is shown
 * without the class names it starts with, and a message already shown is not shown again. Written by
 * hand: picocli prints the trace alone, and no library here condenses a cause chain.
 */
final class CommandFailure implements CommandLine.IExecutionExceptionHandler {

    /** A qualified class name and a colon at the start of a message: {@code java.lang.RuntimeException: }. */
    private static final Pattern CLASS_PREFIX = Pattern.compile("^(?:[a-zA-Z_$][\\w$]*\\.)+[A-Z][\\w$]*: ");

    /** Deeper than any real cause chain; guards against chains that loop. */
    private static final int MAX_CAUSES = 32;

    @Override
    public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        e.printStackTrace(err);
        err.println();
        List<String> lines = summary(e);
        err.println("reckon " + cl.getCommandName() + " failed: " + lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
            err.println("  because: " + line);
        }
        err.flush();
        return cl.getCommandSpec().exitCodeOnExecutionException();
    }

    /**
     * The causes of {@code e}, outermost first, as "ClassName: message" without the class names the
     * message starts with; a cause whose message was already shown is left out.
     */
    static List<String> summary(Throwable e) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<String> shown = new HashSet<>();
        List<String> lines = new ArrayList<>();
        for (Throwable t = e; t != null && seen.size() < MAX_CAUSES && seen.add(t); t = t.getCause()) {
            String message = withoutClassNames(firstLine(t.getMessage()));
            if (message.isEmpty()) {
                message = "(no message)";
            }
            if (shown.add(message)) {
                lines.add(t.getClass().getSimpleName() + ": " + message);
            }
        }
        return lines;
    }

    /** Its first line: details below it (a driver's SQL state, say) are in the stack trace. */
    private static String firstLine(String message) {
        return message == null
                ? ""
                : message.strip().lines().findFirst().orElse("").strip();
    }

    private static String withoutClassNames(String message) {
        String m = message;
        for (String shorter = CLASS_PREFIX.matcher(m).replaceFirst(""); !shorter.equals(m); ) {
            m = shorter;
            shorter = CLASS_PREFIX.matcher(m).replaceFirst("");
        }
        return m;
    }
}
