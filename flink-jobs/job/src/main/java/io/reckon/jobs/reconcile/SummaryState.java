package io.reckon.jobs.reconcile;

import io.reckon.jobs.records.MeterEvent;
import java.math.BigDecimal;

/**
 * The record of one reported summary (report_id of kind {@code summary}) that counts: a later record
 * of the same report_id replaces it (see LaterRecord).
 */
public class SummaryState {
    public long eventTime;
    public BigDecimal quantity;
    /** The record's updated_at, or {@link MeterEvent#NO_UPDATED_AT}. */
    public long updatedAt = MeterEvent.NO_UPDATED_AT;

    public SummaryState() {}

    static SummaryState of(MeterEvent e) {
        SummaryState s = new SummaryState();
        s.eventTime = e.eventTime;
        s.quantity = e.quantity;
        s.updatedAt = e.updatedAt;
        return s;
    }
}
