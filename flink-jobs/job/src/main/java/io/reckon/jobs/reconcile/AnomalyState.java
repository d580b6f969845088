package io.reckon.jobs.reconcile;

import io.reckon.jobs.reconcile.checks.AnomalyType;
import io.reckon.jobs.reconcile.checks.Finding;
import java.math.BigDecimal;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * What was last emitted for one anomaly identity: the basis of revisions and of change detection. Kept
 * in state through {@link AnomalyStateSerializer}.
 */
@TypeInfo(AnomalyStateTypeInfoFactory.class)
public class AnomalyState {
    public int revision;
    public String status;
    public boolean finalRevision;

    public BigDecimal actualQuantity;
    public BigDecimal reportedQuantity;
    public long expectedAmountMinor;
    public long pricedReportedAmountMinor;
    public Long billedAmountMinor;
    public long amountMinor;
    public String currency;
    /** The usual quantity, for USAGE_SPIKE and USAGE_DROP only. */
    public BigDecimal baseline;
    /** End of the span the anomaly covers: its billing period, or a signal's own hours. */
    public long signalEnd;

    public AnomalyState() {}

    public boolean isOpen() {
        return !"resolved".equals(status);
    }

    /** The last emitted revision's figures, as a finding of {@code type} whose condition no longer holds. */
    Finding resolved(AnomalyType type) {
        return new Finding(
                type,
                false,
                currency,
                actualQuantity,
                reportedQuantity,
                expectedAmountMinor,
                pricedReportedAmountMinor,
                billedAmountMinor,
                amountMinor,
                baseline);
    }

    /** Whether a finding carries other figures than the last emitted revision. */
    boolean figuresDiffer(Finding f) {
        return actualQuantity.compareTo(f.actual()) != 0
                || reportedQuantity.compareTo(f.reported()) != 0
                || expectedAmountMinor != f.expectedMinor()
                || pricedReportedAmountMinor != f.pricedReportedMinor()
                || !Objects.equals(billedAmountMinor, f.billedMinor())
                || amountMinor != f.amountMinor()
                || !Objects.equals(currency, f.currency())
                || !sameDecimal(baseline, f.baseline());
    }

    private static boolean sameDecimal(BigDecimal a, BigDecimal b) {
        return a == null ? b == null : b != null && a.compareTo(b) == 0;
    }
}
