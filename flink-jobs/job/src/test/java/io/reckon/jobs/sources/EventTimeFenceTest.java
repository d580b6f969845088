package io.reckon.jobs.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.records.MeterEvent;
import java.math.BigDecimal;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class EventTimeFenceTest {

    @Test
    void invoiceLinesNeverLeadMetering() throws Exception {
        try (var h = harness()) {
            h.processWatermark1(new Watermark(100));
            h.processWatermark2(new Watermark(5_000));
            assertThat(watermarks(h)).containsExactly(100L);

            h.processWatermark1(new Watermark(200));
            assertThat(watermarks(h)).containsExactly(100L, 200L);
        }
    }

    @Test
    void invoiceLinesHoldTimeBackWhileActive() throws Exception {
        try (var h = harness()) {
            h.processWatermark2(new Watermark(50));
            h.processWatermark1(new Watermark(100));
            assertThat(watermarks(h)).containsExactly(50L);

            h.processWatermarkStatus2(WatermarkStatus.IDLE);
            assertThat(watermarks(h)).as("idle invoices hold nothing back").containsExactly(50L, 100L);
            assertThat(statuses(h))
                    .as("the line owners' timers run on this path's watermarks")
                    .isEmpty();
        }
    }

    /**
     * Once the invoice input has ended (a bounded one, in a replay), the metering side's watermarks,
     * which reach the reconciliation with its records, decide alone: this path goes idle rather than
     * send a copy of them that its network buffers would hold back behind the records.
     */
    @Test
    void afterTheInvoiceInputEndsTheMeteringSideDecidesAlone() throws Exception {
        try (var h = harness()) {
            h.processWatermark2(Watermark.MAX_WATERMARK);
            h.processWatermark1(new Watermark(100));
            h.processWatermark1(new Watermark(200));
            assertThat(watermarks(h)).isEmpty();
            assertThat(statuses(h)).containsExactly(WatermarkStatus.IDLE);

            h.processWatermark1(Watermark.MAX_WATERMARK);
            assertThat(statuses(h)).containsExactly(WatermarkStatus.IDLE, WatermarkStatus.ACTIVE);
            assertThat(watermarks(h)).as("the end of both inputs").containsExactly(Long.MAX_VALUE);
        }
    }

    @Test
    void whileMeteringIsIdleInvoiceLinesMoveNothing() throws Exception {
        try (var h = harness()) {
            h.processWatermark1(new Watermark(100));
            h.processWatermark2(new Watermark(100));
            h.processWatermarkStatus1(WatermarkStatus.IDLE);
            h.processWatermark2(new Watermark(1_000_000));
            h.processElement2(new StreamRecord<>(line(), 1_000_000));

            assertThat(watermarks(h)).containsExactly(100L);
            assertThat(statuses(h)).containsExactly(WatermarkStatus.IDLE);
            assertThat(h.extractOutputValues()).as("records pass").hasSize(1);

            h.processWatermarkStatus1(WatermarkStatus.ACTIVE);
            h.processWatermark1(new Watermark(300));
            assertThat(watermarks(h)).containsExactly(100L, 300L);
        }
    }

    @Test
    void invoiceLinesReadAfterTheEndOfMeteringMoveTimeNoFurtherThanItsLastWatermark() throws Exception {
        try (var h = harness()) {
            h.processWatermark2(new Watermark(50));
            h.processWatermark1(new Watermark(100));
            h.processWatermark1(Watermark.MAX_WATERMARK);
            assertThat(watermarks(h)).containsExactly(50L);
            h.processWatermark2(new Watermark(700));
            assertThat(watermarks(h))
                    .as("held at the metering side's last time")
                    .containsExactly(50L, 100L);
            h.processWatermarkStatus2(WatermarkStatus.IDLE);
            assertThat(watermarks(h)).containsExactly(50L, 100L);
            h.processWatermark2(Watermark.MAX_WATERMARK);
            assertThat(watermarks(h)).as("the end of both inputs").containsExactly(50L, 100L, Long.MAX_VALUE);
        }
    }

    @Test
    void withoutAnyMeteringTimeTheEndOfBothInputsDecides() throws Exception {
        try (var h = harness()) {
            h.processWatermark1(Watermark.MAX_WATERMARK);
            h.processWatermark2(new Watermark(700));
            assertThat(watermarks(h)).isEmpty();
            h.processWatermark2(Watermark.MAX_WATERMARK);
            assertThat(watermarks(h)).containsExactly(Long.MAX_VALUE);
        }
    }

    private static TwoInputStreamOperatorTestHarness<MeterEvent, MeterEvent, MeterEvent> harness() throws Exception {
        var h = new TwoInputStreamOperatorTestHarness<>(new EventTimeFence());
        h.open();
        return h;
    }

    private static List<Long> watermarks(TwoInputStreamOperatorTestHarness<MeterEvent, MeterEvent, MeterEvent> h) {
        return h.getOutput().stream()
                .filter(o -> o instanceof Watermark)
                .map(o -> ((Watermark) o).getTimestamp())
                .collect(Collectors.toList());
    }

    private static List<WatermarkStatus> statuses(
            TwoInputStreamOperatorTestHarness<MeterEvent, MeterEvent, MeterEvent> h) {
        return h.getOutput().stream()
                .filter(o -> o instanceof WatermarkStatus)
                .map(o -> (WatermarkStatus) o)
                .collect(Collectors.toList());
    }

    private static MeterEvent line() {
        return MeterEvent.usage("e-1", "acct", "api_calls", 1_000_000, BigDecimal.ONE);
    }
}
