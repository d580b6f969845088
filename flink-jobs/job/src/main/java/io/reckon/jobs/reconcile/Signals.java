package io.reckon.jobs.reconcile;

import io.reckon.jobs.JobCounters;
import io.reckon.jobs.reconcile.checks.AnomalyType;
import io.reckon.jobs.reconcile.checks.Finding;
import io.reckon.jobs.reconcile.checks.HourBits;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The signals of one billing period (REPORTING_GAP, USAGE_SPIKE, USAGE_DROP, UPSELL_OPPORTUNITY) and its
 * period-end forecast ({@link Forecasts}), evaluated as of a tick:
 * what the key's hours show now is emitted, and a signal of the period that they no longer show is
 * resolved. Because the signals are a function of the hours, late records that change the hours they
 * were judged on change them too, and their final set is the same in any arrival order.
 */
final class Signals {

    private final ContractBook contracts;
    private final Emitter emitter;
    private final Periods periods;
    private final GapSignals gaps;
    private final UsageSignals usage;

    private final Forecasts forecasts;
    private final InputReach reach;
    private final long reportingDelayMs;

    Signals(
            ReconSettings settings,
            ContractBook contracts,
            Emitter emitter,
            Periods periods,
            JobCounters counters,
            ReconOutputs outputs,
            InputReach reach) {
        this.reach = reach;
        this.reportingDelayMs = settings.reportingDelayMs();
        this.contracts = contracts;
        this.emitter = emitter;
        this.periods = periods;
        this.gaps = new GapSignals(settings, emitter);
        this.usage = new UsageSignals(settings, emitter, counters);
        this.forecasts = new Forecasts(settings, emitter, outputs);
    }

    /**
     * Evaluates {@code p}'s signals as of {@code tick} (its metering final at the latest); final
     * revisions when {@code periodFinal}.
     */
    void evaluate(MeterKey key, PeriodState p, HourView view, Long firstSeen, long tick, boolean periodFinal)
            throws Exception {
        Optional<ContractBook.Terms> terms = contracts.termsFor(key, p.start);
        long asOf = Math.min(tick, periods.meteringFinalAt(p));
        if (terms.isPresent()) {
            // Without changes a signal shown before is shown again (more hours only add), so there is
            // nothing to resolve: the signals not shown are only looked up when something changed.
            boolean changed = p.changedFrom != Long.MAX_VALUE || HourBits.any(p.rejudgeHours);
            Set<Long> gapStarts = gaps.evaluate(key, p, terms.get(), view, asOf, periodFinal, changed, tick);
            // Hours after the input's reach were not observed: neither spikes nor drops (see InputReach).
            Set<AnomalyKey> episodes = usage.evaluate(
                    key, p, terms.get(), view, firstSeen, reach.judgeableBefore(asOf), periodFinal, tick);
            // Nor are they forecast from: a forecast stands on the hours before the tick less the
            // reporting delay, and would take unobserved hours for empty ones. The period's final
            // forecast is its actual figures. A tick before the period's start plus the delay (the
            // period may be in state already, its records read ahead) forecasts nothing of it yet: none
            // of its hours is before the forecast's as_of, and the previous period's last hours, which
            // that forecast leans on, are still maturing, so a forecast as of the period's start made
            // then would depend on which of those ticks the key had.
            long forecastFrom = asOf - reportingDelayMs;
            if (periodFinal || (forecastFrom >= p.start && reach.judgeableBefore(forecastFrom) >= forecastFrom)) {
                forecasts.evaluate(key, p, terms.get(), view, asOf, periodFinal, tick);
            }
            if (changed || periodFinal) {
                resolveOthers(key, p, gapStarts, episodes, periodFinal, tick, false);
            }
        } else {
            // Unmapped: nothing is judged, and a signal of an earlier contract no longer stands.
            p.spikeHours = HourBits.create(p.hours());
            p.dropHours = HourBits.create(p.hours());
            p.rejudgeHours = HourBits.create(p.hours());
            p.judgedBefore = Math.max(p.judgedBefore, Math.min(Math.max(asOf, p.start), p.end));
            resolveOthers(key, p, Set.of(), Set.of(), periodFinal, tick, true);
        }
        p.changedFrom = Long.MAX_VALUE;
    }

    /** Resolves the period's signals that the hours no longer show; settles resolved ones when final. */
    private void resolveOthers(
            MeterKey key,
            PeriodState p,
            Set<Long> gapStarts,
            Set<AnomalyKey> episodes,
            boolean periodFinal,
            long tick,
            boolean unmapped)
            throws Exception {
        for (long code : p.signalAnomalies) {
            AnomalyKey id = new AnomalyKey(PeriodState.signalType(code), PeriodState.signalStart(code));
            if (id.type() == AnomalyType.UPSELL_OPPORTUNITY && !unmapped) {
                continue; // evaluated with the forecast
            }
            boolean shown =
                    id.type() == AnomalyType.REPORTING_GAP ? gapStarts.contains(id.start()) : episodes.contains(id);
            if (shown) {
                continue;
            }
            AnomalyState stored = emitter.stored(id);
            if (stored == null) {
                continue;
            }
            Finding gone = new Finding(
                    id.type(),
                    false,
                    stored.currency,
                    stored.actualQuantity,
                    stored.reportedQuantity,
                    stored.expectedAmountMinor,
                    stored.pricedReportedAmountMinor,
                    stored.billedAmountMinor,
                    stored.amountMinor,
                    stored.baseline);
            emitter.emit(key, id, stored.signalEnd, p, gone, periodFinal, tick);
        }
    }

    /** The signal anomalies with state among {@code anomalyKeys} whose first hour lies in {@code p}. */
    static long[] signalsOf(PeriodState p, List<AnomalyKey> anomalyKeys) {
        return anomalyKeys.stream()
                .filter(k -> !k.type().isLeak() && p.contains(k.start()))
                .mapToLong(k -> k.start() + k.type().ordinal())
                .sorted()
                .toArray();
    }
}
