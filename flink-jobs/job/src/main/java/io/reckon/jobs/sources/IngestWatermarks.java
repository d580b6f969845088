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
 * <p>Meter inputs: bounded out-of-orderness over the event times of VALID records only, corroborated
 * by several records (see {@link ValidRecordsWatermarks}). Flink's
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

    /** As below, with a corroboration of 1 and no wall-clock bound: Flink's plain rule over valid records. */
    public static WatermarkStrategy<Ingested> meterEvents(Duration maxOutOfOrderness, Duration idleTimeout) {
        return meterEvents(maxOutOfOrderness, idleTimeout, 1, null);
    }

    /**
     * Bounded out-of-orderness over the event time that {@code corroboration} valid records with
     * distinct ids have reached ({@link CorroboratedTime}), never past the wall clock plus {@code
     * maxFutureSkew} (null: no such bound, for tests of fixed data).
     */
    public static WatermarkStrategy<Ingested> meterEvents(
            Duration maxOutOfOrderness, Duration idleTimeout, int corroboration, Duration maxFutureSkew) {
        long bound = maxOutOfOrderness.toMillis();
        long skew = maxFutureSkew == null ? -1 : maxFutureSkew.toMillis();
        WatermarkStrategy<Ingested> s = WatermarkStrategy.<Ingested>forGenerator((WatermarkGeneratorSupplier<Ingested>)
                        ctx -> new ValidRecordsWatermarks(bound, corroboration, skew))
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

    /**
     * Valid records only, corroborated: the watermark follows the event time {@code k} records with
     * distinct ids have reached, so one record from the future moves nothing. The wall-clock bound is
     * a second guard for live input (validation already dead-letters usage and reports beyond it);
     * invoice lines of a future period are held back by it and by {@link EventTimeFence}.
     */
    static final class ValidRecordsWatermarks implements WatermarkGenerator<Ingested> {
        private final long bound;
        private final long skewMs;
        private final CorroboratedTime time;
        private long sent = Long.MIN_VALUE;

        ValidRecordsWatermarks(long bound, int corroboration, long skewMs) {
            this.bound = bound;
            this.skewMs = skewMs;
            this.time = new CorroboratedTime(corroboration);
        }

        @Override
        public void onEvent(Ingested event, long eventTimestamp, WatermarkOutput output) {
            if (event.meterEvent != null) {
                time.add(event.meterEvent.key() + "\u001f" + event.meterEvent.id, event.meterEvent.eventTime);
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            long t = time.time();
            if (t == CorroboratedTime.NONE) {
                return;
            }
            if (skewMs >= 0) {
                t = Math.min(t, System.currentTimeMillis() + skewMs);
            }
            long mark = t - bound - 1;
            if (mark > sent) {
                sent = mark;
                output.emitWatermark(new Watermark(mark));
            }
        }
    }

    static final class NoWatermarks implements WatermarkGenerator<Ingested> {
        @Override
        public void onEvent(Ingested event, long eventTimestamp, WatermarkOutput output) {}

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {}
    }
}
