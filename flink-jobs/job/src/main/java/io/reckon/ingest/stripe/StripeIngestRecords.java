package io.reckon.ingest.stripe;

import io.reckon.avro.InvoiceLine;
import io.reckon.avro.ReportedUsage;
import io.reckon.connectors.stripe.source.StripeRecord;
import java.math.RoundingMode;
import java.time.Instant;

/** The input contracts' Avro records of what the Stripe sources emit. */
public final class StripeIngestRecords {

    /** {@code kind} of reported records made from Stripe's meter event summaries. */
    public static final String KIND_SUMMARY = "summary";

    private StripeIngestRecords() {}

    /** The invoice line; the quantity fits the contract's scale (checked by the router). */
    public static InvoiceLine invoiceLine(StripeRecord r) {
        return InvoiceLine.newBuilder()
                .setInvoiceId(r.invoiceId)
                .setLineId(r.lineId)
                .setAccountId(r.accountId)
                .setMeter(r.meter)
                .setPeriodStart(Instant.ofEpochMilli(r.periodStart))
                .setPeriodEnd(Instant.ofEpochMilli(r.periodEnd))
                .setQuantity(r.quantity.setScale(StripeRouter.QUANTITY_SCALE, RoundingMode.UNNECESSARY))
                .setAmountMinor(r.amountMinor)
                .setCurrency(r.currency)
                .setStatus(r.status)
                .setUpdatedAt(Instant.ofEpochMilli(r.updatedAt))
                .build();
    }

    /** The reported record of one hourly summary: {@code kind=summary}, stable report id. */
    public static ReportedUsage reported(StripeRecord r) {
        return ReportedUsage.newBuilder()
                .setReportId(r.reportId)
                .setAccountId(r.accountId)
                .setMeter(r.meter)
                .setEventTime(Instant.ofEpochMilli(r.eventTime))
                .setQuantity(r.quantity.setScale(StripeRouter.QUANTITY_SCALE, RoundingMode.UNNECESSARY))
                .setKind(KIND_SUMMARY)
                .setUpdatedAt(Instant.ofEpochMilli(r.updatedAt))
                .build();
    }
}
