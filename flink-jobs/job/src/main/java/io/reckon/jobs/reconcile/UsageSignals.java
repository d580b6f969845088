package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.ReconSettings.HOUR_MS;

import io.reckon.jobs.JobCounters;
import io.reckon.jobs.reconcile.checks.AnomalyType;
import io.reckon.jobs.reconcile.checks.Episodes;
import io.reckon.jobs.reconcile.checks.Finding;
import io.reckon.jobs.reconcile.checks.HourBits;
import io.reckon.jobs.reconcile.checks.UsageDetector;
import io.reckon.pricing.Aggregation;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * USAGE_SPIKE and USAGE_DROP of one billing period. Each hour is judged once against the key's own
 * model ({@link UsageDetector}) and its verdict kept in the period's hour bits; an hour is judged again
 * when the hours its verdict read ({@link Dirt}) or the key's first-seen time change. Each hour is
 * counted once as judged, too young or too sparse (metrics {@code signals.hours-*}).
 * Runs of hours with the same verdict are the episodes ({@link Episodes}); an episode's figures sum
 * its hours' usage, reports and baselines.
 */
final class UsageSignals {

    private final Emitter emitter;
    private final UsageDetector.Settings detector;
    private final JobCounters.Counter judgedHours;
    private final JobCounters.Counter tooYoung;
    private final JobCounters.Counter tooSparse;

    UsageSignals(ReconSettings settings, Emitter emitter, JobCounters counters) {
        this.emitter = emitter;
        this.detector = settings.detector();
        // Every hour of a key with a contract is counted once, when a tick first reaches it.
        this.judgedHours = counters.counter("signals.hours-judged");
        this.tooYoung = counters.counter("signals.hours-too-young");
        this.tooSparse = counters.counter("signals.hours-too-sparse");
    }

    /** One hour's verdict and figures. */
    private record Judged(BigDecimal quantity, BigDecimal reported, BigDecimal median, AnomalyType verdict) {}

    /**
     * Judges the hours of {@code p} before {@code asOf} not judged yet and those marked to be judged
     * again, emits the episodes, and returns their keys.
     */
    Set<AnomalyKey> evaluate(
            MeterKey key,
            PeriodState p,
            ContractBook.Terms terms,
            HourView view,
            Long firstSeen,
            long asOf,
            boolean periodFinal,
            long watermark)
            throws Exception {
        Aggregation agg = terms.meter().aggregation();
        Map<Long, Judged> judgedNow = new HashMap<>();
        long firstChanged = p.changedFrom;
        int judgeTo = p.index(Math.min(Math.max(asOf, p.start), p.end));
        int already = p.index(p.judgedBefore);
        for (int i = HourBits.nextSet(p.rejudgeHours, 0, already);
                i >= 0;
                i = HourBits.nextSet(p.rejudgeHours, i + 1, already)) {
            long h = p.hourAt(i);
            judgedNow.put(h, judge(p, view, firstSeen, h, agg, false));
            firstChanged = Math.min(firstChanged, h);
        }
        for (int i = already; i < judgeTo; i++) {
            long h = p.hourAt(i);
            judgedNow.put(h, judge(p, view, firstSeen, h, agg, true));
        }
        p.rejudgeHours = HourBits.create(p.hours());
        p.judgedBefore = Math.max(p.judgedBefore, p.hourAt(judgeTo));
        for (Map.Entry<Long, Judged> j : judgedNow.entrySet()) {
            int i = p.index(j.getKey());
            HourBits.put(p.spikeHours, i, j.getValue().verdict() == AnomalyType.USAGE_SPIKE);
            HourBits.put(p.dropHours, i, j.getValue().verdict() == AnomalyType.USAGE_DROP);
        }

        // Hours from here on were judged now, judged again, or changed: episodes before it are as they were.
        long firstTouched = Math.min(firstChanged, p.hourAt(already));
        Set<AnomalyKey> found = new HashSet<>();
        for (Episodes.Run run : Episodes.of(p.spikeHours, p.dropHours, p.index(p.judgedBefore))) {
            AnomalyKey id = new AnomalyKey(run.type(), p.hourAt(run.from()));
            found.add(id);
            long end = p.hourAt(run.to());
            if (!periodFinal && end < firstTouched && p.hasSignal(id.type(), id.start())) {
                continue; // neither its hours nor the hours around it changed: the same figures as before
            }
            AnomalyState stored = emitter.stored(id);
            Finding f = figures(p, view, firstSeen, agg, terms, id, end, stored, judgedNow, firstChanged);
            emitter.emit(key, id, end, p, f, periodFinal, watermark);
        }
        return found;
    }

