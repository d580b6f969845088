package io.reckon.connectors.stripe.source;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * What the Stripe sources emit: an invoice line or a reported-usage summary already mapped to
 * (account, meter), or an object that could not be mapped, with the reason. A flat POJO (Flink
 * serializes it without Kryo); {@link #kind} says which fields are set.
 */
public class StripeRecord {

    /** What a record is. */
    public enum Kind {
        /** An input of {@code recon.invoices}. */
        INVOICE_LINE,
        /** An input of {@code recon.reported} ({@code kind=summary}). */
        REPORTED,
        /** A Stripe object that maps to no (account, meter); becomes a dead letter. */
        UNMAPPED
    }

    public Kind kind;
    public String accountId;
    public String meter;
    public BigDecimal quantity;
    /** When Stripe last changed the object (or when it was observed), epoch milliseconds. */
    public long updatedAt;

    // Invoice lines.
    public String invoiceId;
    public String lineId;
    public long periodStart;
    public long periodEnd;
    public long amountMinor;
    public String currency;
    public String status;

    // Reported usage (summaries).
    public String reportId;
    public long eventTime;

    // Unmapped objects.
    /** Where the object came from, e.g. {@code stripe.invoice_line}. */
    public String source;
    /** The object as Stripe sent it (JSON). */
    public String raw;

    public String reason;

    public StripeRecord() {}

    public static StripeRecord invoiceLine(
            String invoiceId,
            String lineId,
            String accountId,
            String meter,
            long periodStart,
            long periodEnd,
            BigDecimal quantity,
            long amountMinor,
            String currency,
            String status,
            long updatedAt) {
        StripeRecord r = new StripeRecord();
        r.kind = Kind.INVOICE_LINE;
        r.invoiceId = invoiceId;
        r.lineId = lineId;
        r.accountId = accountId;
        r.meter = meter;
        r.periodStart = periodStart;
        r.periodEnd = periodEnd;
        r.quantity = quantity;
        r.amountMinor = amountMinor;
        r.currency = currency;
        r.status = status;
        r.updatedAt = updatedAt;
        return r;
    }

    public static StripeRecord summary(
            String reportId, String accountId, String meter, long eventTime, BigDecimal quantity, long updatedAt) {
        StripeRecord r = new StripeRecord();
        r.kind = Kind.REPORTED;
        r.reportId = reportId;
        r.accountId = accountId;
        r.meter = meter;
        r.eventTime = eventTime;
        r.quantity = quantity;
        r.updatedAt = updatedAt;
        return r;
    }

    public static StripeRecord unmapped(String source, String raw, String reason, long updatedAt) {
        StripeRecord r = new StripeRecord();
        r.kind = Kind.UNMAPPED;
        r.source = source;
        r.raw = raw;
        r.reason = reason;
        r.updatedAt = updatedAt;
        return r;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof StripeRecord r)) {
            return false;
        }
        return kind == r.kind
                && updatedAt == r.updatedAt
                && periodStart == r.periodStart
                && periodEnd == r.periodEnd
                && amountMinor == r.amountMinor
                && eventTime == r.eventTime
                && Objects.equals(accountId, r.accountId)
                && Objects.equals(meter, r.meter)
                && (quantity == null ? r.quantity == null : r.quantity != null && quantity.compareTo(r.quantity) == 0)
                && Objects.equals(invoiceId, r.invoiceId)
                && Objects.equals(lineId, r.lineId)
                && Objects.equals(currency, r.currency)
                && Objects.equals(status, r.status)
                && Objects.equals(reportId, r.reportId)
                && Objects.equals(source, r.source)
                && Objects.equals(raw, r.raw)
                && Objects.equals(reason, r.reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, accountId, meter, lineId, reportId, updatedAt, reason);
    }

    @Override
    public String toString() {
        return switch (kind == null ? Kind.UNMAPPED : kind) {
            case INVOICE_LINE ->
                "InvoiceLine[" + lineId + " of " + invoiceId + ", " + accountId + "/" + meter + ", " + quantity + ", "
                        + amountMinor + " " + currency + ", " + status + ", updated " + updatedAt + "]";
            case REPORTED ->
                "Summary[" + reportId + ", " + accountId + "/" + meter + ", " + quantity + ", updated " + updatedAt
                        + "]";
            case UNMAPPED -> "Unmapped[" + source + ": " + reason + "]";
        };
    }
}
