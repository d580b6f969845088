package io.reckon.jobs.reconcile;

/**
 * The standing record of one invoice line (by account and line_id) and the (account, meter) it bills,
 * as {@link InvoiceLineOwners} keeps it.
 */
public class LineOwner {
    public String accountId;
    public String meter;
    public InvoiceLineState line;

    public LineOwner() {}

    static LineOwner of(io.reckon.jobs.records.MeterEvent e) {
        LineOwner o = new LineOwner();
        o.accountId = e.accountId;
        o.meter = e.meter;
        o.line = InvoiceLineState.of(e);
        return o;
    }

    boolean sameKey(io.reckon.jobs.records.MeterEvent e) {
        return accountId.equals(e.accountId) && meter.equals(e.meter);
    }
}
