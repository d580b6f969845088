package io.reckon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ActionsCommandTest {

    private static final Path EXAMPLES = Path.of("..", "..", "docs", "examples");

    @Test
    void theExamplePolicyTurnsTheReadmeExampleIntoTwoCrmTasks() {
        PrintStream stdout = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            status = new CommandLine(new ActionsCommand())
                    .execute(
                            "--policy", EXAMPLES.resolve("action-policy.yaml").toString(),
                            "--anomalies",
                                    EXAMPLES.resolve("expected-anomalies.jsonl").toString(),
                            "--contracts", EXAMPLES.resolve("contracts.jsonl").toString());
        } finally {
            System.setOut(stdout);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(status).isZero();
        assertThat(text).contains("Policy: 3 rules, valid.").contains("Actions (2):");
        // The final UNDER_REPORTED_USAGE (12.50) and MISSED_OVERAGE (5.00): below the 100.00 invoice
        // threshold, at least the 5.00 of the task rule; nothing is high enough for the webhook.
        assertThat(text).containsPattern("crm_task usd\\s+2 actions,\\s+17.50");
        assertThat(text).doesNotContain("stripe_draft_invoice usd").doesNotContain("webhook usd");
        // The example's webhook rule names an endpoint no configuration here has.
        assertThat(text)
                .contains("The action job would refuse it with the endpoints configured now:")
                .contains("webhook endpoint 'finance' is not configured");
    }

    @Test
    void anAnomaliesFileThatIsMissingOrNotAnomaliesIsAOneLineError(@TempDir Path dir) throws Exception {
        String policy = EXAMPLES.resolve("action-policy.yaml").toString();
        assertThat(refusal(
                        "--policy",
                        policy,
                        "--anomalies",
                        dir.resolve("nope.jsonl").toString()))
                .isEqualTo("reckon actions: --anomalies: " + dir.resolve("nope.jsonl") + " does not exist");
        Path garbage = Files.writeString(dir.resolve("a.jsonl"), "\n{\"type\":\"X\"}\n");
        assertThat(refusal("--policy", policy, "--anomalies", garbage.toString()))
                .startsWith("reckon actions: --anomalies: line 2 of " + garbage
                        + " is not an anomaly revision as reckon replay writes them: ");
    }

    private static String refusal(String... args) {
        CommandRun run = CommandRun.of(new ActionsCommand(), args);
        assertThat(run.status()).isEqualTo(2);
        return run.err();
    }

    @Test
    void withoutAPolicyThereIsNothingToCheck() {
        CommandRun run = CommandRun.of(new ActionsCommand());

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err())
                .isEqualTo("reckon actions: no policy to check: give --policy, or actions.policy-file or"
                        + " actions.policy.rules in --config or the environment");
    }

    @Test
    void aBadPolicyExitsWithStatusTwoAndTheReason() {
        PrintStream stderr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            status = new CommandLine(new ActionsCommand())
                    .execute("--policy", EXAMPLES.resolve("contracts.jsonl").toString());
        } finally {
            System.setErr(stderr);
        }
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("reckon actions: ");
    }
}
