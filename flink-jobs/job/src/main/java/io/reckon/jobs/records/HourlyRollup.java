package io.reckon.jobs.records;

import java.math.BigDecimal;

/**
 * Measured and reported usage of one (account, meter) in one UTC hour; upserted by its key.
 *
 * <p>The quantities are summed and the records counted whatever the meter's aggregation. The
 * aggregates are the hour's figures under the aggregation of the period's contract ({@code sum},
 * {@code count}, {@code max}), as the period is reconciled; they and {@code aggregation} are null
 * while the meter is not in a contract.
 */
public class HourlyRollup {
    public String accountId;
    public String meter;
    public long hourStart;
    public BigDecimal actualQuantity;
    public BigDecimal reportedQuantity;
    public long usageRecords;
    public long reportedRecords;
    public String aggregation;
    public BigDecimal actualAggregate;
    public BigDecimal reportedAggregate;

    public HourlyRollup() {}
}
