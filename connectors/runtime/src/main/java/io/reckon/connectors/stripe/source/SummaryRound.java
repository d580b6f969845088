package io.reckon.connectors.stripe.source;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * One round over every mapped (customer, Stripe meter): every target's window is read (page by page,
 * in whatever order Stripe lists it: newest first), the summaries that changed since they were last
 * emitted are kept, and once every target has been read they are handed on in hour order (ties in
 * target order). The summaries therefore leave the source in event-time order across all customers and
 * meters, which is what the reconciliation's watermark needs when a round covers weeks of history (a
 * first start, a bounded run): emitted customer by customer, the summaries of later customers would
 * reach it behind their time.
 *
 * <p>Memory: the changed summaries of one round. In steady state that is the last hours of every
 * target; at a first start every summary of the window, as many as the marks the source keeps in its
 * checkpoint anyway. No Stripe or Flink types: the reader makes the calls. Not thread-safe.
 *
 * <pre>{@code
 * SummaryRound round = new SummaryRound(index.summaryTargets(), now, 2);
 * for (SummaryRound.Request r = round.request(); r != null; r = round.request()) {
 *     round.add(r.target(), changedSummariesReadFromStripe(r));
 *     round.done(r.target());
 * }
 * emit(round.take(1000));   // ... until round.finished()
 * }</pre>
 */
final class SummaryRound {

    /** The window [start, end) (epoch seconds) of a target that must be read next. */
    record Request(int target, ContractIndex.SummaryTarget summaryTarget, long start, long end) {}

    /** One hourly summary read in this round (start of its hour, epoch seconds). */
    record Read(int target, long hourStart, BigDecimal value) {}

    private static final Comparator<Read> ORDER =
            Comparator.comparingLong(Read::hourStart).thenComparingInt(Read::target);

    private final List<ContractIndex.SummaryTarget> targets;
    private final List<SummaryWindow> windows;
    private final List<Read> changed = new ArrayList<>();
    private int next;
    private int taken = -1;

    /** @param periods billing periods read back per target ({@link SummaryWindow#of(Collection, Instant, int)}) */
    SummaryRound(List<ContractIndex.SummaryTarget> targets, Instant now, int periods) {
        this.targets = List.copyOf(targets);
        this.windows = this.targets.stream()
                .map(t -> SummaryWindow.of(t.anchorDays(), now, periods))
                .toList();
    }

    /** The next target to read, or null once every target has been read. */
    Request request() {
        if (next >= targets.size()) {
            return null;
        }
        SummaryWindow w = windows.get(next);
        return new Request(
                next, targets.get(next), w.start().getEpochSecond(), w.end().getEpochSecond());
    }

    /** Changed summaries of {@code target} (one page of them, any order). */
    void add(int target, List<Read> reads) {
        for (Read r : reads) {
            if (r.target() != target) {
                throw new IllegalArgumentException("a read of target " + r.target() + " given as " + target);
            }
        }
        changed.addAll(reads);
    }

    /** {@code target} is read (its last page, or Stripe refused it). */
    void done(int target) {
        if (target == next) {
            next++;
        }
    }

    /**
     * Up to {@code max} changed summaries in hour order, once every target is read; empty before.
     * After the last, the round is {@link #finished()}.
     */
    List<Read> take(int max) {
        if (request() != null || finished()) {
            return List.of();
        }
        if (taken < 0) {
            changed.sort(ORDER);
            taken = 0;
        }
        int to = Math.min(changed.size(), taken + max);
        List<Read> out = List.copyOf(changed.subList(taken, to));
        taken = to;
        return out;
    }

    /** Every target is read and every changed summary handed on. */
    boolean finished() {
        return next >= targets.size() && taken >= changed.size();
    }

    ContractIndex.SummaryTarget target(int index) {
        return targets.get(index);
    }
}
