package io.reckon.jobs.reconcile.checks;

import java.util.ArrayList;
import java.util.List;

/**
 * USAGE_SPIKE and USAGE_DROP episodes of a billing period: runs of consecutive hours with the same
 * verdict, each one anomaly identified by its first hour. Episodes end at the period's end (a run that
 * goes on into the next period starts a new episode there), so each belongs to one period and is
 * settled with it.
 */
public final class Episodes {

    private Episodes() {}

    /** A run of hours [from, to) (hour indexes within the period) with the verdict {@code type}. */
    public record Run(AnomalyType type, int from, int to) {}

    /** The runs in the first {@code judged} hours, by the spike and drop verdict bits, in hour order. */
    public static List<Run> of(long[] spikes, long[] drops, int judged) {
        List<Run> runs = new ArrayList<>(2);
        collect(spikes, AnomalyType.USAGE_SPIKE, judged, runs);
        collect(drops, AnomalyType.USAGE_DROP, judged, runs);
        runs.sort((a, b) -> Integer.compare(a.from(), b.from()));
        return runs;
    }

    private static void collect(long[] bits, AnomalyType type, int judged, List<Run> into) {
        int i = HourBits.nextSet(bits, 0, judged);
        while (i >= 0) {
            int end = i + 1;
            while (end < judged && HourBits.get(bits, end)) {
                end++;
            }
            into.add(new Run(type, i, end));
            i = HourBits.nextSet(bits, end, judged);
        }
    }
}
