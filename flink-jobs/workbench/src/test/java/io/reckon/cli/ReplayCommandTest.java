package io.reckon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.replay.InputOrder;
import io.reckon.replay.LoadOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The options of {@code reckon replay} that say how the files are loaded, and what it refuses before
 * it starts anything (no stack is started).
 */
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

    @ParameterizedTest
    @ValueSource(strings = {"-5m", "abc", "99999999999999999999g", "12 parsecs"})
    void aSortMemoryThatIsNoSizeIsRefusedNamingTheOptionAndAnExample(String given) {
        CommandRun run = CommandRun.of(new ReplayCommand(), withFiles("--sort-memory", given));

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err())
                .isEqualTo("reckon replay: --sort-memory: '" + given + "' is not a size such as 64m or 1g");
    }

    @Test
    void filesThatWouldLoseDataOrTheResultsAreRefusedBeforeAnythingStarts(@TempDir Path dir) throws Exception {
        Path contracts = Files.writeString(dir.resolve("c.jsonl"), "");
        Path usage = Files.writeString(dir.resolve("u.jsonl"), "");
        Path reported = Files.writeString(dir.resolve("r.jsonl"), "");
        String c = contracts.toString();
        String u = usage.toString();
        String r = reported.toString();
        String out = dir.resolve("a.jsonl").toString();
        // An output that is an input: the usage would be overwritten by the anomalies.
        assertThat(refusal("--contracts", c, "--usage", u, "--reported", r, "--out", u))
                .isEqualTo("reckon replay: --usage and --out name the same file, " + u
                        + ": the replay would overwrite it");
        // Two outputs in one file, also spelled differently.
        assertThat(refusal(
                        "--contracts",
                        c,
                        "--usage",
                        u,
                        "--reported",
                        r,
                        "--out",
                        out,
                        "--dlq",
                        dir.resolve("./a.jsonl").toString()))
                .startsWith("reckon replay: --out and --dlq name the same file");
        // An output in a directory that does not exist, or a directory.
        assertThat(refusal(
                        "--contracts",
                        c,
                        "--usage",
                        u,
                        "--reported",
                        r,
                        "--out",
                        dir.resolve("no/a.jsonl").toString()))
                .isEqualTo("reckon replay: --out: the directory of " + dir.resolve("no/a.jsonl") + " does not exist");
        assertThat(refusal("--contracts", c, "--usage", u, "--reported", r, "--out", dir.toString()))
                .isEqualTo("reckon replay: --out: " + dir + " is a directory, not a file");
        // An input that is a directory, or missing.
        assertThat(refusal("--contracts", c, "--usage", dir.toString(), "--reported", r, "--out", out))
                .isEqualTo("reckon replay: --usage: " + dir + " is not a file");
        assertThat(refusal(
                        "--contracts",
                        c,
                        "--usage",
                        u,
                        "--reported",
                        dir.resolve("x.jsonl").toString(),
                        "--out",
                        out))
                .isEqualTo("reckon replay: --reported: " + dir.resolve("x.jsonl") + " does not exist");
        assertThat(usage).isEmptyFile();
    }

    @Test
    void countsBelowOneAreRefusedBeforeAnythingStarts(@TempDir Path dir) throws Exception {
        String c = Files.writeString(dir.resolve("c.jsonl"), "").toString();
        String out = dir.resolve("a.jsonl").toString();
        for (String setting :
                List.of("reconcile.watermark-corroboration=0", "kafka.topic-partitions=0", "parallelism.default=0")) {
            assertThat(refusal("--contracts", c, "--usage", c, "--reported", c, "--out", out, "-D", setting))
                    .isEqualTo("reckon replay: " + setting.replace("=0", "") + " must be at least 1, was 0");
        }
    }

    /** What the command prints on its error stream, given that it refuses to run (exit status 2). */
    private static String refusal(String... args) {
        CommandRun run = CommandRun.of(new ReplayCommand(), args);
        assertThat(run.status()).as("exit status").isEqualTo(2);
        return run.err();
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
