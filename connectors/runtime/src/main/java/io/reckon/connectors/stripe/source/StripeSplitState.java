package io.reckon.connectors.stripe.source;

import java.util.HashMap;
import java.util.Map;

/** The mutable position of the split while the reader emits; see {@link StripeSplit}. */
final class StripeSplitState {

    private final StripeSplit.Stream stream;
    private String lastEventId;
    private long lastEventCreated;
    private final InvoiceEventClock clock;
    private final Map<String, SummaryMark> marks;
    private final DraftLines drafts;

    StripeSplitState(StripeSplit split) {
        this.stream = split.stream();
        this.lastEventId = split.lastEventId();
        this.lastEventCreated = split.lastEventCreated();
        this.clock = split.eventClock();
        this.marks = new HashMap<>(split.marks());
        this.drafts = new DraftLines(split.draftLines());
    }

    /** Moves the position past a batch whose records were emitted. */
    void apply(StripeBatch batch) {
        if (batch.eventId() != null) {
            lastEventId = batch.eventId();
            lastEventCreated = batch.eventCreated();
            // The same count the reader made when it stamped the batch's lines.
            if (batch.invoiceId() != null) {
                clock.next(batch.invoiceId(), batch.eventCreated());
            } else {
                clock.advance(batch.eventCreated());
            }
        }
        if (batch.draftLines() != null) {
            // What the reader's DraftLines held after the batch's event.
            drafts.hold(batch.invoiceId(), batch.draftLines());
        }
        marks.putAll(batch.marks());
        if (batch.pruneBefore() > 0) {
            marks.values().removeIf(m -> m.hourStart() < batch.pruneBefore());
        }
    }

    StripeSplit toSplit() {
        return new StripeSplit(
                stream,
                lastEventId,
                lastEventCreated,
                lastEventId == null ? Map.of() : clock.seen(),
                marks,
                drafts.byInvoice());
    }
}
