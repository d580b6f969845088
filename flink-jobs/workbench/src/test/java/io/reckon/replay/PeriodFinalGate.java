package io.reckon.replay;

import io.reckon.jobs.records.AnomalyRecord;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.FilterFunction;

/**
 * Opens once a run's job has emitted a final anomaly of one period, so that a test can hold a record
 * back until its period was final, whatever the machine's speed. The local job runs in the test's JVM,
 * so the gate is a latch the operators find by name.
 */
final class PeriodFinalGate {

    private static final Map<String, CountDownLatch> GATES = new ConcurrentHashMap<>();
    private static final Map<String, Boolean> RELEASED_OPEN = new ConcurrentHashMap<>();

    private final String name;

    PeriodFinalGate() {
        this.name = UUID.randomUUID().toString();
        GATES.put(name, new CountDownLatch(1));
    }

    /** Waits until the gate opens or {@code timeout} passed, and notes which came first. */
    static void awaitOpen(String name, Duration timeout) {
        boolean open;
        try {
            open = GATES.get(name).await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            open = false;
        }
        RELEASED_OPEN.put(name, open);
    }

    String name() {
        return name;
    }

    /** Whether the last wait on this gate ended because it opened, not because its time was up. */
    boolean heldUntilOpen() {
        return RELEASED_OPEN.getOrDefault(name, false);
    }

    /**
     * A filter that keeps nothing and opens the gate at the first final anomaly of {@code type} whose
     * period starts at {@code periodStart}.
     */
    FilterFunction<AnomalyRecord> opener(String type, long periodStart) {
        String gate = name;
        return a -> {
            if (a.finalRevision && a.type.equals(type) && a.periodStart == periodStart) {
                GATES.get(gate).countDown();
            }
            return false;
        };
    }
}