    /**
     * The episode's figures: from its last revision plus the hours judged since when only hours at its
     * end are new, else summed anew over its hours.
     */
    private Finding figures(
            PeriodState p,
            HourView view,
            Long firstSeen,
            Aggregation agg,
            ContractBook.Terms terms,
            AnomalyKey id,
            long end,
            AnomalyState stored,
            Map<Long, Judged> judgedNow,
            long firstChanged)
            throws Exception {
        BigDecimal actual = BigDecimal.ZERO;
        BigDecimal reported = BigDecimal.ZERO;
        BigDecimal baseline = BigDecimal.ZERO;
        long from = id.start();
        boolean extendsStored = stored != null
                && stored.isOpen()
                && stored.baseline != null
                && stored.signalEnd > id.start()
                && stored.signalEnd <= end
                && firstChanged >= stored.signalEnd;
        if (extendsStored) {
            actual = stored.actualQuantity;
            reported = stored.reportedQuantity;
            baseline = stored.baseline;
            from = stored.signalEnd;
        }
        for (long h = from; h < end; h += HOUR_MS) {
            Judged j = judgedNow.get(h);
            if (j == null) {
                j = judge(p, view, firstSeen, h, agg, false);
            }
            actual = actual.add(j.quantity());
            reported = reported.add(j.reported());
            baseline = baseline.add(j.median() == null ? BigDecimal.ZERO : j.median());
        }
        return new Finding(id.type(), true, terms.contract().currency(), actual, reported, 0, 0, null, 0, baseline);
    }

    /** The verdict of one hour (see {@link UsageDetector}); none when it cannot be judged. */
    private Judged judge(PeriodState p, HourView view, Long firstSeen, long hour, Aggregation agg, boolean count)
            throws Exception {
        HourBucket b = view.bucket(hour);
        BigDecimal reported = b == null ? BigDecimal.ZERO : b.reported.value(agg);
        if (firstSeen == null) {
            BigDecimal q = b == null ? BigDecimal.ZERO : b.usage.value(agg);
            if (count) {
                tooYoung.inc();
            }
            return new Judged(q, reported, null, null);
        }
        UsageDetector.Judgement j =
                UsageDetector.judge(history(view, agg), hour, Ledger.floorHour(firstSeen), agg, detector);
        if (count) {
            switch (j.outcome()) {
                case TOO_YOUNG -> tooYoung.inc();
                case TOO_SPARSE -> tooSparse.inc();
                default -> judgedHours.inc();
            }
        }
        AnomalyType verdict =
                switch (j.outcome()) {
                    case SPIKE -> AnomalyType.USAGE_SPIKE;
                    case DROP -> AnomalyType.USAGE_DROP;
                    default -> null;
                };
        return new Judged(j.quantity(), reported, j.usual(), verdict);
    }

    /** The key's hours as the detector reads them; whether an hour held usage from the hour bits. */
    private static UsageDetector.History history(HourView view, Aggregation agg) {
        return new UsageDetector.History() {
            @Override
            public UsageDetector.Hour at(long hour) throws Exception {
                return UsageSignals.hour(view, hour, agg);
            }

            @Override
            public boolean heldUsage(long hour) {
                return view.usage(hour);
            }
        };
    }

    private static UsageDetector.Hour hour(HourView view, long hour, Aggregation agg) throws Exception {
        HourBucket b = view.bucket(hour);
        if (b == null || b.usage.count == 0) {
            return UsageDetector.Hour.EMPTY;
        }
        return new UsageDetector.Hour(b.usage.value(agg), b.usage.count, b.usage.sum, b.usage.max);
    }
}
