package io.reckon.jobs.records;

import java.math.BigDecimal;

/** One revision of an anomaly, with the fields of the output record of the reconciliation spec. */
public class AnomalyRecord {
    public String anomalyId;
    public int revision;
    /** open, updated or resolved. */
    public String status;

    public String type;
    public String accountId;
    public String meter;
    public long periodStart;
    public long periodEnd;
    public String currency;

    public BigDecimal actualQuantity;
    public BigDecimal reportedQuantity;
    public long expectedAmountMinor;
    public long pricedReportedAmountMinor;
    /** Null before a non-void invoice line exists. */
    public Long billedAmountMinor;

    public long amountMinor;
    public double confidence;
    public String severity;
    public boolean finalRevision;
    public String explanation;
    public long eventTimeWatermark;
    public long detectedAt;

    public AnomalyRecord() {}

    @Override
    public String toString() {
        return type + "#" + revision + "[" + status + (finalRevision ? ",final" : "") + "] " + accountId + "/" + meter
                + " @" + java.time.Instant.ofEpochMilli(periodStart) + " amount=" + amountMinor + " actual="
                + actualQuantity + " reported=" + reportedQuantity;
    }
}
