package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.ReconSettings.HOUR_MS;

import io.reckon.jobs.JobCounters;
import io.reckon.jobs.reconcile.checks.SeasonalBaseline;
import io.reckon.jobs.records.MeterEvent;
import io.reckon.pricing.PeriodCut;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.util.TimeUtils;

/**
 * Takes usage and reported records into a key's state: the period must still accept them (else the
 * record is too late and dead-lettered), deduplication or summary replacement decides what changes,
 * and the {@link Ledger} applies it, in memory first when the records can be combined ({@link
 * RecordCombiner}). What a record changes after a tick passed its hour is marked for the next tick
 * ({@link Dirt}); a record whose period is final is counted as late.
 */
final class RecordIntake {

    private final ReconSettings settings;
    private final Periods periods;
    private final Ledger ledger;
    private final Dedup usageIds;
    private final Dedup reportIds;
    private final Summaries summaries;
    private final RecordCombiner combiner;
    private final Dirt dirt;
    private final Ticks ticks;
    private final Rejections rejections;
    private final Rollups rollups;
    private final Map<MeterEvent.Kind, JobCounters.Counter> duplicates = new EnumMap<>(MeterEvent.Kind.class);
    private final Map<MeterEvent.Kind, JobCounters.Counter> late = new EnumMap<>(MeterEvent.Kind.class);

    RecordIntake(
            ReconSettings settings,
            Periods periods,
            Ledger ledger,
            Dedup usageIds,
            Dedup reportIds,
            Summaries summaries,
            RecordCombiner combiner,
            Dirt dirt,
            Ticks ticks,
            Rejections rejections,
            Rollups rollups,
            JobCounters counters) {
        this.settings = settings;
        this.periods = periods;
        this.ledger = ledger;
        this.usageIds = usageIds;
        this.reportIds = reportIds;
        this.summaries = summaries;
        this.combiner = combiner;
        this.dirt = dirt;
        this.ticks = ticks;
        this.rejections = rejections;
        this.rollups = rollups;
        for (MeterEvent.Kind k : MeterEvent.Kind.values()) {
            String input =
                    k == MeterEvent.Kind.USAGE ? "usage" : k == MeterEvent.Kind.REPORTED ? "reported" : "invoices";
            duplicates.put(k, counters.counter(input + ".duplicates"));
            late.put(k, counters.counter(input + ".late"));
        }
    }

    JobCounters.Counter duplicates(MeterEvent.Kind kind) {
        return duplicates.get(kind);
    }

    JobCounters.Counter late(MeterEvent.Kind kind) {
        return late.get(kind);
    }

    /** A usage or reported record of {@code key}, whose periods are cut with {@code cut}. */
    void record(MeterKey key, String streamKey, MeterEvent e, PeriodCut cut, TimerService timers) throws Exception {
        long watermark = timers.currentWatermark();
        long start = periods.startOf(e.eventTime, cut);
        if (periods.releaseAt(periods.lastEnd()) <= watermark && periods.get(start) == null) {
            rejections.record(e, tooLate(e, watermark));
            return;
        }
        boolean usage = e.kind == MeterEvent.Kind.USAGE;
        Admission a =
                e.summary ? summaries.admit(e) : (usage ? usageIds : reportIds).admit(e.id, e.eventTime, e.quantity);
        switch (a.outcome()) {
            case DUPLICATE -> duplicates.get(e.kind).inc();
            case REFUSED -> rejections.record(e, a.refusal());
            case COUNTED -> {
                if (e.summary) {
                    // Not combined: a summary counts apart under the count aggregation.
                    combiner.flush(streamKey);
                    apply(key, e, List.of(Change.addSummary(e.eventTime, e.quantity)), cut, timers);
                } else if (!combiner.add(key, streamKey, usage, e.eventTime, e.quantity, cut, timers)) {
                    apply(key, e, List.of(Change.add(e.eventTime, e.quantity)), cut, timers);
                }
            }
            case CHANGED -> {
                combiner.flush(streamKey);
                apply(key, e, a.changes(), cut, timers);
                duplicates.get(e.kind).add(duplicatesAdded(a.changes()));
            }
        }
    }

    /**
     * How many more records are duplicates once a copy that changed which copies count is in: the copy,
     * less the copies that count now and did not, plus those that no longer count (a copy earlier than
     * the one that counted takes its place, and the one it displaced becomes the duplicate). So the
     * count ends as the number of copies that do not count, whichever copy arrived first.
     */
    static long duplicatesAdded(List<Change> changes) {
        long added = 1;
        for (Change c : changes) {
            added -= c.sign();
        }
        return added;
    }

    /**
     * Applies what record {@code e} changes, each change in its own period, and marks what became
     * stale. The record is late when its own period is final.
     */
    private void apply(MeterKey key, MeterEvent e, List<Change> changes, PeriodCut cut, TimerService timers)
            throws Exception {
        boolean usage = e.kind == MeterEvent.Kind.USAGE;
        long watermark = timers.currentWatermark();
        boolean lateCounted = false;
        for (Change c : changes) {
            PeriodState p = periods.containing(c.time(), cut);
            if (p == null) {
                p = periods.create(c.time(), cut, watermark, timers);
                if (p == null) {
                    continue; // a copy of a released period; its id would have been swept
                }
            }
            long hour = Ledger.floorHour(c.time());
            HourBucket bucket = ledger.apply(p, usage, c);
            if (usage && c.sign() > 0 && bucket.usage.count == 1) {
                firstUsage(p, c.time());
            }
            if (hour + HOUR_MS <= watermark) {
                // Its hour already closed: it is judged again, and its rollup row rewritten now.
                boolean emptiness = usage && bucket.usage.count == (c.sign() > 0 ? 1 : 0);
                dirt.hourChanged(p, hour, emptiness, cut);
                rollups.emit(key, p, hour, bucket);
            }
            if (p.finalized) {
                p.reevaluate = true;
                if (!lateCounted && p.contains(e.eventTime)) {
                    lateCounted = true;
                    p.lateRecords++;
                    late.get(e.kind).inc();
                }
            }
            periods.put(p);
            ticks.request(timers, key.streamKey(), c.time());
        }
    }

    /**
     * Usage in a new hour may move the key's first-seen time earlier: hours judged before are judged
     * again. Returns whether {@code current} may have changed (the caller writes it); the other periods
     * it changes are written here.
     */
    boolean firstUsage(PeriodState current, long time) throws Exception {
        long previousHour = ledger.noteUsageAt(time);
        if (previousHour == Long.MIN_VALUE) {
            return false;
        }
        long from = Ledger.floorHour(time) + SeasonalBaseline.HISTORY_MS;
        for (PeriodState q : periods.all()) {
            if (q.start == current.start) {
                dirt.rejudgeFrom(current, from);
            } else if (q.judgedBefore > from) {
                dirt.rejudgeFrom(q, from);
                periods.put(q);
            }
        }
        return true;
    }

    private String tooLate(MeterEvent e, long watermark) {
        return e.kind.name().toLowerCase() + " record " + e.id + " at " + Instant.ofEpochMilli(e.eventTime)
                + " arrived after its period's state was released (watermark " + Instant.ofEpochMilli(watermark)
                + ", retention " + TimeUtils.formatWithHighestUnit(Duration.ofMillis(settings.stateRetentionMs()))
                + " after the period was final)";
    }
}
