package io.reckon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's help renders as written: a description with a bare {@code %} (say "5 % of
 * records") is a format string to picocli, which then prints warnings instead of the text.
 */
class HelpTextTest {

    @Test
    void everyCommandsHelpRendersWithoutFormatWarnings() {
        CommandLine cli = new CommandLine(new ReckonCli());
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(cli.getUsageMessage()).contains("Usage: reckon");
            for (Map.Entry<String, CommandLine> sub : cli.getSubcommands().entrySet()) {
                assertThat(sub.getValue().getUsageMessage()).as(sub.getKey()).contains("Usage:");
            }
        } finally {
            System.setErr(err);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain("Could not format");
        assertThat(cli.getSubcommands()).containsKey("bench");
    }

    /**
     * The list of commands shows the first line of each description: it must be a whole sentence, not
     * the start of one cut where the line ends.
     */
    @Test
    void theListOfCommandsShowsEachCommandsWholeFirstSentence() {
        CommandLine cli = new CommandLine(new ReckonCli());
        String listing = cli.getUsageMessage().replaceAll("\\s+", " ");
        for (Map.Entry<String, CommandLine> sub : cli.getSubcommands().entrySet()) {
            if (sub.getKey().equals("help")) {
                continue;
            }
            String first = sub.getValue().getCommandSpec().usageMessage().description()[0];
            assertThat(first).as(sub.getKey()).endsWith(".").doesNotContain(". ");
            assertThat(listing).as(sub.getKey()).contains(sub.getKey() + " " + first);
        }
    }

    @Test
    void noCommandIsAUsageError() {
        CommandRun run = CommandRun.of(new ReckonCli());

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).startsWith("Missing a command.").contains("Usage: reckon");
    }
}
