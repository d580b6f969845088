package io.reckon.faults;

import io.reckon.jobs.ReconciliationWiring;
import io.reckon.jobs.records.Ingested;
import io.reckon.jobs.sources.InputKind;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Deliberate failures and throttling in the usage source, controlled from the test. The plan lives in
 * a static registry because the MiniCluster runs in the test's JVM: the deserializer Flink
 * deserializes into each (re)started task finds the same plan, so a threshold fires once across
 * restarts.
 */
final class InjectedFailures {

    private static final Map<String, Plan> PLANS = new ConcurrentHashMap<>();

    private InjectedFailures() {}

    /**
     * A plan: throw once when the count of usage records read (across all subtasks and restarts)
     * first reaches each threshold, but only once a checkpoint has completed since the previous
     * failure (so every restart resumes from a newer checkpoint, not from the start). Optionally sleep
     * {@code pauseMillis} every {@code pauseEvery} records so outages land in the middle of the run.
     */
    static final class Plan {
        final String id;
        final ConcurrentSkipListSet<Long> thresholds = new ConcurrentSkipListSet<>();
        final AtomicLong records = new AtomicLong();
        final AtomicBoolean armed = new AtomicBoolean(false);
        final List<Long> failedAtMillis = new CopyOnWriteArrayList<>();
        final int pauseEvery;
        final long pauseMillis;
        /** Counts the records of every input, not only usage (then it should neither pause nor fail). */
        volatile boolean allInputs;

        Plan(String id, List<Long> thresholds, int pauseEvery, long pauseMillis) {
            this.id = id;
            this.thresholds.addAll(thresholds);
            this.pauseEvery = pauseEvery;
            this.pauseMillis = pauseMillis;
        }

        /** Called by the run monitor when a checkpoint completes after the last failure. */
        void arm() {
            armed.set(true);
        }

        long lastFailureMillis() {
            return failedAtMillis.isEmpty() ? Long.MIN_VALUE : failedAtMillis.get(failedAtMillis.size() - 1);
        }

        void onRecord() throws IOException {
            long n = records.incrementAndGet();
            if (pauseEvery > 0 && n % pauseEvery == 0) {
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while throttled", e);
                }
            }
            Long due = thresholds.isEmpty() ? null : thresholds.first();
            if (due != null && n >= due && !armed.get()) {
                // A failure is due but no checkpoint has completed since the last one. On a loaded
                // machine the input could end before one does, and the planned failure would never
                // fire: slow the source down until the next checkpoint arms the plan.
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for a checkpoint", e);
                }
            }
            if (due != null && n >= due && armed.compareAndSet(true, false) && thresholds.remove(due)) {
                failedAtMillis.add(System.currentTimeMillis());
                throw new InjectedFailure("injected failure " + failedAtMillis.size() + " at usage record " + n);
            }
        }
    }

    static Plan register(String id, List<Long> thresholds, int pauseEvery, long pauseMillis) {
        Plan plan = new Plan(id, thresholds, pauseEvery, pauseMillis);
        PLANS.put(id, plan);
        return plan;
    }

    static void remove(String id) {
        PLANS.remove(id);
    }

    /** Wraps the usage input's deserializer of the production sources with the plan {@code id}. */
    static ReconciliationWiring.DeserializerDecorator decorator(String id) {
        boolean allInputs = PLANS.get(id).allInputs;
        return (kind, deserializer) ->
                allInputs || kind == InputKind.USAGE ? new Failing(id, deserializer) : deserializer;
    }

    static final class InjectedFailure extends IOException {
        InjectedFailure(String message) {
            super(message);
        }
    }

    private static final class Failing implements KafkaRecordDeserializationSchema<Ingested> {
        private final String planId;
        private final KafkaRecordDeserializationSchema<Ingested> delegate;

        Failing(String planId, KafkaRecordDeserializationSchema<Ingested> delegate) {
            this.planId = planId;
            this.delegate = delegate;
        }

        @Override
        public void open(org.apache.flink.api.common.serialization.DeserializationSchema.InitializationContext context)
                throws Exception {
            delegate.open(context);
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Ingested> out) throws IOException {
            Plan plan = PLANS.get(planId);
            if (plan != null) {
                plan.onRecord();
            }
            delegate.deserialize(record, out);
        }

        @Override
        public TypeInformation<Ingested> getProducedType() {
            return delegate.getProducedType();
        }
    }
}
