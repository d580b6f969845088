package io.reckon.jobs.sources;

import io.reckon.jobs.records.Ingested;
import io.reckon.jobs.records.MeterEvent;
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
        return meterEvents(maxOutOfOrderness, idleTimeout, 1, null, false);
    }

    /**
     * Bounded out-of-orderness over the event time that {@code corroboration} valid records with
     * distinct ids have reached ({@link CorroboratedTime}), never past the wall clock plus {@code
     * maxFutureSkew} (null: no such bound, for tests of fixed data); emitted periodically and, with
     * {@code eachHour}, also as soon as it passes an event-time hour.
     */
    public static WatermarkStrategy<Ingested> meterEvents(
            Duration maxOutOfOrderness,
            Duration idleTimeout,
            int corroboration,
            Duration maxFutureSkew,
            boolean eachHour) {
        long bound = maxOutOfOrderness.toMillis();
        long skew = maxFutureSkew == null ? -1 : maxFutureSkew.toMillis();
        WatermarkStrategy<Ingested> s = WatermarkStrategy.<Ingested>forGenerator((WatermarkGeneratorSupplier<Ingested>)
                        ctx -> new ValidRecordsWatermarks(bound, corroboration, skew, eachHour))
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
     *
     * <p>With {@code eachHour} a record that takes the watermark past an event-time hour emits it at
     * once. Every tick, period end and default lateness is on the hour, so input read faster than the
     * periodic emission (a replayed file) is judged as if read in real time, at one watermark per
     * event-time hour of the input at most.
     */
    static final class ValidRecordsWatermarks implements WatermarkGenerator<Ingested> {

        private static final long HOUR_MS = Duration.ofHours(1).toMillis();

        private final long bound;
        private final long skewMs;
        private final boolean eachHour;
        private final CorroboratedTime time;
        private long sent = Long.MIN_VALUE;

        ValidRecordsWatermarks(long bound, int corroboration, long skewMs, boolean eachHour) {
            this.bound = bound;
            this.skewMs = skewMs;
            this.eachHour = eachHour;
            this.time = new CorroboratedTime(corroboration);
        }

        @Override
        public void onEvent(Ingested event, long eventTimestamp, WatermarkOutput output) {
            MeterEvent e = event.meterEvent;
            if (e != null && time.mayMove(e.eventTime)) {
                time.add(new RecordId(e.accountId, e.meter, e.id), e.eventTime);
                if (eachHour) {
                    long mark = mark();
                    if (mark != Long.MIN_VALUE && Math.floorDiv(mark, HOUR_MS) > Math.floorDiv(sent, HOUR_MS)) {
                        emit(mark, output);
                    }
                }
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            long mark = mark();
            if (mark != Long.MIN_VALUE && mark > sent) {
                emit(mark, output);
            }
        }

        /** The watermark the records read so far allow, or {@link Long#MIN_VALUE} before they allow any. */
        private long mark() {
            long t = time.time();
            if (t == CorroboratedTime.NONE) {
                return Long.MIN_VALUE;
            }
            if (skewMs >= 0) {
                t = Math.min(t, System.currentTimeMillis() + skewMs);
            }
            return t - bound - 1;
        }

        private void emit(long mark, WatermarkOutput output) {
            sent = mark;
            output.emitWatermark(new Watermark(mark));
        }
    }

    static final class NoWatermarks implements WatermarkGenerator<Ingested> {
        @Override
        public void onEvent(Ingested event, long eventTimestamp, WatermarkOutput output) {}

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {}
    }
}
