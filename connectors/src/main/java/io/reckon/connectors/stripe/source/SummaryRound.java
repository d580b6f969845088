package io.reckon.connectors.stripe.source;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One round over every mapped (customer, Stripe meter), in slices of time: the round reads the hours
 * of one slice for every target, then hands the slice's summaries on in hour order (ties in target
 * order), then goes to the next slice. The summaries therefore leave the source in event-time order
 * across all customers and meters, which is what the reconciliation's watermark needs when a round
 * covers weeks of history (a first start, a bounded run); emitted customer by customer, the summaries
 * of the later customers would reach it behind their time.
 *
 * <p>A slice is as many hours as a page holds summaries ({@code stripe.page-size}), so a target's hours
 * of one slice are one call; the memory is one slice of every target. Stripe lists a window's
 * summaries newest first, so the order within a page is not relied upon: a slice is sorted once it is
 * complete. No Stripe or Flink types: the reader makes the calls. Not thread-safe.
 *
 * <pre>{@code
 * SummaryRound round = new SummaryRound(index.summaryTargets(), now, 2, 100);
 * for (SummaryRound.Request r = round.request(); r != null || !round.finished(); r = round.request()) {
 *     if (r != null) { round.add(r.target(), readFromStripe(r)); round.done(r.target()); }
 *     else { emit(round.take(1000)); }
 * }
 * }</pre>
 */
final class SummaryRound {

    /** The hours [start, end) (epoch seconds) of a target that must be read next. */
    record Request(int target, ContractIndex.SummaryTarget summaryTarget, long start, long end) {}

    /** One hourly summary read in this round. */
    record Read(int target, long hourStart, BigDecimal value) {}

    /** An hourly summary as a page gives it: the start of its hour (epoch seconds) and its value. */
    record Hourly(long hourStart, BigDecimal value) {}

    private static final Comparator<Read> ORDER =
            Comparator.comparingLong(Read::hourStart).thenComparingInt(Read::target);

    private final List<ContractIndex.SummaryTarget> targets;
    private final List<SummaryWindow> windows;
    private final long sliceSeconds;
    private final long roundEnd;
    private final Set<Integer> dropped = new HashSet<>();
    private long sliceStart;
    private int next;
    private final List<Read> slice = new ArrayList<>();
    private int taken = -1;

    /**
     * @param periods billing periods read back per target ({@link SummaryWindow#of(int, Instant, int)})
     * @param sliceHours hours of one slice: the page size, so that one call reads a target's slice
     */
    SummaryRound(List<ContractIndex.SummaryTarget> targets, Instant now, int periods, int sliceHours) {
        this.targets = List.copyOf(targets);
        this.windows = this.targets.stream()
                .map(t -> SummaryWindow.of(t.anchorDay(), now, periods))
                .toList();
        this.sliceSeconds = sliceHours * 3600L;
        this.sliceStart = windows.stream()
                .mapToLong(w -> w.start().getEpochSecond())
                .min()
                .orElse(0L);
        this.roundEnd =
                windows.stream().mapToLong(w -> w.end().getEpochSecond()).max().orElse(0L);
    }

    /** The next read the current slice needs, or null when the slice is complete (or the round over). */
    Request request() {
        if (taken >= 0) {
            return null;
        }
        long sliceEnd = sliceStart + sliceSeconds;
        while (next < targets.size()) {
            SummaryWindow w = windows.get(next);
            long start = Math.max(sliceStart, w.start().getEpochSecond());
            long end = Math.min(sliceEnd, w.end().getEpochSecond());
            if (!dropped.contains(next) && start < end) {
                return new Request(next, targets.get(next), start, end);
            }
            next++;
        }
        return null;
    }

    /** Summaries of {@code target} read for the current slice (one page of it, any order). */
    void add(int target, List<Hourly> page) {
        for (Hourly h : page) {
            slice.add(new Read(target, h.hourStart(), h.value()));
        }
    }

    /** The current slice of {@code target} is read. */
    void done(int target) {
        if (target == next) {
            next++;
        }
    }

    /** Stripe refuses {@code target}: it is left out of the rest of the round. */
    void drop(int target) {
        dropped.add(target);
        done(target);
    }

    /**
     * Up to {@code max} summaries of the complete slice, in hour order; after the last, the round moves
     * to the next slice. Empty while the slice still needs reads ({@link #request()}).
     */
    List<Read> take(int max) {
        if (finished() || request() != null) {
            return List.of();
        }
        if (taken < 0) {
            slice.sort(ORDER);
            taken = 0;
        }
        int to = Math.min(slice.size(), taken + max);
        List<Read> out = List.copyOf(slice.subList(taken, to));
        taken = to;
        if (taken >= slice.size()) {
            slice.clear();
            taken = -1;
            next = 0;
            sliceStart += sliceSeconds;
        }
        return out;
    }

    /** Every slice has been read and handed on. */
    boolean finished() {
        return targets.isEmpty() || sliceStart >= roundEnd;
    }

    ContractIndex.SummaryTarget target(int index) {
        return targets.get(index);
    }
}
