package io.reckon.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The runs of one engine on one input, mode and backend, when each is run more than once ({@code
 * reckon bench --repeat}): the report stands on the median run, and every run must find the same
 * periods with the same figures.
 *
 * <p>One run's figure on a shared two-core machine moves by a third from run to run while the engines'
 * work does not, and with heap state the first runs of a process are slower than the later ones, the
 * JIT's work on the classes the jobs share carrying over (docs/benchmarks.md, "Method" and the
 * twenty-first round): the median of runs taken alternately, Reckon then the baseline, is what a ratio
 * between them can rest on.
 */
final class Repeats {

    private Repeats() {}

    /**
     * The run whose events per CPU-second is the median; of an even number of runs, the slower of the
     * two in the middle, so that the figure never leans to the luckier side.
     */
    static BenchRun median(List<BenchRun> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs");
        }
        List<BenchRun> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparingDouble(BenchRun::eventsPerCpuSecond));
        return sorted.get((sorted.size() - 1) / 2);
    }

    /**
     * Where a run found other periods or figures than the first run of the same engine, each as
     * {@code "<engine> run <n>: <difference>"} (runs numbered from 1); empty when all agree.
     */
    static List<String> disagreements(List<BenchRun> runs) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i < runs.size(); i++) {
            String run = "run " + (i + 1);
            for (String d : Bench.differences(
                    runs.get(0).findings(), "run 1", runs.get(i).findings(), run)) {
                out.add(runs.get(i).engine() + " " + run + ": " + d);
            }
        }
        return out;
    }

    /** Each run's events per CPU-second, rounded, in the order they ran. */
    static List<Long> eventsPerCpuSecond(List<BenchRun> runs) {
        return runs.stream().map(r -> Math.round(r.eventsPerCpuSecond())).toList();
    }

    /** Each run's events per CPU-second without the JIT compilers' share, rounded, in the order they ran. */
    static List<Long> eventsPerCpuSecondWithoutJit(List<BenchRun> runs) {
        return runs.stream()
                .map(r -> Math.round(r.eventsPerCpuSecondWithoutJit()))
                .toList();
    }
}
