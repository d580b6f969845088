package io.reckon.connectors.stripe.source;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * The one split of a Stripe source and its checkpointed position. Events: the id and created time of
 * the last event whose lines were emitted (null before the first), and per invoice how many of its
 * events of that second were emitted (the rank of {@link InvoiceEventClock}). Summaries: the value
 * emitted for every hourly summary of the polled windows, by report id.
 * Events also: the mapped lines of every draft invoice as last emitted ({@link DraftLines}).
 */
public final class StripeSplit implements SourceSplit {

    /** Which Stripe stream a split reads. */
    public enum Stream {
        EVENTS,
        SUMMARIES
    }

    private final Stream stream;
    private final String lastEventId;
    private final long lastEventCreated;
    private final Map<String, Integer> invoiceEventsInLastSecond;
    private final Map<String, SummaryMark> marks;
    private final Map<String, List<StripeRecord>> draftLines;

    public StripeSplit(
            Stream stream,
            String lastEventId,
            long lastEventCreated,
            Map<String, Integer> invoiceEventsInLastSecond,
            Map<String, SummaryMark> marks) {
        this(stream, lastEventId, lastEventCreated, invoiceEventsInLastSecond, marks, Map.of());
    }

    public StripeSplit(
            Stream stream,
            String lastEventId,
            long lastEventCreated,
            Map<String, Integer> invoiceEventsInLastSecond,
            Map<String, SummaryMark> marks,
            Map<String, List<StripeRecord>> draftLines) {
        this.stream = Objects.requireNonNull(stream, "stream");
        this.lastEventId = lastEventId;
        this.lastEventCreated = lastEventCreated;
        this.invoiceEventsInLastSecond = Map.copyOf(invoiceEventsInLastSecond);
        this.marks = Map.copyOf(marks);
        Map<String, List<StripeRecord>> lines = new HashMap<>();
        draftLines.forEach((invoice, held) -> lines.put(invoice, List.copyOf(held)));
        this.draftLines = Map.copyOf(lines);
    }

    public static StripeSplit initial(Stream stream) {
        return new StripeSplit(stream, null, 0L, Map.of(), Map.of());
    }

    @Override
    public String splitId() {
        return stream.name().toLowerCase(java.util.Locale.ROOT);
    }

    public Stream stream() {
        return stream;
    }

    public String lastEventId() {
        return lastEventId;
    }

    public long lastEventCreated() {
        return lastEventCreated;
    }

    /** Per invoice, its events of second {@link #lastEventCreated()} whose lines were emitted. */
    public Map<String, Integer> invoiceEventsInLastSecond() {
        return invoiceEventsInLastSecond;
    }

    /** The tie-breaker of {@code updated_at} where this split stopped. */
    InvoiceEventClock eventClock() {
        return lastEventId == null
                ? InvoiceEventClock.start()
                : new InvoiceEventClock(lastEventCreated, invoiceEventsInLastSecond);
    }

    public Map<String, SummaryMark> marks() {
        return marks;
    }

    /** Per draft invoice, its mapped lines as last emitted. */
    public Map<String, List<StripeRecord>> draftLines() {
        return draftLines;
    }

    @Override
    public String toString() {
        return "StripeSplit[" + splitId() + ", last event " + lastEventId + ", " + marks.size() + " summaries, "
                + draftLines.size() + " drafts]";
    }
}
