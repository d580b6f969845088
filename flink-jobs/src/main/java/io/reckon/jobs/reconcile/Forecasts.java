package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.ReconSettings.HOUR_MS;

import io.reckon.jobs.reconcile.checks.AnomalyType;
import io.reckon.jobs.reconcile.checks.Finding;
import io.reckon.jobs.reconcile.checks.HourBits;
import io.reckon.jobs.reconcile.checks.PeriodForecast;
import io.reckon.jobs.reconcile.checks.Upsell;
import io.reckon.jobs.records.ForecastRecord;
import io.reckon.pricing.Aggregation;
import java.time.Instant;

/**
 * The period-end forecast of one period at a tick (side output {@link ReconOutputs#FORECASTS}) and its
 * UPSELL_OPPORTUNITY. Holds no state of its own: the forecast is made from the period's running
 * aggregates (the matured usage, plus the buckets of the reporting delay's few hours), and the previous
 * period's final quantity, both already read by the tick, so a forecast costs O(1) state reads and
 * nothing is left to release with the period. At the period's metering finality the forecast is its
 * actual figures, and the opportunity's final revision is a function of the two periods' records alone
 * (any arrival order gives it).
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
        long cutoff = Math.min(Math.max(asOf, p.start), p.end);
        Agg soFar;
        if (periodFinal) {
            soFar = p.usage;
        } else {
            soFar = p.maturedUsage.copy();
            long from = Math.max(p.maturedBefore, p.start);
            if (from < cutoff) {
                for (int i = HourBits.nextSet(p.usageHours, p.index(from), p.index(cutoff));
                        i >= 0;
                        i = HourBits.nextSet(p.usageHours, i + 1, p.index(cutoff))) {
                    HourBucket b = view.bucket(p.hourAt(i));
                    if (b != null) {
                        soFar.merge(b.usage);
                    }
                }
            }
        }
        PeriodState previous = view.period(p.start - 1);
        int elapsed = periodFinal ? p.hours() : (int) ((cutoff - p.start) / HOUR_MS);
        PeriodForecast.Inputs in = new PeriodForecast.Inputs(
                agg,
                elapsed,
                p.hours(),
                soFar.value(agg),
                soFar.count,
                soFar.max,
                previous == null ? null : previous.usage.value(agg),
                previous == null ? 0 : previous.hours());
        Instant periodStart = Instant.ofEpochMilli(p.start);
        PeriodForecast.Priced priced;
        Finding upsell;
        try {
            priced = PeriodForecast.price(PeriodForecast.project(in), terms.contract(), terms.meter(), periodStart);
            upsell = Upsell.finding(
                    terms.contract(),
                    terms.meter(),
                    periodStart,
                    in.previousQuantity(),
                    priced.projection().quantity(),
                    settings.upsellMarginPct());
        } catch (ArithmeticException e) {
            return; // the period's own evaluation dead-letters a period that cannot be priced
        }
        ForecastRecord f = new ForecastRecord();
        f.accountId = key.accountId();
        f.meter = key.meter();
        f.periodStart = p.start;
        f.periodEnd = p.end;
        f.asOf = periodFinal ? Math.max(asOf, p.end) : asOf;
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

        AnomalyKey id = new AnomalyKey(AnomalyType.UPSELL_OPPORTUNITY, p.start);
        if (upsell.holds() || p.hasSignal(AnomalyType.UPSELL_OPPORTUNITY, p.start)) {
            if (upsell.holds() && !periodFinal) {
                AnomalyState stored = emitter.stored(id);
                if (stored != null && stored.isOpen()) {
                    // The projection moves every hour: an open opportunity keeps the figures it was
                    // opened with until it stops holding or its period is final (one CRM task, not one
                    // revision an hour).
                    return;
                }
            }
            emitter.emit(key, id, p.end, p, upsell, periodFinal, watermark);
        }
    }
}
