package io.reckon.jobs.records;

import java.math.BigDecimal;

/** Usage and reports of an (account, meter, period) that no contract prices. */
public class UnmappedUsage {
    public String accountId;
    public String meter;
    public long periodStart;
    public long periodEnd;
    /** no_contract or meter_not_in_contract. */
    public String reason;

    public long usageRecords;
    public long reportedRecords;
    public BigDecimal usageQuantity;
    public BigDecimal reportedQuantity;
    /** Invoice lines (standing, not void) of the period, counted once its invoice grace is over. */
    public long invoiceLines;

    public UnmappedUsage() {}
}
