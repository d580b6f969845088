package io.reckon.jobs.records;

import java.math.BigDecimal;

/** Measured and reported quantity of one (account, meter) in one UTC hour; upserted by its key. */
public class HourlyRollup {
    public String accountId;
    public String meter;
    public long hourStart;
    public BigDecimal actualQuantity;
    public BigDecimal reportedQuantity;
    public long usageRecords;
    public long reportedRecords;

    public HourlyRollup() {}
}
