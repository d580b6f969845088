package io.reckon.jobs.reconcile;

import java.util.List;

/**
 * What a usage or reported record does to the key's figures: it counts (the common case, one change),
 * it is a duplicate (no change), it changes which copies count (a copy earlier than the one counted, a
 * later summary), or it is refused (too many distinct copies of one id).
 */
record Admission(Outcome outcome, List<Change> changes, String refusal) {

    enum Outcome {
        COUNTED,
        DUPLICATE,
        CHANGED,
        REFUSED
    }

    static final Admission DUPLICATE = new Admission(Outcome.DUPLICATE, List.of(), null);

    /**
     * The record counts as it is, its own event time and quantity: the one change, which the caller
     * knows, is not listed (nothing is allocated for the common case).
     */
    static final Admission COUNTED = new Admission(Outcome.COUNTED, List.of(), null);

    static Admission changed(List<Change> changes) {
        return changes.isEmpty() ? DUPLICATE : new Admission(Outcome.CHANGED, changes, null);
    }

    static Admission refused(String reason) {
        return new Admission(Outcome.REFUSED, List.of(), reason);
    }
}
