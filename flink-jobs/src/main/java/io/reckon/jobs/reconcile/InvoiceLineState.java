package io.reckon.jobs.reconcile;

/** The latest record of one invoice line (by line_id); a later record replaces it. */
public class InvoiceLineState {
    public String invoiceId;
    public long periodStart;
    public long periodEnd;
    public long amountMinor;
    public String currency;
    public String status;

    public InvoiceLineState() {}

    public boolean isVoid() {
        return "void".equals(status);
    }
}
