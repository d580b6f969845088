package io.reckon.jobs.records;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * A decoded usage, reported or invoice-line record as a JSON line with the field names of the
 * reconciliation spec: the raw form of a dead letter written after decoding, when the record's bytes
 * are no longer at hand. Every field of the record is kept (ids, times, quantity, and for invoice
 * lines the invoice, period, amount, currency and status), so nothing about the record is lost.
 */
public final class MeterEventJson {

    private MeterEventJson() {}

    public static String of(MeterEvent e) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        if (e.kind == MeterEvent.Kind.INVOICE_LINE) {
            n.put("invoice_id", e.invoiceId);
            n.put("line_id", e.id);
        } else {
            n.put(e.kind == MeterEvent.Kind.USAGE ? "event_id" : "report_id", e.id);
        }
        n.put("account_id", e.accountId);
        n.put("meter", e.meter);
        if (e.kind == MeterEvent.Kind.INVOICE_LINE) {
            n.put("period_start", Instant.ofEpochMilli(e.periodStart).toString());
            n.put("period_end", Instant.ofEpochMilli(e.periodEnd).toString());
        } else {
            n.put("event_time", Instant.ofEpochMilli(e.eventTime).toString());
        }
        n.put(
                "quantity",
                e.quantity == null ? null : e.quantity.stripTrailingZeros().toPlainString());
        if (e.kind == MeterEvent.Kind.INVOICE_LINE) {
            n.put("amount_minor", e.amountMinor);
            n.put("currency", e.currency);
            n.put("status", e.status);
        }
        if (e.kind == MeterEvent.Kind.REPORTED && e.summary) {
            n.put("kind", "summary");
        }
        if (e.updatedAt != MeterEvent.NO_UPDATED_AT) {
            n.put("updated_at", Instant.ofEpochMilli(e.updatedAt).toString());
        }
        return n.toString();
    }
}
