package io.reckon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.ReconOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {

    @Test
    void theDemoTurnsUpsellOpportunitiesOnForItsRunButTheJobsDefaultStaysOff() {
        Configuration conf = new Configuration();
        assertThat(conf.get(ReconOptions.UPSELL_ENABLED)).isFalse();

        assertThat(DemoCommand.withUpsell(conf)).isTrue();
        assertThat(conf.get(ReconOptions.UPSELL_ENABLED)).isTrue();
        assertThat(new Configuration().get(ReconOptions.UPSELL_ENABLED)).isFalse();
    }

    @Test
    void tooFewAccountsOrAFileForTheDirectoryAreOneLineErrorsBeforeAnythingStarts(@TempDir Path dir) throws Exception {
        assertThat(refusal("--accounts", "5"))
                .isEqualTo("reckon demo: --accounts must be at least 24 (the workload plants 6 leaks of each type"
                        + " among accounts that have none), was 5");
        assertThat(refusal("--accounts", "0")).startsWith("reckon demo: --accounts must be at least 24");
        Path file = Files.writeString(dir.resolve("a-file"), "");
        assertThat(refusal("--dir", file.toString()))
                .isEqualTo("reckon demo: --dir: " + file + " is a file, not a directory");
        assertThat(dir.resolve("a-file")).isEmptyFile();
    }

    private static String refusal(String... args) {
        CommandRun run = CommandRun.of(new DemoCommand(), args);
        assertThat(run.status()).isEqualTo(2);
        return run.err();
    }

    @Test
    void aConfigurationThatSetsTheOptionIsObeyed() {
        Configuration off = new Configuration();
        off.set(ReconOptions.UPSELL_ENABLED, false);
        assertThat(DemoCommand.withUpsell(off)).isFalse();
        assertThat(off.get(ReconOptions.UPSELL_ENABLED)).isFalse();
    }
}
