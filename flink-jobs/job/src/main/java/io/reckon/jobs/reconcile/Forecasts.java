package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.ReconSettings.HOUR_MS;
import static io.reckon.jobs.reconcile.checks.UsageDetector.DAY_MS;

import io.reckon.jobs.reconcile.checks.AnomalyType;
import io.reckon.jobs.reconcile.checks.Finding;
import io.reckon.jobs.reconcile.checks.LevelGrowth;
import io.reckon.jobs.reconcile.checks.PeriodForecast;
import io.reckon.jobs.reconcile.checks.Upsell;
import io.reckon.jobs.reconcile.checks.WeeklyRhythm;
import io.reckon.jobs.records.ForecastRecord;
import io.reckon.pricing.Aggregation;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;

/**
 * The period-end forecast of one period at a tick (side output {@link ReconOutputs#FORECASTS}) and its
 * UPSELL_OPPORTUNITY. Holds no state of its own beyond caches in the period's (its day totals, and the
 * last tick's rhythm, which is not state): the forecast is made
 * from the period's matured usage (the hours before the tick less the reporting delay) and the previous
 * period's, both already read by the tick, from the two periods' day totals ({@link
 * PeriodState#dayTotals}, read from the hourly buckets once a day) and, for a maximum meter, from the
 * hours of two windows of its period ({@link LevelGrowth}); nothing is left to release with the period. At the period's metering finality the forecast is its
 * actual figures, and the opportunity's final revision is a function of the two periods' records alone
 * (any arrival order gives it). Made at the ticks the key has ({@link NextTick} skips only ticks at
 * which nothing can change): hours without a tick add no usage, so each forecast is exact as of its own
 * tick. Once the previous period is released, an opportunity already raised keeps its last revision.
 */
final class Forecasts {

    private final ReconSettings settings;
    private final Emitter emitter;
    private final ReconOutputs outputs;

    Forecasts(ReconSettings settings, Emitter emitter, ReconOutputs outputs) {
        this.settings = settings;
        this.emitter = emitter;
        this.outputs = outputs;
    }

    /**
     * Emits the forecast of {@code p} as of {@code asOf} (capped at the period's metering final by the
     * caller; every record counts when {@code periodFinal}) and evaluates its opportunity.
     */
    void evaluate(
            MeterKey key,
            PeriodState p,
            ContractBook.Terms terms,
            HourView view,
            long asOf,
            boolean periodFinal,
            long watermark)
            throws Exception {
        Aggregation agg = terms.meter().aggregation();
        // The hours before the tick less the reporting delay: their usage is what the metering side
        // compares too, and it does not depend on whether a record of the last hour or two reached the
        // key before or after its tick (arrival order, a restart).
        long cutoff = periodFinal ? p.end : Math.min(Math.max(asOf - settings.reportingDelayMs(), p.start), p.end);
        Agg soFar = periodFinal ? p.usage : p.maturedUsage;
        PeriodState previous = view.period(p.start - 1);
        // A final previous period counts whole (it may have been created final, by a late record, and
        // never matured); an open one as far as it matured.
        long priorTo = previous == null
                ? 0
                : previous.finalized ? previous.end : Math.min(previous.maturedBefore, previous.end);
        Agg prior = previous == null ? null : previous.finalized ? previous.usage : previous.maturedUsage;
        boolean hasPrior = previous != null && priorTo > previous.start;
        int elapsed = (int) ((cutoff - p.start) / HOUR_MS);
        PeriodForecast.Inputs in = new PeriodForecast.Inputs(
                agg,
                elapsed,
                p.hours(),
                soFar.value(agg),
                soFar.count,
                soFar.max,
                hasPrior ? prior.value(agg) : null,
                hasPrior ? (int) ((priorTo - previous.start) / HOUR_MS) : 0,
                agg == Aggregation.MAX && !periodFinal ? LevelGrowth.of(h -> maxOf(view, h), p.start, cutoff) : null,
                agg == Aggregation.MAX ? null : rhythm(p, previous, view, agg, cutoff),
                weekday(p.start));
        Instant periodStart = Instant.ofEpochMilli(p.start);
        PeriodForecast.Priced priced;
        try {
            priced = PeriodForecast.price(PeriodForecast.project(in), terms.contract(), terms.meter(), periodStart);
        } catch (ArithmeticException e) {
            return; // the period's own evaluation dead-letters a period that cannot be priced
        }
        ForecastRecord f = new ForecastRecord();
        f.accountId = key.accountId();
        f.meter = key.meter();
        f.periodStart = p.start;
        f.periodEnd = p.end;
        f.asOf = cutoff;
        f.currency = terms.contract().currency();
        f.quantitySoFar = in.soFar();
        f.projectedQuantity = priced.projection().quantity();
        f.quantityLow = priced.projection().low();
        f.quantityHigh = priced.projection().high();
        f.projectedAmountMinor = priced.amountMinor();
        f.amountLowMinor = priced.amountLowMinor();
        f.amountHighMinor = priced.amountHighMinor();
        f.finalRevision = periodFinal;
        outputs.forecast(f);

        opportunity(key, p, terms, previous, priorTo, prior, priced, periodFinal, watermark);
    }

