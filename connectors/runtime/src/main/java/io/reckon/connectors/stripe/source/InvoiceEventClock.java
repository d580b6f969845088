package io.reckon.connectors.stripe.source;

import java.util.HashMap;
import java.util.Map;

/**
 * The {@code updated_at} of the invoice lines an event carries: the event's {@code created} (whole
 * seconds) in milliseconds, plus the rank of the event among the events of the same invoice in that
 * second, in the order the events are read (Stripe's list order, oldest first when paging with {@code
 * ending_before}). Two events of one invoice in the same second (a draft created and corrected at once,
 * an invoice finalized and charged at once) therefore give its lines strictly increasing {@code
 * updated_at} in the order Stripe produced them, and the reconciliation keeps the later state whatever
 * the order in which the lines reach it. Without the rank, equal {@code updated_at} would leave the
 * choice to the content of the lines.
 *
 * <p>The rank counts per invoice, not per account: a line belongs to one invoice, and a second with
 * thousands of events of different invoices (a billing run) costs nothing. It stops at {@link
 * #MAX_RANK}: the 1,000th event of one invoice within one second (none has been seen) shares its
 * millisecond with the one before. The {@code stripe-backfill} command stamps an invoice's state with
 * its last status change plus {@link #BACKFILL_RANK} milliseconds, after every event of that second.
 *
 * <p>Only the events of the current second are counted: the events come in time order, so the map
 * holds the invoices of one second and is part of the source's checkpoint (a restart in the middle of
 * a second goes on counting where it stopped). Not thread-safe.
 */
public final class InvoiceEventClock {

    /** The highest rank an event gets within its second. */
    public static final int MAX_RANK = 998;

    /** The milliseconds the backfill adds to a status change's second: after every event of it. */
    public static final int BACKFILL_RANK = 999;

    private long second;
    private final Map<String, Integer> seen;

    /**
     * @param second the second of the last event counted ({@code created}, epoch seconds)
     * @param seen per invoice, how many of its events in that second were counted
     */
    public InvoiceEventClock(long second, Map<String, Integer> seen) {
        this.second = second;
        this.seen = new HashMap<>(seen);
    }

    public static InvoiceEventClock start() {
        return new InvoiceEventClock(Long.MIN_VALUE, Map.of());
    }

    /**
     * Counts the next event of {@code invoiceId} and returns its lines' {@code updated_at}.
     *
     * @param createdSeconds the event's {@code created}; events must come in non-decreasing order of it
     */
    public long next(String invoiceId, long createdSeconds) {
        advance(createdSeconds);
        int rank = seen.merge(invoiceId, 1, Integer::sum) - 1;
        return createdSeconds * 1000L + Math.min(rank, MAX_RANK);
    }

    /** Moves to the second of an event that counts for no invoice (one whose invoice cannot be read). */
    public void advance(long createdSeconds) {
        if (createdSeconds != second) {
            second = createdSeconds;
            seen.clear();
        }
    }

    /** The second whose events are counted. */
    public long second() {
        return second;
    }

    /** Per invoice, its events counted in {@link #second()}; a copy. */
    public Map<String, Integer> seen() {
        return Map.copyOf(seen);
    }
}
