package io.reckon.jobs.reconcile;

import io.reckon.jobs.reconcile.checks.CopyRule;
import io.reckon.jobs.reconcile.checks.LaterRecord;
import io.reckon.jobs.records.MeterEvent;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.flink.api.common.state.MapState;

/**
 * Reported records of kind {@code summary}: an aggregate the billing system keeps for a window (e.g.
 * Stripe's hourly meter event summaries). A later record of the same report_id replaces the earlier
 * one ({@link LaterRecord}): the earlier quantity stops counting and the later one counts.
 */
final class Summaries {

    private final MapState<String, SummaryState> summaries;

    Summaries(MapState<String, SummaryState> summaries) {
        this.summaries = summaries;
    }

    Admission admit(MeterEvent e) throws Exception {
        SummaryState kept = summaries.get(e.id);
        if (kept == null) {
            summaries.put(e.id, SummaryState.of(e));
            return Admission.COUNTED;
        }
        int content = CopyRule.compare(e.eventTime, e.quantity, kept.eventTime, kept.quantity);
        if (content == 0 && e.updatedAt == kept.updatedAt) {
            return Admission.DUPLICATE;
        }
        if (!LaterRecord.replaces(e.updatedAt, kept.updatedAt, content)) {
            return Admission.DUPLICATE;
        }
        summaries.put(e.id, SummaryState.of(e));
        if (content == 0) {
            return Admission.DUPLICATE;
        }
        return Admission.changed(List.of(
                Change.removeSummary(kept.eventTime, kept.quantity), Change.addSummary(e.eventTime, e.quantity)));
    }

    void forEachCounted(BiConsumer<Long, BigDecimal> each) throws Exception {
        for (Map.Entry<String, SummaryState> e : summaries.entries()) {
            each.accept(e.getValue().eventTime, e.getValue().quantity);
        }
    }

    /** Forgets summaries of released periods: those before {@code keepFrom}. */
    void sweep(long keepFrom) throws Exception {
        for (Iterator<Map.Entry<String, SummaryState>> it = summaries.iterator(); it.hasNext(); ) {
            if (it.next().getValue().eventTime < keepFrom) {
                it.remove();
            }
        }
    }

    void clear() {
        summaries.clear();
    }
}