    /**
     * The key's weekly rhythm from the whole days of the previous period and of this one before {@code
     * cutoff}; null without a previous period whose days are known (one restored from an older state
     * layout and final before this version: its days are read the next time it is evaluated). This
     * period's days are kept either way: the next period reads them.
     */
    private static WeeklyRhythm rhythm(PeriodState p, PeriodState previous, HourView view, Aggregation agg, long cutoff)
            throws Exception {
        int whole = wholeDays(p, view, agg, cutoff);
        if (previous == null
                || previous.dayTotals == null
                || previous.dayTotalsAggregation != agg.ordinal()
                || previous.daysUpToDate() == 0) {
            return null;
        }
        int priorDays = previous.daysUpToDate();
        // The rhythm of the previous tick when its days are the same (they change once a day, or when a
        // late record changes one): a cache of a function of the days, so the same days give it.
        WeeklyRhythm last = p.rhythm;
        if (last != null
                && last.isOf(
                        previous.dayTotals, priorDays, weekday(previous.start), p.dayTotals, whole, weekday(p.start))) {
            return last;
        }
        WeeklyRhythm rhythm = WeeklyRhythm.of(
                Arrays.copyOf(previous.dayTotals, priorDays),
                weekday(previous.start),
                Arrays.copyOf(p.dayTotals, whole),
                weekday(p.start));
        p.rhythm = rhythm;
        return rhythm;
    }

    /**
     * The number of whole days of {@code p} before {@code cutoff}, their totals kept in {@code p} as they become
     * whole (the caller writes {@code p} back): a day is read from its hourly buckets once, and again
     * only when one of its hours changed ({@link PeriodState#changed}). A day's total is always summed
     * from its hours in order, so it is the same however often and in whatever order its hours changed.
     */
    private static int wholeDays(PeriodState p, HourView view, Aggregation agg, long cutoff) throws Exception {
        int whole = (int) ((cutoff - p.start) / DAY_MS);
        if (p.dayTotals == null || p.dayTotalsAggregation != agg.ordinal()) {
            p.dayTotals = new double[(int) ((p.end - p.start + DAY_MS - 1) / DAY_MS)];
            p.dayTotalsAggregation = agg.ordinal();
            p.daysKnown = 0;
            p.staleDays = 0;
        }
        for (long stale = p.staleDays; stale != 0; stale &= stale - 1) {
            int d = Long.numberOfTrailingZeros(stale);
            p.dayTotals[d] = dayTotal(p, view, agg, d);
        }
        p.staleDays = 0;
        for (int d = p.daysKnown; d < whole; d++) {
            p.dayTotals[d] = dayTotal(p, view, agg, d);
        }
        p.daysKnown = Math.max(p.daysKnown, whole);
        return whole;
    }

    /**
     * The day's usage: its records' count, or the exact sum of its hours' quantities as the nearest
     * double (so that a day of tenths is kept in a few bytes, {@link CompactArrays#writeDoubles}).
     */
    private static double dayTotal(PeriodState p, HourView view, Aggregation agg, int day) throws Exception {
        long count = 0;
        BigDecimal sum = BigDecimal.ZERO;
        for (long h = p.start + day * DAY_MS; h < p.start + (day + 1) * DAY_MS; h += HOUR_MS) {
            HourBucket b = p.hasUsage(h) ? view.bucket(h) : null;
            if (b != null && agg == Aggregation.COUNT) {
                count += b.usage.count;
            } else if (b != null) {
                sum = sum.add(b.usage.sum);
            }
        }
        return agg == Aggregation.COUNT ? count : sum.doubleValue();
    }

    /** The weekday of a UTC midnight, 0 = Monday (1 January 1970 was a Thursday). */
    static int weekday(long midnight) {
        return (int) Math.floorMod(Math.floorDiv(midnight, DAY_MS) + 3, 7L);
    }

    /** The hour's largest usage reading, null when it has none. */
    private static BigDecimal maxOf(HourView view, long hour) throws Exception {
        HourBucket b = view.bucket(hour);
        return b == null || b.usage.count == 0 ? null : b.usage.max;
    }

    /**
     * The period's UPSELL_OPPORTUNITY, judged when its metering side is final (and again when late
     * records change it or the previous period): a function of the two periods' records alone. While
     * the period is open its projection moves with every tick, and the ticks a key has depend on when
     * records arrive; a revision per projection would differ from run to run, so the opportunity waits
     * for the figures that do not (the forecast shows the projection meanwhile).
     */
    private void opportunity(
            MeterKey key,
            PeriodState p,
            ContractBook.Terms terms,
            PeriodState previous,
            long priorTo,
            Agg prior,
            PeriodForecast.Priced priced,
            boolean periodFinal,
            long watermark)
            throws Exception {
        if (!periodFinal || !settings.upsellEnabled()) {
            return; // opt-in (reconcile.upsell-enabled): an extension of the spec's types
        }
        AnomalyKey id = new AnomalyKey(AnomalyType.UPSELL_OPPORTUNITY, p.start);
        boolean raised = p.hasSignal(AnomalyType.UPSELL_OPPORTUNITY, p.start);
        boolean priorWhole = previous != null && priorTo >= previous.end;
        if (!priorWhole && raised) {
            // The previous period was released (a late record re-evaluates a final period up to its own
            // release, which comes after the previous one's): its evidence is gone, the last revision stands.
            return;
        }
        Finding upsell;
        try {
            upsell = Upsell.finding(
                    terms.contract(),
                    terms.meter(),
                    Instant.ofEpochMilli(p.start),
                    priorWhole ? prior.value(terms.meter().aggregation()) : null,
                    priced.projection().quantity(),
                    settings.upsellMarginPct());
        } catch (ArithmeticException e) {
            return;
        }
        if (upsell.holds() || raised) {
            emitter.emit(key, id, p.end, p, upsell, true, watermark);
        }
    }
}
