package io.reckon.bench;

import java.util.Optional;

/**
 * Whether a benchmark with heap state fits the JVM's heap. Reckon keeps every deduplication id on the
 * heap while its period is retained (128 bytes each measured for ids of 13 characters: a slot of its
 * key's table, its characters and the table's free slots; 140 leaves room for longer ids), so the
 * dense profile's 10,000,000 ids need more than the command line's default heap; a
 * run that does not fit spends its time collecting garbage until the local cluster's heartbeats time
 * out, which says nothing about the cause. This says it before the run.
 */
public final class HeapBudget {

    /** Heap bytes of one id in heap state, measured layout with compressed references. */
    static final long BYTES_PER_ID = 140;

    /** Room the collector needs above the live state, and the local cluster's own use. */
    static final double HEADROOM = 1.5;

    static final long BASE_BYTES = 512L << 20;

    private HeapBudget() {}

    /** The heap a run of {@code events} with heap state needs, in bytes. */
    public static long needed(long events) {
        return (long) (events * BYTES_PER_ID * HEADROOM) + BASE_BYTES;
    }

    /** A message when {@code maxHeap} is too small for {@code events} with heap state, else empty. */
    public static Optional<String> shortfall(long events, long maxHeap) {
        long need = needed(events);
        if (maxHeap >= need) {
            return Optional.empty();
        }
        long gib = (need + (1L << 30) - 1) >> 30;
        return Optional.of(String.format(
                "%,d events with heap state need about %d GiB of heap (the deduplication ids stay on the heap"
                        + " while their period is retained); this JVM has %.1f GiB. Run with"
                        + " RECKON_JAVA_OPTS=-Xmx%dg, or use --state-backend rocksdb.",
                events, gib, maxHeap / (double) (1L << 30), gib));
    }
}
