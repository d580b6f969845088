package io.reckon.jobs.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.records.Ingested;
import io.reckon.jobs.records.MeterEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class ValidRecordsWatermarksTest {

    private static final long BOUND = 5 * 60_000L;

    /** The watermarks a generator emitted, as times. */
    private static final class Marks implements WatermarkOutput {
        final List<Instant> emitted = new ArrayList<>();

        @Override
        public void emitWatermark(Watermark watermark) {
            emitted.add(Instant.ofEpochMilli(watermark.getTimestamp()));
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    }

    @Test
    void periodicOnlyEmitsNothingWhileRecordsAreRead() {
        IngestWatermarks.ValidRecordsWatermarks g = new IngestWatermarks.ValidRecordsWatermarks(BOUND, 1, -1, false);
        Marks out = new Marks();

        read(g, out, "e-1", "2026-03-02T10:00:00Z");
        read(g, out, "e-2", "2026-04-02T10:00:00Z");
        assertThat(out.emitted).isEmpty();

        g.onPeriodicEmit(out);
        assertThat(out.emitted).containsExactly(Instant.parse("2026-04-02T09:54:59.999Z"));
    }

    @Test
    void eachHourEmitsAsSoonAsARecordTakesTheWatermarkPastAnHour() {
        IngestWatermarks.ValidRecordsWatermarks g = new IngestWatermarks.ValidRecordsWatermarks(BOUND, 1, -1, true);
        Marks out = new Marks();

        read(g, out, "e-1", "2026-03-02T10:00:00Z");
        assertThat(out.emitted).containsExactly(Instant.parse("2026-03-02T09:54:59.999Z"));
        // Later within the same hour of the watermark (09:58:59.999): left to the periodic emission.
        read(g, out, "e-2", "2026-03-02T10:04:00Z");
        assertThat(out.emitted).hasSize(1);
        // Past the next hour: at once.
        read(g, out, "e-3", "2026-03-02T11:30:00Z");
        // Behind the watermark: nothing.
        read(g, out, "e-4", "2026-03-01T00:00:00Z");
        assertThat(out.emitted)
                .containsExactly(Instant.parse("2026-03-02T09:54:59.999Z"), Instant.parse("2026-03-02T11:24:59.999Z"));

        g.onPeriodicEmit(out);
        assertThat(out.emitted).hasSize(2);
    }

    @Test
    void eachHourStillWaitsForTheCorroborationAndIgnoresCopies() {
        IngestWatermarks.ValidRecordsWatermarks g = new IngestWatermarks.ValidRecordsWatermarks(BOUND, 3, -1, true);
        Marks out = new Marks();

        read(g, out, "e-1", "2026-03-02T10:00:00Z");
        read(g, out, "e-2", "2026-03-03T10:00:00Z");
        assertThat(out.emitted).as("two records vouch for no time yet").isEmpty();
        // One record far ahead, and copies of it: a third id, so event time reaches the third latest.
        read(g, out, "e-far", "2026-09-01T00:00:00Z");
        read(g, out, "e-far", "2026-09-01T00:00:00Z");
        read(g, out, "e-far", "2026-09-01T00:00:00Z");
        assertThat(out.emitted).containsExactly(Instant.parse("2026-03-02T09:54:59.999Z"));

        read(g, out, "e-3", "2026-03-04T10:00:00Z");
        assertThat(out.emitted)
                .containsExactly(Instant.parse("2026-03-02T09:54:59.999Z"), Instant.parse("2026-03-03T09:54:59.999Z"));
    }

    private static void read(IngestWatermarks.ValidRecordsWatermarks g, WatermarkOutput out, String id, String time) {
        long t = Instant.parse(time).toEpochMilli();
        g.onEvent(Ingested.of(MeterEvent.usage(id, "acct_1", "api_calls", t, BigDecimal.ONE)), t, out);
    }
}
