package io.reckon.jobs.sources;

import io.reckon.jobs.records.Ingested;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Watermark strategies of the inputs.
 *
 * <p>Meter inputs: bounded out-of-orderness over the event times of VALID records only. Flink's
 * built-in generator cannot skip records, and a dead letter carries no event time (its Kafka
 * timestamp is wall-clock produce time): letting it into the watermark would make every correct
 * record late. Hence this small generator.
 *
 * <p>Contracts never advance the watermark: until the contracts input is idle (or, for bounded input,
 * finished) the job's watermark stays put, so contract versions are in broadcast state before any
 * period is evaluated.
 */
public final class IngestWatermarks {

    private IngestWatermarks() {}

    public static WatermarkStrategy<Ingested> meterEvents(Duration maxOutOfOrderness, Duration idleTimeout) {
        long bound = maxOutOfOrderness.toMillis();
        WatermarkStrategy<Ingested> s = WatermarkStrategy.<Ingested>forGenerator(
                        (WatermarkGeneratorSupplier<Ingested>) ctx -> new ValidRecordsWatermarks(bound))
                .withTimestampAssigner((TimestampAssignerSupplier<Ingested>) ctx -> IngestWatermarks::timestamp);
        return idleTimeout.isZero() ? s : s.withIdleness(idleTimeout);
    }

    public static WatermarkStrategy<Ingested> contracts(Duration idleTimeout) {
        WatermarkStrategy<Ingested> s = WatermarkStrategy.<Ingested>forGenerator(
                        (WatermarkGeneratorSupplier<Ingested>) ctx -> new NoWatermarks())
                .withTimestampAssigner((TimestampAssignerSupplier<Ingested>) ctx -> (e, ts) -> ts);
        return idleTimeout.isZero() ? s : s.withIdleness(idleTimeout);
    }

    private static long timestamp(Ingested e, long recordTimestamp) {
        return e.meterEvent != null ? e.meterEvent.eventTime : recordTimestamp;
    }

    static final class ValidRecordsWatermarks implements WatermarkGenerator<Ingested> {
        private final long bound;
        private long maxTimestamp;

        ValidRecordsWatermarks(long bound) {
            this.bound = bound;
            this.maxTimestamp = Long.MIN_VALUE + bound + 1;
        }

        @Override
        public void onEvent(Ingested event, long eventTimestamp, WatermarkOutput output) {
            if (event.meterEvent != null) {
                maxTimestamp = Math.max(maxTimestamp, event.meterEvent.eventTime);
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            output.emitWatermark(new Watermark(maxTimestamp - bound - 1));
        }
    }

    static final class NoWatermarks implements WatermarkGenerator<Ingested> {
        @Override
        public void onEvent(Ingested event, long eventTimestamp, WatermarkOutput output) {}

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {}
    }
}
