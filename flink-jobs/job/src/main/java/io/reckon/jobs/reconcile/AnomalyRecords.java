package io.reckon.jobs.reconcile;

import io.reckon.jobs.reconcile.checks.Finding;
import io.reckon.jobs.records.AnomalyRecord;

/** The output record of one anomaly revision: the finding's figures, its identity and presentation. */
final class AnomalyRecords {

    private AnomalyRecords() {}

    /** {@code withdrawnBecause}: why a resolved revision's figures can no longer be judged, or null. */
    static AnomalyRecord of(
            MeterKey key,
            long start,
            long end,
            PeriodState p,
            Finding f,
            AnomalyState s,
            long watermark,
            String withdrawnBecause) {
        AnomalyRecord r = new AnomalyRecord();
        r.anomalyId = AnomalyIds.of(f.type().name(), key.accountId(), key.meter(), start);
        r.revision = s.revision;
        r.status = s.status;
        r.type = f.type().name();
        r.accountId = key.accountId();
        r.meter = key.meter();
        r.periodStart = start;
        r.periodEnd = end;
        r.currency = f.currency();
        r.actualQuantity = f.actual();
        r.reportedQuantity = f.reported();
        r.expectedAmountMinor = f.expectedMinor();
        r.pricedReportedAmountMinor = f.pricedReportedMinor();
        r.billedAmountMinor = f.billedMinor();
        r.amountMinor = f.amountMinor();
        r.finalRevision = s.finalRevision;
        // While open, only the usage compared so far is evidence: records read ahead of the tick (a
        // replay, a lagging input) must not change the figures of a revision.
        long evidence = s.finalRevision ? p.usage.count : p.maturedUsage.count;
        r.confidence = AnomalyPresentation.confidence(s.finalRevision, evidence, p.lateRecords);
        r.severity = AnomalyPresentation.severity(f.amountMinor(), f.currency());
        r.explanation = withdrawnBecause == null
                ? AnomalyPresentation.explanation(f.type(), s.status, key.accountId(), key.meter(), start, end, f)
                : AnomalyPresentation.withdrawn(
                        f.type(), key.accountId(), key.meter(), start, end, f, withdrawnBecause);
        r.eventTimeWatermark = watermark;
        r.detectedAt = System.currentTimeMillis();
        return r;
    }
}
