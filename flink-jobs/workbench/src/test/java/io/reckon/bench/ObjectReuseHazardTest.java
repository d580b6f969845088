package io.reckon.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.jobs.ReconciliationJob;
import io.reckon.jobs.reconcile.ReconSettings;
import io.reckon.jobs.reconcile.ReconcileFunction;
import io.reckon.jobs.records.AnomalyRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;

/**
 * The control of ObjectReuseEquivalenceTest: with a deliberately unsafe pair of sinks on the
 * anomalies stream (one changes each record it is handed, the other keeps records without copying
 * them), the reconciliation graph's outputs differ between reuse off and on. So object reuse really
 * is in effect where {@link ReconciliationJob#withObjectReuse} turns it on, and a hazard of that kind
 * shows in the outputs the equivalence test compares.
 */
class ObjectReuseHazardTest {

    private static final String MARK = " [changed by a sink]";

    @Test
    void aSinkThatChangesSharedRecordsIsVisibleToItsNeighbourOnlyWithObjectReuse() throws Exception {
        List<AnomalyRecord> copying = anomaliesBesideAMutatingSink(false);
        List<AnomalyRecord> reusing = anomaliesBesideAMutatingSink(true);

        assertThat(copying).isNotEmpty().noneMatch(r -> r.explanation.endsWith(MARK));
        assertThat(reusing).isNotEmpty().allMatch(r -> r.explanation.endsWith(MARK));
        // Both runs end with the same standing anomalies. How many revisions lead there may differ: with
        // two source subtasks, whether an out-of-order record is late depends on how far the other
        // subtask's watermark has come, which is timing.
        assertThat(standing(reusing)).isNotEmpty().isEqualTo(standing(copying));
    }

    /**
     * The figures of the last revision of each anomaly that does not end resolved (its status, open or
     * updated, tells how many revisions came before).
     */
    private static Map<String, String> standing(List<AnomalyRecord> revisions) {
        Map<String, AnomalyRecord> last = new TreeMap<>();
        for (AnomalyRecord r : revisions) {
            last.merge(
                    r.type + " " + r.accountId + " " + r.meter + " " + r.periodStart,
                    r,
                    (a, b) -> b.revision > a.revision ? b : a);
        }
        Map<String, String> standing = new TreeMap<>();
        last.forEach((id, r) -> {
            if (!"resolved".equals(r.status)) {
                standing.put(id, r.amountMinor + " " + r.actualQuantity + " " + r.reportedQuantity);
            }
        });
        return standing;
    }

    @Test
    void objectReuseIsOnByDefaultButAnExplicitSettingWins() {
        assertThat(ReconciliationJob.withObjectReuse(new Configuration()).get(PipelineOptions.OBJECT_REUSE))
                .isTrue();
        Configuration off = new Configuration();
        off.set(PipelineOptions.OBJECT_REUSE, false);
        assertThat(ReconciliationJob.withObjectReuse(off).get(PipelineOptions.OBJECT_REUSE))
                .isFalse();
    }

    private static List<AnomalyRecord> anomaliesBesideAMutatingSink(boolean objectReuse) throws Exception {
        BenchWorkload w = new BenchWorkload(BenchWorkload.Options.defaults()
                .withEvents(20_000)
                .withKeys(10, 2)
                .withDays(3)
                .withRates(0.02, 0.1, 0.3)
                .withSeed(7));
        Configuration conf = EngineRuns.configuration(Bench.Backend.HEAP, Bench.DEFAULT_MANAGED_MEMORY);
        conf.set(PipelineOptions.OBJECT_REUSE, objectReuse);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        KeepingSink keeping = new KeepingSink();
        ReconciliationJob.defineWorkflow(
                env,
                new ReconciliationJob.Watermarks(Duration.ofMinutes(5), Duration.ZERO),
                BenchInputs.inMemory(w),
                new ReconciliationJob.Outputs(
                        a -> {
                            a.sinkTo(new MutatingSink()).name("mutating");
                            a.sinkTo(keeping).name("keeping");
                        },
                        d -> d.sinkTo(new DiscardingSink<>()),
                        r -> r.sinkTo(new DiscardingSink<>()),
                        u -> u.sinkTo(new DiscardingSink<>())),
                new ReconcileFunction(ReconSettings.defaults()));
        env.execute("object-reuse-hazard");
        return keeping.drain();
    }

    /** Changes every record it is handed: the hazard a sink of the real graph must not have. */
    private static final class MutatingSink implements Sink<AnomalyRecord> {
        @Override
        public SinkWriter<AnomalyRecord> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                @Override
                public void write(AnomalyRecord r, Context ctx) {
                    r.explanation = r.explanation + MARK;
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }

    /** Keeps the records it is handed, by reference, in this JVM. */
    private static final class KeepingSink implements Sink<AnomalyRecord> {
        private static final Map<String, ConcurrentLinkedQueue<AnomalyRecord>> KEPT = new ConcurrentHashMap<>();
        private final String id = UUID.randomUUID().toString();

        List<AnomalyRecord> drain() {
            ConcurrentLinkedQueue<AnomalyRecord> q = KEPT.remove(id);
            return q == null ? List.of() : List.copyOf(q);
        }

        @Override
        public SinkWriter<AnomalyRecord> createWriter(WriterInitContext context) {
            ConcurrentLinkedQueue<AnomalyRecord> q = KEPT.computeIfAbsent(id, k -> new ConcurrentLinkedQueue<>());
            return new SinkWriter<>() {
                @Override
                public void write(AnomalyRecord r, Context ctx) {
                    q.add(r);
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }
}
