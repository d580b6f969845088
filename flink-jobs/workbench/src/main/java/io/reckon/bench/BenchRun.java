package io.reckon.bench;

import java.util.List;
import java.util.Map;

/**
 * The figures of one run of one engine on one input.
 *
 * @param events records read from the meter inputs (usage and reported, duplicates included)
 * @param seconds wall time of the job, from submission to its end
 * @param cpuSeconds CPU time the whole process spent in that time (every thread of the local cluster)
 * @param jitSeconds time the JIT compilers spent in that time, part of {@code cpuSeconds}: every run is
 *     a new job, whose deserialized functions and generated classes are compiled again
 * @param latencyP50Ms median emission latency of tick-driven revisions; null where not measured
 * @param stateBytesPerKey see {@link StateFootprint}; null where not measured
 * @param heapPeakBytes sum of the heap pools' peaks during the run
 * @param rssPeakBytes peak resident set size during the run (RocksDB lives off the heap)
 */
public record BenchRun(
        String engine,
        String mode,
        String stateBackend,
        int parallelism,
        long events,
        double seconds,
        double cpuSeconds,
        double jitSeconds,
        Double latencyP50Ms,
        Double latencyP99Ms,
        long latencySamples,
        Long stateBytesPerKey,
        long heapPeakBytes,
        long rssPeakBytes,
        List<BenchFinding> findings,
        Map<String, Object> notes) {

    public double eventsPerSecond() {
        return events / seconds;
    }

    /** Events per CPU-second of the process: the per-core figure, robust to a busy machine. */
    public double eventsPerCpuSecond() {
        return events / cpuSeconds;
    }

    /**
     * Events per CPU-second left to the job once JIT compilation is taken out: what a long-running job
     * approaches once its code is compiled. An estimate, since compile time is the compiler threads'
     * elapsed time; where that is not below the process's CPU time (a compiler thread kept waiting on a
     * busy machine), the two cannot be told apart and this is the plain figure.
     */
    public double eventsPerCpuSecondWithoutJit() {
        return jitSeconds < cpuSeconds ? events / (cpuSeconds - jitSeconds) : eventsPerCpuSecond();
    }
}
