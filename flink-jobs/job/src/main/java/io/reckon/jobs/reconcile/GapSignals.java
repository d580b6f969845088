package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.ReconSettings.HOUR_MS;

import io.reckon.jobs.reconcile.checks.AnomalyType;
import io.reckon.jobs.reconcile.checks.Finding;
import io.reckon.jobs.reconcile.checks.Gaps;
import io.reckon.jobs.reconcile.checks.HourBits;
import io.reckon.pricing.Aggregation;
import io.reckon.pricing.Pricer;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * REPORTING_GAP of one billing period: the gaps {@link Gaps} finds in the key's hours as of the
 * evaluation, each priced as the expected amount of its unreported usage on top of the period's usage
 * before it. A gap whose span and inputs did not change since its last revision is not read again.
 */
final class GapSignals {

    private final ReconSettings settings;
    private final Emitter emitter;

    GapSignals(ReconSettings settings, Emitter emitter) {
        this.settings = settings;
        this.emitter = emitter;
    }

    /**
     * Emits the gaps of {@code p} as of {@code asOf} (capped at the period's metering final by the
     * caller) and returns the first hours of those found.
     */
    Set<Long> evaluate(
            MeterKey key,
            PeriodState p,
            ContractBook.Terms terms,
            HourView view,
            long asOf,
            boolean periodFinal,
            boolean changed,
            long watermark)
            throws Exception {
        Set<Long> found = new HashSet<>();
        for (Gaps.Span span : Gaps.find(
                view,
                p.start,
                p.end,
                changed || periodFinal ? p.start : unsettledFrom(p, asOf),
                asOf,
                settings.reportingDelayMs(),
                settings.gapWindowMs())) {
            found.add(span.start());
            boolean settled = periodFinal || settled(span, asOf);
            // Usage younger than the reporting delay is not priced yet, also in the hour the reports
            // resumed (a resumed span ends there, which may be after asOf - the delay).
            long mature = settled ? Long.MAX_VALUE : asOf - settings.reportingDelayMs();
            long limit = Math.max(span.start(), Math.min(Math.min(span.end(), p.end), mature));
            // The gap reaches to the end of its last unreported usage hour.
            int last = HourBits.previousSet(p.usageHours, p.index(span.start()), p.index(limit));
            long to = last < 0 ? span.start() : p.hourAt(last) + HOUR_MS;
            AnomalyKey id = new AnomalyKey(AnomalyType.REPORTING_GAP, span.start());
            AnomalyState stored = emitter.stored(id);
            // As the emitter makes it (final never goes back), for the comparison with the last revision.
            boolean finalRevision = settled || (stored != null && stored.finalRevision);
            if (stored != null
                    && stored.signalEnd == to
                    && stored.finalRevision == finalRevision
                    && p.changedFrom >= to) {
                continue; // same span, same inputs: the same figures as the last revision
            }
            Finding f;
            try {
                f = finding(p, terms, view, span.start(), to);
            } catch (ArithmeticException e) {
                // The period's own evaluation dead-letters a period that cannot be priced; a gap it had
                // is resolved, as its leaks are.
                if (stored != null) {
                    emitter.withdraw(key, id, to, p, finalRevision, watermark, PeriodChecks.CANNOT_PRICE);
                }
                continue;
            }
            emitter.emit(key, id, to, p, f, finalRevision, watermark);
        }
        return found;
    }

    /**
     * Whether a gap is settled as of {@code asOf}: its reports resumed, and the watermark passed the
     * hour they resumed (the end of its span) + the allowed lateness, as a billing period's metering
     * side is final at its end + the allowed lateness. From then on every revision of it is final,
     * including one that a later backfill of its hours resolves.
     */
    private boolean settled(Gaps.Span span, long asOf) {
        return span.resumed() && asOf >= span.end() + settings.allowedLatenessMs();
    }

    /**
     * Where gaps can still open, grow or settle when no hour changed: the run without reports going on
     * now (its gap may be open), the runs recent enough to open one, and the runs whose reports resumed
     * less than the allowed lateness ago (their gaps settle at the resumption + the allowed lateness).
     * Gaps before that are settled.
     */
    private long unsettledFrom(PeriodState p, long asOf) {
        long window = asOf - settings.reportingDelayMs() - 2 * settings.gapWindowMs();
        long currentRun = runAfterLastReportBefore(p, asOf);
        long settling = runAfterLastReportBefore(p, asOf - settings.allowedLatenessMs());
        return Math.min(window, Math.min(currentRun, settling));
    }

    /** The hour after {@code p}'s last hour with reports before {@code time}, or its start. */
    private static long runAfterLastReportBefore(PeriodState p, long time) {
        if (time <= p.start) {
            return p.start;
        }
        int lastReport = HourBits.previousSet(p.reportHours, 0, p.index(Math.min(time, p.end)));
        return lastReport < 0 ? p.start : p.hourAt(lastReport) + HOUR_MS;
    }

    /** The figures of the gap [start, to) of {@code p}: its usage, its reports, and the usage's price. */
    private Finding finding(PeriodState p, ContractBook.Terms terms, HourView view, long start, long to)
            throws Exception {
        Agg inGap = new Agg();
        Agg reportedInGap = new Agg();
        for (long h = start; h < to; h += HOUR_MS) {
            if (p.hasUsage(h) || p.hasReports(h)) {
                HourBucket b = view.bucket(h);
                if (b != null) {
                    inGap.merge(b.usage);
                    reportedInGap.merge(b.reported);
                }
            }
        }
        Aggregation agg = terms.meter().aggregation();
        Agg before = usageBefore(p, view, start, agg);
        Agg through = before.copy();
        through.merge(inGap);
        Instant periodStart = Instant.ofEpochMilli(p.start);
        long amount = Math.subtractExact(
                Pricer.priceMinor(terms.contract(), terms.meter(), periodStart, through.value(agg)),
                Pricer.priceMinor(terms.contract(), terms.meter(), periodStart, before.value(agg)));
        BigDecimal used = inGap.value(agg);
        BigDecimal reported = reportedInGap.value(agg);
        boolean holds = used.signum() > 0 && reported.compareTo(used) < 0;
        long owed = Math.max(0, amount);
        return new Finding(
                AnomalyType.REPORTING_GAP, holds, terms.contract().currency(), used, reported, owed, 0, null, owed);
    }

    /**
     * The usage of {@code p}'s hours before {@code start}. For sums and counts it is the period's usage
     * less its hours from {@code start} on, whichever of the two takes fewer reads; a maximum cannot be
     * subtracted, so for {@code max} the hours before are read.
     */
    private static Agg usageBefore(PeriodState p, HourView view, long start, Aggregation agg) throws Exception {
        int split = p.index(start);
        int before = HourBits.count(p.usageHours, 0, split);
        int after = HourBits.count(p.usageHours, split, p.hours());
        if (agg != Aggregation.MAX && after < before) {
            Agg from = sumOf(p, view, split, p.hours());
            Agg result = new Agg();
            result.sum = p.usage.sum.subtract(from.sum);
            result.count = p.usage.count - from.count;
            return result;
        }
        return sumOf(p, view, 0, split);
    }

    private static Agg sumOf(PeriodState p, HourView view, int from, int to) throws Exception {
        Agg a = new Agg();
        for (int i = HourBits.nextSet(p.usageHours, from, to); i >= 0; i = HourBits.nextSet(p.usageHours, i + 1, to)) {
            HourBucket b = view.bucket(p.hourAt(i));
            if (b != null) {
                a.merge(b.usage);
            }
        }
        return a;
    }
}
