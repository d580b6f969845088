package io.reckon.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.avro.Anomaly;
import io.reckon.avro.DeadLetter;
import io.reckon.connectors.embedded.EmbeddedStack;
import io.reckon.jobs.sources.InputKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --order file} on one input with no invoice lines: a record placed in the file well after its
 * period was final is late, and one placed well after its period's state was released is dead-lettered,
 * run after run. Until the invoice fence went idle once the invoice input had ended, the reconciliation
 * waited for the fence's copy of the usage watermarks, which two more network exchanges held in their
 * buffers while the records flowed on: a replay read faster than that took records weeks of event time
 * ahead of its watermark, and in most runs the same file gave no late record and no dead letter.
 */
class FileOrderLatenessTest {

    private static final Instant START = Instant.parse("2026-03-01T00:00:00Z");
    private static final Instant END = Instant.parse("2026-05-16T00:00:00Z");
    /** March's billing side is final 72 h after its end (its metering side at April 1, 06:00). */
    private static final Instant MARCH_FINAL = Instant.parse("2026-04-04T00:00:00Z");
    /** March's state is released 35 days after both its sides are final. */
    private static final Instant MARCH_RELEASED = MARCH_FINAL.plus(Duration.ofDays(35));

    @TempDir
    Path work;

    @Test
    void recordsPlacedAfterTheirPeriodWasFinalOrReleasedAreLateOrDeadLettered() throws Exception {
        // Two days of data on each side of the rule keep the test about file order, not about which hour
        // of event time the watermark has reached when a record is read.
        List<String> usage = new ArrayList<>();
        for (Instant t = START; t.isBefore(END); t = t.plus(Duration.ofHours(1))) {
            usage.add(usage("u-" + t.getEpochSecond(), t.plus(Duration.ofMinutes(10)), "100"));
            if (t.equals(MARCH_FINAL.plus(Duration.ofDays(2)))) {
                usage.add(usage("late-1", Instant.parse("2026-03-20T08:45:00Z"), "1"));
                usage.add(usage("late-2", Instant.parse("2026-03-21T08:45:00Z"), "2"));
            }
            if (t.equals(MARCH_RELEASED.plus(Duration.ofDays(2)))) {
                usage.add(usage("released-1", Instant.parse("2026-03-20T09:45:00Z"), "4"));
                usage.add(usage("released-2", Instant.parse("2026-03-21T09:45:00Z"), "8"));
            }
        }
        Path usageFile = Files.write(work.resolve("usage.jsonl"), usage);
        Path contracts = Files.writeString(
                work.resolve("contracts.jsonl"),
                "{\"account_id\":\"acct_1\",\"version\":1,\"effective_from\":\"2026-01-01T00:00:00Z\","
                        + "\"currency\":\"usd\",\"meters\":[{\"meter\":\"api_calls\",\"pricing\":"
                        + "{\"model\":\"per_unit\",\"unit_amount_decimal\":\"1\"}}]}\n");
        Path reported = Files.writeString(work.resolve("reported.jsonl"), "");

        try (EmbeddedStack stack = EmbeddedStack.start(work.resolve("stack"))) {
            Replay.Result result = Replay.run(
                    stack.connectorConfig(),
                    new Replay.InputFiles(contracts, usageFile, reported, null),
                    new Configuration(),
                    LoadOptions.defaults().withOrder(InputOrder.FILE));

            assertThat(result.counts().get(InputKind.USAGE).late())
                    .as("the two records placed after March was final")
                    .isEqualTo(2);
            assertThat(result.deadLetters())
                    .extracting(DeadLetter::getReason)
                    .as("the two records placed after March was released")
                    .hasSize(2)
                    .allMatch(reason -> reason.contains("released"));
            List<Anomaly> march = result.anomalies().stream()
                    .filter(a -> a.getPeriodStart().equals(START))
                    .filter(a -> a.getType().equals("UNDER_REPORTED_USAGE"))
                    .toList();
            Anomaly last = march.get(march.size() - 1);
            assertThat(last.getFinal$()).isTrue();
            assertThat(last.getEventTimeWatermark()).isAfter(MARCH_FINAL);
            assertThat(last.getActualQuantity())
                    .as("March's hourly usage and the two late records")
                    .isEqualByComparingTo(String.valueOf(31 * 24 * 100 + 3));
        }
    }

    private static String usage(String id, Instant time, String quantity) {
        return "{\"event_id\":\"" + id + "\",\"account_id\":\"acct_1\",\"meter\":\"api_calls\",\"event_time\":\"" + time
                + "\",\"quantity\":\"" + quantity + "\"}";
    }
}
