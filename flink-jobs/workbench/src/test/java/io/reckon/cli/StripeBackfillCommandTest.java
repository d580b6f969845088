package io.reckon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code reckon stripe-backfill} names the option whose time it cannot read, before it connects to anything. */
class StripeBackfillCommandTest {

    @ParameterizedTest
    @CsvSource({
        "yesterday, 2026-01-01T00:00:00Z, --from 'yesterday'",
        "2025-01-01T00:00:00Z, 2026-01-01, --to '2026-01-01'"
    })
    void aTimeThatIsNotAnInstantIsAUsageErrorNamingItsOption(String from, String to, String named) {
        CommandRun run = CommandRun.of(new StripeBackfillCommand(), "--from", from, "--to", to);

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err())
                .isEqualTo("reckon stripe-backfill: " + named
                        + " is not an ISO-8601 UTC time such as 2026-01-01T00:00:00Z");
    }
}
