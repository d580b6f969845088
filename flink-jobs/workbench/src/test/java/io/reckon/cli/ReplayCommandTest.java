package io.reckon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.replay.InputOrder;
import io.reckon.replay.LoadOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The options of {@code reckon replay} that say how the files are loaded (no stack is started). */
class ReplayCommandTest {

    private static final String[] FILES = {
        "--contracts", "c.jsonl", "--usage", "u.jsonl", "--reported", "r.jsonl", "--out", "a.jsonl"
    };

    @Test
    void eventTimeOrderAnd64MiBOfSortMemoryByDefault() {
        ReplayCommand c = parse();
        assertThat(c.order).isEqualTo(InputOrder.EVENT_TIME);
        assertThat(c.sortMemory).isEqualTo("64m");
        assertThat(org.apache.flink.configuration.MemorySize.parse(c.sortMemory).getBytes())
                .isEqualTo(LoadOptions.DEFAULT_SORT_MEMORY);
    }

    @Test
    void orderFileAndEventTimeAreReadInAnyCase() {
        assertThat(parse("--order", "file").order).isEqualTo(InputOrder.FILE);
        assertThat(parse("--order", "Event-Time").order).isEqualTo(InputOrder.EVENT_TIME);
    }

    @Test
    void anUnknownOrderIsAUsageErrorNamingTheChoices() {
        StringWriter err = new StringWriter();
        int status = new CommandLine(new ReplayCommand())
                .setErr(new PrintWriter(err))
                .execute(withFiles("--order", "arrival"));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains("'arrival' is not an input order (event-time or file)");
    }

    @Test
    void aSortMemoryBelowOneMebibyteIsRefusedBeforeAnythingStarts() {
        java.io.PrintStream stderr = System.err;
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int status;
        try {
            System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
            status = new CommandLine(new ReplayCommand()).execute(withFiles("--sort-memory", "100k"));
        } finally {
            System.setErr(stderr);
        }
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8))
                .contains("reckon replay: --sort-memory: the sort memory must be at least 1 MiB, was 102400");
    }

    private static ReplayCommand parse(String... options) {
        ReplayCommand c = new ReplayCommand();
        new CommandLine(c).parseArgs(withFiles(options));
        return c;
    }

    private static String[] withFiles(String... options) {
        String[] all = new String[FILES.length + options.length];
        System.arraycopy(FILES, 0, all, 0, FILES.length);
        System.arraycopy(options, 0, all, FILES.length, options.length);
        return all;
    }
}
