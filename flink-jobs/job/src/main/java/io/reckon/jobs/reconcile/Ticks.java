package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.ReconSettings.HOUR_MS;

import java.util.HashSet;
import java.util.Set;
import org.apache.flink.streaming.api.TimerService;

/**
 * Registers a key's hourly ticks. Every usage or report record asks for the tick after the watermark,
 * and with RocksDB timers each registration writes the timer again even when it exists, so a key
 * registers each hour's tick once: the keys whose tick right after the watermark is registered are
 * remembered until the watermark enters a new hour. Valid because the reconcile function never
 * deletes a timer and a timer above the watermark cannot have fired. Not state: after a restore the
 * set starts empty and the first records register again, which Flink deduplicates.
 */
final class Ticks {

    /** Bounds the memory of the remembered keys; past it, keys simply register again. */
    private static final int MAX_PENDING_KEYS = 1 << 17;

    private final Set<String> pendingKeys = new HashSet<>();
    private long pendingTick = Long.MIN_VALUE;

    static long floorHour(long t) {
        return Math.floorDiv(t, HOUR_MS) * HOUR_MS;
    }

    /** The first hour boundary after the watermark, or after {@code eventTime} when there is no watermark yet. */
    static long next(long watermark, long eventTime) {
        long base = watermark < 0 ? eventTime : watermark;
        return base >= Long.MAX_VALUE - HOUR_MS ? Long.MAX_VALUE : floorHour(base) + HOUR_MS;
    }

    /** Registers the tick at {@code tick} (an hour boundary after the current one, from a timer). */
    void at(TimerService timers, String key, long tick) {
        if (tick == pendingTick && !pendingKeys.add(key)) {
            return;
        }
        timers.registerEventTimeTimer(tick);
    }

    /** Registers {@code key}'s tick after the watermark (after {@code eventTime} before any watermark). */
    void request(TimerService timers, String key, long eventTime) {
        long watermark = timers.currentWatermark();
        if (watermark < 0 && eventTime == Long.MIN_VALUE) {
            return; // no time known at all: the key's own records and timers bring its ticks
        }
        long tick = next(watermark, eventTime);
        if (watermark < 0) {
            timers.registerEventTimeTimer(tick);
            return;
        }
        if (tick != pendingTick || pendingKeys.size() >= MAX_PENDING_KEYS) {
            pendingKeys.clear();
            pendingTick = tick;
        }
        if (pendingKeys.add(key)) {
            timers.registerEventTimeTimer(tick);
        }
    }
}
