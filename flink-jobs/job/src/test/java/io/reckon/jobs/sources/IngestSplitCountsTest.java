package io.reckon.jobs.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.records.DeadLetterRecord;
import io.reckon.jobs.records.Ingested;
import io.reckon.jobs.records.MeterEvent;
import java.math.BigDecimal;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The input counts survive a restart: a restored subtask goes on from the totals of its checkpoint. */
class IngestSplitCountsTest {

    @Test
    void countsGoOnFromTheLastCheckpointAfterARestart() throws Exception {
        OperatorSubtaskState checkpoint;
        IngestSplit.MeterEvents first = new IngestSplit.MeterEvents(InputKind.USAGE);
        try (var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(first))) {
            h.open();
            for (int i = 0; i < 5; i++) {
                h.processElement(valid(i), i);
            }
            h.processElement(dead(), 10);
            checkpoint = h.snapshot(1, 11);
            // Counted by the failed attempt after the checkpoint: replayed and counted again below.
            h.processElement(valid(99), 12);
        }

        IngestSplit.MeterEvents restored = new IngestSplit.MeterEvents(InputKind.USAGE);
        try (var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(restored))) {
            h.initializeState(checkpoint);
            h.open();
            h.processElement(valid(99), 12);
            h.processElement(dead(), 13);

            assertThat(restored.counters().totals())
                    .containsAllEntriesOf(Map.of("usage.read", 8L, "usage.valid", 6L, "usage.dead_lettered", 2L));
        }
    }

    @Test
    void aFreshStartCountsFromZero() throws Exception {
        IngestSplit.MeterEvents split = new IngestSplit.MeterEvents(InputKind.REPORTED);
        try (var h = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(split))) {
            h.open();
            h.processElement(valid(1), 1);
            assertThat(split.counters().totals())
                    .containsAllEntriesOf(
                            Map.of("reported.read", 1L, "reported.valid", 1L, "reported.dead_lettered", 0L));
        }
    }

    private static Ingested valid(int i) {
        return Ingested.of(MeterEvent.usage("e-" + i, "acct", "api_calls", 1_000L * i, BigDecimal.ONE));
    }

    private static Ingested dead() {
        return Ingested.of(DeadLetterRecord.of("recon.usage", 0, 1L, new byte[] {1}, "bad", 0L));
    }
}
