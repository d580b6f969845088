package io.reckon.jobs.reconcile;

import org.apache.flink.streaming.api.TimerService;

/**
 * A timer service that reports a given watermark and registers and deletes timers in the one it wraps:
 * the watermark a record is judged at when it is not the operator's current one ({@link
 * WatermarkFloor}, {@link HeldLines}).
 */
final class WatermarkView implements TimerService {

    private final TimerService timers;
    private final long watermark;

    WatermarkView(TimerService timers, long watermark) {
        this.timers = timers;
        this.watermark = watermark;
    }

    @Override
    public long currentProcessingTime() {
        return timers.currentProcessingTime();
    }

    @Override
    public long currentWatermark() {
        return watermark;
    }

    @Override
    public void registerProcessingTimeTimer(long time) {
        timers.registerProcessingTimeTimer(time);
    }

    @Override
    public void registerEventTimeTimer(long time) {
        timers.registerEventTimeTimer(time);
    }

    @Override
    public void deleteProcessingTimeTimer(long time) {
        timers.deleteProcessingTimeTimer(time);
    }

    @Override
    public void deleteEventTimeTimer(long time) {
        timers.deleteEventTimeTimer(time);
    }
}
