package io.reckon.jobs.reconcile;

import io.reckon.jobs.ReconOptions;
import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.util.TimeUtils;

/** The reconciliation options a function needs, resolved and validated once at job build time. */
public record ReconSettings(
        long dedupHorizonMs,
        long reportingDelayMs,
        long allowedLatenessMs,
        long invoiceGraceMs,
        long stateRetentionMs,
        long gapWindowMs,
        int spikeDeviations,
        int spikeRatio,
        int spikeMinRecords,
        double dropDeviations,
        int dropRatio,
        int upsellMarginPct,
        boolean upsellEnabled,
        long inputEndMs)
        implements Serializable {

    /** {@link #inputEndMs} when reconcile.input-end is not set. */
    public static final long NO_INPUT_END = Long.MIN_VALUE;

    public static final long HOUR_MS = 3_600_000L;

    public ReconSettings {
        requireWholeHours("reconcile.reporting-delay", reportingDelayMs);
        requireWholeHours("reconcile.allowed-lateness", allowedLatenessMs);
        requireWholeHours("reconcile.invoice-grace", invoiceGraceMs);
        requireWholeHours("reconcile.gap-window", gapWindowMs);
        if (gapWindowMs <= 0) {
            throw new IllegalArgumentException("reconcile.gap-window must be at least one hour");
        }
        if (spikeDeviations < 1 || spikeRatio < 2 || spikeMinRecords < 1 || !(dropDeviations >= 1) || dropRatio < 2) {
            throw new IllegalArgumentException("reconcile.spike-deviations, reconcile.drop-deviations and"
                    + " reconcile.spike-min-records must be >= 1, reconcile.spike-ratio and reconcile.drop-ratio >= 2");
        }
        if (upsellMarginPct < 0) {
            throw new IllegalArgumentException("reconcile.upsell-margin must not be negative");
        }
        if (dedupHorizonMs <= 0) {
            throw new IllegalArgumentException("reconcile.dedup-horizon must be positive");
        }
        if (stateRetentionMs < dedupHorizonMs) {
            // Dedup ids are swept when a period's state is cleaned up; a shorter retention would
            // forget ids that still may have copies inside the horizon.
            throw new IllegalArgumentException("reconcile.state-retention ("
                    + TimeUtils.formatWithHighestUnit(Duration.ofMillis(stateRetentionMs))
                    + ") must be at least reconcile.dedup-horizon ("
                    + TimeUtils.formatWithHighestUnit(Duration.ofMillis(dedupHorizonMs)) + ")");
        }
    }

    public static ReconSettings from(ReadableConfig conf) {
        return new ReconSettings(
                conf.get(ReconOptions.DEDUP_HORIZON).toMillis(),
                conf.get(ReconOptions.REPORTING_DELAY).toMillis(),
                conf.get(ReconOptions.ALLOWED_LATENESS).toMillis(),
                conf.get(ReconOptions.INVOICE_GRACE).toMillis(),
                conf.get(ReconOptions.STATE_RETENTION).toMillis(),
                conf.get(ReconOptions.GAP_WINDOW).toMillis(),
                conf.get(ReconOptions.SPIKE_DEVIATIONS),
                conf.get(ReconOptions.SPIKE_RATIO),
                conf.get(ReconOptions.SPIKE_MIN_RECORDS),
                conf.get(ReconOptions.DROP_DEVIATIONS),
                conf.get(ReconOptions.DROP_RATIO),
                conf.get(ReconOptions.UPSELL_MARGIN_PCT),
                conf.get(ReconOptions.UPSELL_ENABLED),
                conf.getOptional(ReconOptions.INPUT_END).orElse(NO_INPUT_END));
    }

    /** The usage detector's parameters. */
    public io.reckon.jobs.reconcile.checks.UsageDetector.Settings detector() {
        return new io.reckon.jobs.reconcile.checks.UsageDetector.Settings(
                spikeDeviations, spikeRatio, spikeMinRecords, dropDeviations, dropRatio);
    }

    public static ReconSettings defaults() {
        return from(new org.apache.flink.configuration.Configuration());
    }

    private static void requireWholeHours(String key, long ms) {
        if (ms < 0 || ms % HOUR_MS != 0) {
            throw new IllegalArgumentException(key + " must be a non-negative whole number of hours, was "
                    + TimeUtils.formatWithHighestUnit(Duration.ofMillis(ms)));
        }
    }
}
