package io.reckon.connectors.stripe.source;

import java.util.List;
import java.util.Map;

/**
 * What one fetch hands the reader: the records of one event (or one page of summaries) and the
 * position after them. The reader emits the records and moves the split's position in one step, so a
 * checkpoint never falls between an event's lines.
 *
 * @param eventId the event whose records these are (the new events cursor), or null
 * @param eventCreated the event's {@code created}, epoch seconds
 * @param invoiceId the event's invoice, or null when it could not be read
 * @param draftLines the invoice's lines {@link DraftLines} holds after the event (none once it is no
 *     longer a draft), or null when the event's invoice could not be read
 * @param marks summaries emitted (report id to value)
 * @param pruneBefore marks of hours before this (epoch ms) are no longer needed; 0 for none
 */
record StripeBatch(
        List<StripeRecord> records,
        String eventId,
        long eventCreated,
        String invoiceId,
        List<StripeRecord> draftLines,
        Map<String, SummaryMark> marks,
        long pruneBefore) {

    static StripeBatch ofEvent(
            List<StripeRecord> records,
            String eventId,
            long eventCreated,
            String invoiceId,
            List<StripeRecord> draftLines) {
        return new StripeBatch(records, eventId, eventCreated, invoiceId, draftLines, Map.of(), 0L);
    }

    /** The dead letter of an event whose invoice cannot be read. */
    static StripeBatch ofUnreadableEvent(StripeRecord unmapped, String eventId, long eventCreated) {
        return new StripeBatch(List.of(unmapped), eventId, eventCreated, null, null, Map.of(), 0L);
    }

    static StripeBatch ofSummaries(List<StripeRecord> records, Map<String, SummaryMark> marks, long pruneBefore) {
        return new StripeBatch(records, null, 0L, null, null, marks, pruneBefore);
    }
}
