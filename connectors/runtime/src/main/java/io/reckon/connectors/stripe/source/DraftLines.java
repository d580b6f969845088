package io.reckon.connectors.stripe.source;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The mapped lines of the invoices that are drafts, as last emitted, so that a line deleted from a
 * draft is noticed: Stripe sends no event of the line, only the invoice's next event without it. Such a
 * line gets a record with status {@code void} (it counts as absent), stamped with that event's {@code
 * updated_at}, so that it replaces the line's earlier record downstream whatever the arrival order.
 *
 * <p>An invoice is held from an event that shows it as a draft until one that does not: once
 * finalized, Stripe no longer changes its lines (it voids or pays the invoice as a whole, and the event
 * carries every line with the new status), and a deleted draft's lines are all void. A line that is
 * still on the invoice but maps to nothing now (a contract changed) is not voided: it was not removed.
 * When the invoice's list of lines is not known whole (more lines than the event carries, and Stripe
 * no longer serves them), nothing is voided for that event.
 *
 * <p>Part of the events split's checkpoint: about 100 bytes per line of every draft invoice whose
 * lines map to a meter. Not thread-safe.
 */
final class DraftLines {

    private final Map<String, List<StripeRecord>> byInvoice;

    DraftLines(Map<String, List<StripeRecord>> byInvoice) {
        this.byInvoice = new HashMap<>(byInvoice);
    }

    /**
     * What an event of one invoice changes.
     *
     * @param voided a void record for every held line that left the invoice
     * @param held the invoice's lines held after the event, empty when it is no longer a draft
     */
    record Followed(List<StripeRecord> voided, List<StripeRecord> held) {}

    /**
     * Follows an event of {@code invoiceId}, whose records ({@code records}, mapped lines and unmapped
     * ones) were made from the invoice's lines.
     *
     * @param present the ids of every line the invoice holds now, or null when they are not known whole
     * @param deleted the event is {@code invoice.deleted}: every held line is void
     * @param draft the invoice is a draft after the event
     * @param updatedAt the {@code updated_at} of the event's records
     */
    Followed follow(
            String invoiceId,
            List<StripeRecord> records,
            Set<String> present,
            boolean deleted,
            boolean draft,
            long updatedAt) {
        Set<String> mapped = new HashSet<>();
        List<StripeRecord> held = new ArrayList<>();
        for (StripeRecord r : records) {
            if (r.kind == StripeRecord.Kind.INVOICE_LINE) {
                mapped.add(r.lineId);
                held.add(r);
            }
        }
        List<StripeRecord> voided = new ArrayList<>();
        for (StripeRecord before : byInvoice.getOrDefault(invoiceId, List.of())) {
            if (mapped.contains(before.lineId)) {
                continue;
            }
            if (deleted || (present != null && !present.contains(before.lineId))) {
                voided.add(voidOf(before, updatedAt));
            } else {
                held.add(before);
            }
        }
        List<StripeRecord> kept = draft && !deleted ? List.copyOf(held) : List.of();
        hold(invoiceId, kept);
        return new Followed(voided, kept);
    }

    /** Holds {@code lines} as the lines of draft {@code invoiceId}; none: the invoice is not held. */
    void hold(String invoiceId, List<StripeRecord> lines) {
        if (lines.isEmpty()) {
            byInvoice.remove(invoiceId);
        } else {
            byInvoice.put(invoiceId, lines);
        }
    }

    /** The held lines by invoice, for a checkpoint. */
    Map<String, List<StripeRecord>> byInvoice() {
        return Map.copyOf(byInvoice);
    }

    private static StripeRecord voidOf(StripeRecord line, long updatedAt) {
        return StripeRecord.invoiceLine(
                line.invoiceId,
                line.lineId,
                line.accountId,
                line.meter,
                line.periodStart,
                line.periodEnd,
                line.quantity,
                line.amountMinor,
                line.currency,
                "void",
                updatedAt);
    }
}
