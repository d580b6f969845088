package io.reckon.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.avro.Anomaly;
import io.reckon.jobs.sources.InputKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A correction of an invoice line that names another meter moves the line: only the line's latest
 * record bills, so the meter it left has no line at all, through the production job graph and in
 * either order of the line's records. Without it both meters would keep a record of the line, and the
 * first would look billed. A line of a meter the contract does not list is counted unmapped.
 */
class InvoiceLineMovesReplayTest {

    private static final String CONTRACT = "{\"account_id\":\"acct_m\",\"version\":1,"
            + "\"effective_from\":\"2026-01-01T00:00:00Z\",\"currency\":\"usd\",\"meters\":["
            + "{\"meter\":\"api_calls\",\"pricing\":{\"model\":\"per_unit\",\"unit_amount_decimal\":\"1\"}},"
            + "{\"meter\":\"tokens\",\"pricing\":{\"model\":\"per_unit\",\"unit_amount_decimal\":\"1\"}}]}";

    /** The line first billed api_calls; its correction an hour later bills tokens instead. */
    private static final List<String> LINES =
            List.of(line("api_calls", "2026-04-02T00:00:00Z"), line("tokens", "2026-04-02T01:00:00Z"));

    @TempDir
    static Path work;

    @RegisterExtension
    static final SharedStack STACK = new SharedStack();

    @Test
    void theMeterTheLineLeftIsUnbilledAndTheOtherOverbilledInEitherOrder() throws Exception {
        List<String> reversed = new ArrayList<>(LINES);
        Collections.reverse(reversed);
        for (List<String> lines : List.of(LINES, reversed)) {
            Replay.Result r = run(lines);
            assertThat(finals(r))
                    .as("lines in the order %s", lines)
                    .containsExactlyInAnyOrder(
                            // 100 used, reported and priced on api_calls, which no line bills any more.
                            "UNBILLED_USAGE api_calls billed=null amount=100",
                            // 50 on tokens, billed 100 by the moved line.
                            "OVERBILLED tokens billed=100 amount=50");
            // The record of the line that does not stand is counted once; the line of a meter the
            // contract does not list is counted unmapped.
            assertThat(r.counts().get(InputKind.INVOICES).duplicates()).isEqualTo(1);
            assertThat(r.counts().get(InputKind.INVOICES).unmapped()).isEqualTo(1);
        }
    }

    private static List<String> finals(Replay.Result r) {
        return r.anomalies().stream()
                .filter(Anomaly::getFinal$)
                .filter(a -> !a.getStatus().equals("resolved"))
                .map(a -> a.getType() + " " + a.getMeter() + " billed=" + a.getBilledAmountMinor() + " amount="
                        + a.getAmountMinor())
                .toList();
    }

    private Replay.Result run(List<String> lines) throws Exception {
        CleanSlate.reset(STACK.get(), 1);
        Path dir = Files.createTempDirectory(work, "run-");
        Replay.InputFiles files = new Replay.InputFiles(
                Files.write(dir.resolve("contracts.jsonl"), List.of(CONTRACT)),
                Files.write(
                        dir.resolve("usage.jsonl"),
                        List.of(
                                record("event_id", "u-1", "api_calls", "100"),
                                record("event_id", "u-2", "tokens", "50"))),
                Files.write(
                        dir.resolve("reported.jsonl"),
                        List.of(
                                record("report_id", "r-1", "api_calls", "100"),
                                record("report_id", "r-2", "tokens", "50"))),
                Files.write(dir.resolve("invoices.jsonl"), withUnlisted(lines)));
        return Replay.run(
                STACK.get().connectorConfig(),
                files,
                new Configuration(),
                LoadOptions.defaults().withOrder(InputOrder.FILE),
                conf -> {});
    }

    /** The lines and one more, of a meter the contract does not list. */
    private static List<String> withUnlisted(List<String> lines) {
        List<String> all = new ArrayList<>(lines);
        all.add(line("webhooks", "2026-04-02T00:00:00Z").replace("il_1", "il_2"));
        return all;
    }

    private static String record(String idField, String id, String meter, String quantity) {
        return "{\"" + idField + "\":\"" + id + "\",\"account_id\":\"acct_m\",\"meter\":\"" + meter
                + "\",\"event_time\":\"2026-03-05T10:00:00Z\",\"quantity\":\"" + quantity + "\"}";
    }

    private static String line(String meter, String updatedAt) {
        return "{\"invoice_id\":\"in_1\",\"line_id\":\"il_1\",\"account_id\":\"acct_m\",\"meter\":\"" + meter
                + "\",\"period_start\":\"2026-03-01T00:00:00Z\",\"period_end\":\"2026-04-01T00:00:00Z\","
                + "\"quantity\":\"100\",\"amount_minor\":100,\"currency\":\"usd\",\"status\":\"open\",\"updated_at\":\""
                + updatedAt + "\"}";
    }
}
