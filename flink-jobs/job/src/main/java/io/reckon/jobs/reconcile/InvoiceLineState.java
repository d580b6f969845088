package io.reckon.jobs.reconcile;

import io.reckon.jobs.records.MeterEvent;
import java.util.Comparator;
import java.util.Objects;

/** The latest record of one invoice line (by line_id); a later record replaces it (see LaterRecord). */
public class InvoiceLineState {
    public String invoiceId;
    public long periodStart;
    public long periodEnd;
    public long amountMinor;
    public String currency;
    public String status;
    /** The record's updated_at, or {@link MeterEvent#NO_UPDATED_AT}. */
    public long updatedAt = MeterEvent.NO_UPDATED_AT;
    /** Where the record was read (see {@link MeterEvent#sourceInput}), for a dead letter about it later. */
    public int sourceInput;

    public int sourcePartition = -1;
    public long sourceOffset = -1;

    public InvoiceLineState() {}

    public static InvoiceLineState of(MeterEvent e) {
        InvoiceLineState line = new InvoiceLineState();
        line.invoiceId = e.invoiceId;
        line.periodStart = e.periodStart;
        line.periodEnd = e.periodEnd;
        line.amountMinor = e.amountMinor;
        line.currency = e.currency;
        line.status = e.status;
        line.updatedAt = e.updatedAt;
        line.sourceInput = e.sourceInput;
        line.sourcePartition = e.sourcePartition;
        line.sourceOffset = e.sourceOffset;
        return line;
    }

    public boolean isVoid() {
        return "void".equals(status);
    }

    /** A total order on the content of two records of one line, for records with equal updated_at. */
    static final Comparator<InvoiceLineState> CONTENT = Comparator.<InvoiceLineState>comparingLong(l -> l.periodStart)
            .thenComparingLong(l -> l.periodEnd)
            .thenComparingLong(l -> l.amountMinor)
            .thenComparing(l -> Objects.toString(l.currency, ""))
            .thenComparing(l -> Objects.toString(l.status, ""))
            .thenComparing(l -> Objects.toString(l.invoiceId, ""));
}
