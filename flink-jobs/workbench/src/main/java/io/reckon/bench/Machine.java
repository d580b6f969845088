package io.reckon.bench;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The machine a benchmark ran on, as the report states it. */
final class Machine {

    private Machine() {}

    static Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        m.put("cpu_model", firstValue(Path.of("/proc/cpuinfo"), "model name"));
        m.put("memory_total", firstValue(Path.of("/proc/meminfo"), "MemTotal"));
        m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
        m.put(
                "garbage_collectors",
                ManagementFactory.getGarbageCollectorMXBeans().stream()
                        .map(GarbageCollectorMXBean::getName)
                        .toList());
        m.put("jvm_options", jvmOptions());
        m.put("transparent_huge_pages", vmOption("UseTransparentHugePages"));
        m.put("load_average_1m", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        return m;
    }

    /**
     * The JVM's heap, collector and other -X options the run was given (not its -D properties, which
     * may hold what no report should).
     */
    private static List<String> jvmOptions() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-X"))
                .toList();
    }

    private static String vmOption(String name) {
        try {
            return ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .getVMOption(name)
                    .getValue();
        } catch (RuntimeException notHotSpot) {
            return "unknown";
        }
    }

    private static String firstValue(Path file, String field) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (String line : lines) {
                if (line.startsWith(field)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (Exception notLinux) {
            // unknown
        }
        return "unknown";
    }
}
