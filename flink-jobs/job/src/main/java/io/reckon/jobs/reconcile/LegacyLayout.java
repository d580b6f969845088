package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.ReconSettings.HOUR_MS;

import java.util.ArrayList;
import java.util.List;

/**
 * Takes a key's state of the first layout over, the first time the key is read: a period without hour
 * bits gets them from its hourly buckets, learns its signal anomalies from the anomaly state, and is
 * judged and evaluated afresh at its next tick (a final one too), so that its signals become the ones
 * its hours show. The first layout's open gap and spike run are dropped: they are derived from the
 * hours now. Deduplication ids of the first layout are taken over one by one by {@link Dedup}.
 */
final class LegacyLayout {

    private final ReconState state;
    private boolean upgraded;

    LegacyLayout(ReconState state) {
        this.state = state;
    }

    /** {@code p}, with what the current layout keeps and the first one did not. */
    PeriodState upgrade(PeriodState p) throws Exception {
        if (p.hasHourBits() && p.signalAnomalies != null) {
            return p;
        }
        if (!p.hasHourBits()) {
            p.initHourBits();
            for (long h = p.start; h < p.end; h += HOUR_MS) {
                HourBucket b = state.hours.get(h);
                if (b != null) {
                    p.markHour(h, true, b.usage.count > 0);
                    p.markHour(h, false, b.reported.count > 0);
                }
            }
            p.judgedBefore = p.start;
            p.changedFrom = p.start;
            p.reevaluate = p.finalized;
        }
        if (p.signalAnomalies == null) {
            List<AnomalyKey> keys = new ArrayList<>();
            for (String k : state.anomalies.keys()) {
                keys.add(AnomalyKey.decode(k));
            }
            p.signalAnomalies = Signals.signalsOf(p, keys);
        }
        state.legacyOpenGap.clear();
        state.legacyEpisode.clear();
        state.periods.put(p.start, p);
        upgraded = true;
        return p;
    }

    /** Whether a period was taken over since the last call; its key then needs a tick. */
    boolean takeUpgraded() {
        boolean u = upgraded;
        upgraded = false;
        return u;
    }
}
