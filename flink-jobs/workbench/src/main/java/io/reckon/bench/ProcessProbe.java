package io.reckon.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

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
     * CPU time the JIT compiler threads have used so far, in milliseconds, part of {@link #cpuNanos}.
     * Read from the kernel's per-thread accounting ({@code /proc/self/task/<tid>/stat} of the threads
     * named {@code C1/C2 CompilerThread}), because the JVM's own figure ({@code
     * CompilationMXBean.getTotalCompilationTime}) is elapsed time: on a busy machine it counts the time
     * a compiler thread waited for a core, and once exceeded the process's whole CPU time. A compiler
     * thread the JVM has already stopped no longer counts, so this is a lower bound. Where /proc is
     * not available, the JVM's figure.
     */
    static long jitMillis() {
        long fromKernel = threadsCpuMillis(ProcessProbe::isCompilerThread);
        if (fromKernel >= 0) {
            return fromKernel;
        }
        var jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    /**
     * CPU time the garbage collector's threads have used so far, in milliseconds, part of {@link
     * #cpuNanos}: the parallel workers of every collector and G1's concurrent marking and refinement
     * threads, from the kernel's per-thread accounting; -1 where /proc is not available. Collection
     * work done by the VM thread itself (a serial phase) is not included, so this is a lower bound.
     */
    static long gcMillis() {
        return threadsCpuMillis(ProcessProbe::isGcThread);
    }

    static boolean isCompilerThread(String name) {
        return name.contains("CompilerThre");
    }

    /** Thread names as the kernel keeps them (15 characters): "GC Thread#0", "G1 Conc#0", "G1 Refine#0". */
    static boolean isGcThread(String name) {
        return name.startsWith("GC Thread") || name.startsWith("G1 ") || name.startsWith("ParGC");
    }

    /** Sum of user and system time of the threads whose name passes, or -1 where /proc is not readable. */
    static long threadsCpuMillis(Predicate<String> named) {
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return -1;
        }
        long ticks = 0;
        try (var all = Files.list(tasks)) {
            for (Path task : (Iterable<Path>) all::iterator) {
                ticks += threadTicks(task.resolve("stat"), named);
            }
        } catch (Exception unreadable) {
            return -1;
        }
        return ticks * 1000 / CLOCK_TICKS_PER_SECOND;
    }

    /** Linux's USER_HZ, the unit of the times in /proc (100 on every common platform). */
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    /** utime + stime of one thread if its name passes, else 0 (also when it just ended). */
    static long threadTicks(Path stat, Predicate<String> named) {
        String line;
        try {
            line = Files.readString(stat);
        } catch (Exception ended) {
            return 0;
        }
        int open = line.indexOf('(');
        int close = line.lastIndexOf(')');
        if (open < 0 || close < open) {
            return 0;
        }
        String name = line.substring(open + 1, close);
        if (!named.test(name)) {
            return 0;
        }
        // Fields after the name: state is field 3; utime and stime are fields 14 and 15.
        String[] f = line.substring(close + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
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
