package io.reckon.jobs.reconcile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.flink.api.common.state.MapState;

/**
 * How a key's settled days of hours go from their day entries into their month's entry ({@link
 * DayHourStore}): a week of the month at a time, its weeks ending on the 7th, 14th, 21st, 28th and
 * last day.
 */
final class MonthSettling {

    private final MapState<Long, HourDay> days;
    private final MapState<Long, HourMonth> months;

    MonthSettling(MapState<Long, HourDay> days, MapState<Long, HourMonth> months) {
        this.days = days;
        this.months = months;
    }

    /**
     * The day starting at {@code dayStart} has matured. On the 7th, 14th, 21st and 28th of a month and
     * on its last day, the day entries of the week up to it ({@link #weekOf}) go into their month
     * together, the month decoded and packed once for them; on other days the day waits, packed ({@link
     * HourDay#settled}). The entries are found by their days, one read each, not by iterating the key's
     * entries: Flink's RocksDB map state iterates past the end of a key's range over the removed entries
     * of the keys after it until it meets a live one, and settled days are removed every week.
     */
    void settle(long dayStart) throws Exception {
        long weekStart = weekOf(dayStart);
        if (weekStart == NO_WEEK) {
            HourDay day = days.get(dayStart);
            if (day != null) {
                HourDay packed = day.settled();
                if (packed != day) {
                    days.put(dayStart, packed);
                }
            }
            return;
        }
        TreeMap<Long, HourDay> week = new TreeMap<>();
        for (long d = weekStart; d <= dayStart; d += HourDay.DAY_MS) {
            HourDay day = days.get(d);
            if (day != null) {
                week.put(d, day);
            }
        }
        if (!week.isEmpty()) {
            mergeIntoMonth(HourMonth.monthOf(dayStart), week);
        }
    }

    /** {@link #weekOf} a day that ends no week. */
    static final long NO_WEEK = Long.MIN_VALUE;

    /**
     * The first day of the week of the month that ends with the day starting at {@code dayStart}: the
     * 1st, 8th, 15th, 22nd or 29th, when the day is the 7th, 14th, 21st or 28th or the month's last;
     * otherwise {@link #NO_WEEK}.
     */
    static long weekOf(long dayStart) {
        long month = HourMonth.monthOf(dayStart);
        int dayOfMonth = (int) ((dayStart - month) / HourDay.DAY_MS) + 1;
        boolean last = HourMonth.monthOf(dayStart + HourDay.DAY_MS) != month;
        if (dayOfMonth % 7 != 0 && !last) {
            return NO_WEEK;
        }
        int first = (dayOfMonth - 1) / 7 * 7 + 1; // the 29th for the 29th to the 31st
        return month + (first - 1) * HourDay.DAY_MS;
    }

    /** Puts {@code settled}, days of the month starting at {@code monthStart}, into it, and removes their entries. */
    private void mergeIntoMonth(long monthStart, SortedMap<Long, HourDay> settled) throws Exception {
        List<HourMonth.DayColumns> merged = new ArrayList<>();
        for (Map.Entry<Long, HourDay> d : settled.entrySet()) {
            HourMonth.DayColumns columns =
                    HourMonth.DayColumns.of(HourMonth.offsetOf(d.getKey(), monthStart), d.getValue());
            if (columns == null) {
                HourDay packed = d.getValue().settled();
                if (packed != d.getValue()) {
                    days.put(d.getKey(), packed);
                }
            } else {
                merged.add(columns);
            }
        }
        if (merged.isEmpty()) {
            return;
        }
        months.put(monthStart, HourMonth.withDays(months.get(monthStart), merged));
        for (HourMonth.DayColumns d : merged) {
            days.remove(monthStart + d.offset() * ReconSettings.HOUR_MS);
        }
    }
}
