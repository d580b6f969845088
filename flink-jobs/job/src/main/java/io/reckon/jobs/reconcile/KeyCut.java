package io.reckon.jobs.reconcile;

import io.reckon.pricing.PeriodCut;
import java.io.IOException;
import org.apache.flink.api.common.state.ValueState;

/**
 * The cut a key's periods were made with, in keyed state. A cut of calendar months (one anchor day,
 * as nearly every account has) is its anchor day, in the state that held it before anchors could move;
 * any other cut is its segments ({@link PeriodCut#encode}) in a state beside it, so that a savepoint of
 * either kind is read as it was written. A key holds a cut exactly while it holds periods.
 */
final class KeyCut {

    private final ValueState<Integer> anchorDay;
    private final ValueState<long[]> segments;

    KeyCut(ValueState<Integer> anchorDay, ValueState<long[]> segments) {
        this.anchorDay = anchorDay;
        this.segments = segments;
    }

    /** The key's cut, or null when it holds no period. */
    PeriodCut get() throws IOException {
        Integer day = anchorDay.value();
        if (day != null) {
            return PeriodCut.monthly(day);
        }
        long[] s = segments.value();
        return s == null ? null : PeriodCut.decode(s);
    }

    void set(PeriodCut cut) throws IOException {
        if (cut.isMonthly()) {
            anchorDay.update(cut.monthlyAnchorDay());
            segments.clear();
        } else {
            segments.update(cut.encode());
            anchorDay.clear();
        }
    }

    void clear() {
        anchorDay.clear();
        segments.clear();
    }
}
