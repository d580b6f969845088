package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.ReconSettings.HOUR_MS;

import io.reckon.jobs.reconcile.checks.Gaps;
import io.reckon.jobs.reconcile.checks.HourBits;
import java.util.List;

/**
 * A key's hours as one evaluation sees them: which hours hold usage and reports (from the hour bits of
 * the periods in state, and from the hourly buckets for hours outside them), and the buckets
 * themselves, through one {@link HourStore.Reader} (with RocksDB each hour read once per evaluation,
 * a read being a seek; with heap state the key's table looked up once).
 */
final class HourView implements Gaps.Presence {

    private final HourStore.Reader buckets;
    private final List<PeriodState> periods;
    /** The period the last question fell in: questions come in runs of neighbouring hours. */
    private PeriodState last;

    HourView(Ledger ledger, List<PeriodState> periods) {
        this.buckets = ledger.reader();
        this.periods = periods;
    }

    /** The bucket of {@code hour}, or null when it holds nothing. */
    HourBucket bucket(long hour) throws Exception {
        PeriodState p = holding(hour);
        if (p != null && !p.hasUsage(hour) && !p.hasReports(hour)) {
            return null; // the hour bits say so: no read, nothing to remember
        }
        return buckets.get(hour);
    }

    /** The period in state holding {@code time}, or null. */
    PeriodState period(long time) {
        return Periods.holding(periods, time);
    }

    @Override
    public boolean usage(long hour) {
        PeriodState p = holding(hour);
        if (p != null) {
            return p.hasUsage(hour);
        }
        HourBucket b = unchecked(hour);
        return b != null && b.usage.count > 0;
    }

    @Override
    public boolean reports(long hour) {
        PeriodState p = holding(hour);
        if (p != null) {
            return p.hasReports(hour);
        }
        HourBucket b = unchecked(hour);
        return b != null && b.reported.count > 0;
    }

    @Override
    public long firstReportHour(long from, long to) {
        long h = from;
        while (h < to) {
            PeriodState p = holding(h);
            if (p == null) {
                if (reports(h)) {
                    return h;
                }
                h += HOUR_MS;
                continue;
            }
            int found = HourBits.nextSet(p.reportHours, p.index(h), p.index(Math.min(to, p.end)));
            if (found >= 0) {
                return p.hourAt(found);
            }
            h = Math.min(to, p.end);
        }
        return -1;
    }

    @Override
    public long firstHourWithoutReports(long from, long to) {
        long h = from;
        while (h < to) {
            PeriodState p = holding(h);
            if (p == null) {
                if (!reports(h)) {
                    return h;
                }
                h += HOUR_MS;
                continue;
            }
            int found = HourBits.nextClear(p.reportHours, p.index(h), p.index(Math.min(to, p.end)));
            if (found >= 0) {
                return p.hourAt(found);
            }
            h = Math.min(to, p.end);
        }
        return -1;
    }

    @Override
    public boolean anyUsage(long from, long to) {
        long h = from;
        while (h < to) {
            PeriodState p = holding(h);
            if (p == null) {
                if (usage(h)) {
                    return true;
                }
                h += HOUR_MS;
                continue;
            }
            if (HourBits.nextSet(p.usageHours, p.index(h), p.index(Math.min(to, p.end))) >= 0) {
                return true;
            }
            h = Math.min(to, p.end);
        }
        return false;
    }

    /** The period in state holding {@code hour}, or null. */
    private PeriodState holding(long hour) {
        if (last != null && last.contains(hour)) {
            return last;
        }
        PeriodState p = Periods.holding(periods, hour);
        if (p != null) {
            last = p;
        }
        return p;
    }

    private HourBucket unchecked(long hour) {
        try {
            return bucket(hour);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the hourly bucket of " + hour, e);
        }
    }
}
