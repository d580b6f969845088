package io.reckon.jobs.reconcile;

/**
 * The emission latency of revisions that an hourly tick emits, in microseconds: from the moment the
 * watermark that fired the tick reached the operator to the emission. Timers fire synchronously inside
 * the watermark's processing, so the first timer call that sees a new watermark marks its arrival; a
 * revision emitted in a later timer call of the same watermark waited for every key fired before it.
 * The jump of a bounded input's watermark to the end of time is not a real-time emission and is left
 * out. Off (no cost) unless the benchmark asks for it.
 */
final class EmissionLatency {

    private final LatencyHistogram histogram;
    private long watermarkSeen = Long.MIN_VALUE;
    private long watermarkSeenAt;
    private boolean inTimer;

    /** @param histogram where latencies go, or null to measure nothing */
    EmissionLatency(LatencyHistogram histogram) {
        this.histogram = histogram;
    }

    /** A timer call starts under {@code watermark}. */
    void timer(long watermark) {
        if (histogram == null) {
            return;
        }
        inTimer = true;
        if (watermark != watermarkSeen) {
            watermarkSeen = watermark;
            watermarkSeenAt = System.nanoTime();
        }
    }

    /** A record call starts: what it emits is not tick-driven. */
    void record() {
        inTimer = false;
    }

    void emitted() {
        if (histogram != null && inTimer && watermarkSeen != Long.MAX_VALUE) {
            histogram.add((System.nanoTime() - watermarkSeenAt) / 1_000);
        }
    }
}
