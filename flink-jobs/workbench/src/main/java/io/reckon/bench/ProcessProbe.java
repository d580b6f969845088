package io.reckon.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the benchmark reads off its own process: CPU time of all threads (the local cluster runs in
 * this JVM), the peak of heap use and the peak resident set size (RocksDB lives off the heap).
 */
final class ProcessProbe {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private ProcessProbe() {}

    /** CPU time of the whole process, all threads, in nanoseconds. */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * Time the JIT compilers have spent so far, in milliseconds (compiler threads are CPU-bound, so
     * this is CPU time inside {@link #cpuNanos}); 0 where the JVM does not report it.
     */
    static long jitMillis() {
        var jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    /** Forgets the peaks, after a collection, so the next run's peaks are its own. */
    static void resetPeaks() {
        System.gc();
        for (MemoryPoolMXBean p : heapPools()) {
            p.resetPeakUsage();
        }
        try {
            // "5" resets the kernel's peak RSS (VmHWM) of this process; Linux only.
            Files.writeString(CLEAR_REFS, "5");
        } catch (Exception notLinux) {
            // The RSS figure then covers the process lifetime; the heap figure is unaffected.
        }
    }

    /**
     * Sum of the peak use of each heap pool since the last reset. The pools peak at different moments,
     * so this is an upper bound of the heap in use at any one time.
     */
    static long heapPeakBytes() {
        long sum = 0;
        for (MemoryPoolMXBean p : heapPools()) {
            sum += p.getPeakUsage().getUsed();
        }
        return sum;
    }

    /** Peak resident set size since the last reset, or -1 where /proc is not available. */
    static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (Exception notLinux) {
            // fall through
        }
        return -1;
    }

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP)
                .toList();
    }
}
