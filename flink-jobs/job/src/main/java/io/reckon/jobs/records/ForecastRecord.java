package io.reckon.jobs.records;

import java.math.BigDecimal;

/**
 * One revision of the forecast of an open (account, meter, period): what the period is projected to
 * end at as of an hourly tick, with an 80 % interval, priced exactly with the contract (see {@code
 * PeriodForecast}). The last revision of a period is its final quantity and amount ({@code
 * finalRevision}).
 */
public class ForecastRecord {
    public String accountId;
    public String meter;
    public long periodStart;
    public long periodEnd;
    /** The event time the forecast stands for: the tick it was made at. */
    public long asOf;

    public String currency;
    /** The usage of the period's hours before {@link #asOf}. */
    public BigDecimal quantitySoFar;

    public BigDecimal projectedQuantity;
    public BigDecimal quantityLow;
    public BigDecimal quantityHigh;
    public long projectedAmountMinor;
    public long amountLowMinor;
    public long amountHighMinor;
    /** True for the forecast made when the period's metering became final (its actual figures). */
    public boolean finalRevision;

    public ForecastRecord() {}
}
