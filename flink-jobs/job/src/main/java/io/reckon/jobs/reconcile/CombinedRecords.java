package io.reckon.jobs.reconcile;

import io.reckon.pricing.PeriodCut;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The usage and reports of one (account, meter) key that arrived since the key's state was last
 * written, combined per hour and per period. Not state: {@link Ledger#write} writes them into the
 * hourly buckets and the periods before anything else reads them (see {@link ReconcileOperator} for
 * when).
 *
 * <p>Each record is added in arrival order, to sums that are exact ({@code BigDecimal} addition) and
 * to maxima that keep the first of equal values, so that writing the combined figures gives the same
 * state, scale included, as writing the records one by one.
 */
final class CombinedRecords {

    final MeterKey key;

    /** The cut of the key's periods when the first record arrived. */
    final PeriodCut cut;

    /** Hours in the order their first record arrived. */
    final List<Hour> hours = new ArrayList<>(4);

    private final Map<Long, Hour> byHour = new HashMap<>(8);
    private final Map<Long, Period> byStart = new HashMap<>(4);
    private Hour last;

    CombinedRecords(MeterKey key, PeriodCut cut) {
        this.key = key;
        this.cut = cut;
    }

    /** The combined records of {@code hour}, null when none arrived yet. */
    Hour hour(long hour) {
        if (last != null && last.hour == hour) {
            return last;
        }
        Hour h = byHour.get(hour);
        if (h != null) {
            last = h;
        }
        return h;
    }

    Hour addHour(long hour, Period period) {
        Hour h = new Hour(hour, period);
        hours.add(h);
        byHour.put(hour, h);
        last = h;
        return h;
    }

    /** The period starting at {@code start} as this key's records left it, null when none touched it. */
    Period period(long start) {
        return byStart.get(start);
    }

    Period addPeriod(PeriodState state) {
        Period p = new Period(state);
        byStart.put(state.start, p);
        return p;
    }

    Iterable<Period> periods() {
        return byStart.values();
    }

    /** A period's state, read once, and what the combined records add to its aggregates. */
    static final class Period {
        final PeriodState state;
        final Agg usage = new Agg();
        final Agg maturedUsage = new Agg();
        final Agg reported = new Agg();
        final Agg reportedSoFar = new Agg();

        private Period(PeriodState state) {
            this.state = state;
        }

        /** Adds the combined aggregates to the period's own (an empty one adds nothing, not even a scale). */
        void applyTo(PeriodState p) {
            mergeInto(p.usage, usage);
            mergeInto(p.maturedUsage, maturedUsage);
            mergeInto(p.reported, reported);
            mergeInto(p.reportedSoFar, reportedSoFar);
        }
    }

    /** The records of one hour. */
    static final class Hour {
        final long hour;
        final Period period;
        final Agg usage = new Agg();
        final Agg reported = new Agg();
        /** Event time of the hour's first usage record, the one that may set the key's first-seen time. */
        long firstUsageTime;

        private Hour(long hour, Period period) {
            this.hour = hour;
            this.period = period;
        }

        /** Adds a usage or report record, as {@link Ledger#apply} adds it to the bucket and the period. */
        void add(boolean isUsage, long time, BigDecimal quantity) {
            PeriodState p = period.state;
            if (isUsage) {
                if (usage.count == 0 || time < firstUsageTime) {
                    firstUsageTime = time;
                }
                usage.add(quantity);
                period.usage.add(quantity);
                if (hour < p.maturedBefore) {
                    period.maturedUsage.add(quantity);
                }
            } else {
                reported.add(quantity);
                period.reported.add(quantity);
                if (hour < p.reportedBefore) {
                    period.reportedSoFar.add(quantity);
                }
            }
        }

        /** Adds the hour's records to its bucket. */
        void applyTo(HourBucket b) {
            mergeInto(b.usage, usage);
            mergeInto(b.reported, reported);
        }
    }

    private static void mergeInto(Agg target, Agg combined) {
        if (combined.count > 0) {
            target.merge(combined);
        }
    }
}
