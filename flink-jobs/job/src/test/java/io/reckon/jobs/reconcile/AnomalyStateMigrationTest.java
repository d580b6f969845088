package io.reckon.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An upgrade on a real keyed state backend: anomaly states written by the POJO serializer (every
 * savepoint taken before {@link AnomalyStateSerializer}) are restored under {@code
 * TypeInformation.of(AnomalyState.class)}, migrated by the backend, changed, snapshotted again and
 * restored once more, with every field intact.
 */
class AnomalyStateMigrationTest {

    private static final int KEYS = 3;
    private static final int ANOMALIES = 12;

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void anomaliesSavedAsPojosRestoreMigrateAndKeepEveryField(String backend) throws Exception {
        OperatorSubtaskState pojoSnapshot;
        TypeInformation<AnomalyState> pojo = CompactSerializers.formerPojo(AnomalyState.class);
        try (var h = harness(pojo, backend, null)) {
            for (int seed = 0; seed < ANOMALIES; seed++) {
                h.processElement("k" + seed % KEYS + ",put," + seed, seed);
            }
            pojoSnapshot = h.snapshot(1L, 10L);
        }

        List<String> expected = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            for (int seed = k; seed < ANOMALIES; seed += KEYS) {
                expected.add(Anomalies.describe(seed, AnomalyStateSerializerTest.anyAnomaly(new Random(seed))));
            }
        }
        OperatorSubtaskState compactSnapshot;
        try (var h = harness(TypeInformation.of(AnomalyState.class), backend, pojoSnapshot)) {
            for (int k = 0; k < KEYS; k++) {
                h.processElement("k" + k + ",*", 11L);
            }
            assertThat(h.extractOutputValues()).containsExactlyElementsOf(expected);
            h.processElement("k0,revise,0", 12L);
            compactSnapshot = h.snapshot(2L, 20L);
        }

        AnomalyState revised = AnomalyStateSerializerTest.anyAnomaly(new Random(0));
        revised.revision++;
        expected.set(0, Anomalies.describe(0, revised));
        try (var h = harness(TypeInformation.of(AnomalyState.class), backend, compactSnapshot)) {
            for (int k = 0; k < KEYS; k++) {
                h.processElement("k" + k + ",*", 21L);
            }
            assertThat(h.extractOutputValues()).containsExactlyElementsOf(expected);
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, String, String> harness(
            TypeInformation<AnomalyState> anomalyType, String backend, OperatorSubtaskState restore) throws Exception {
        return MigrationHarness.open(new Anomalies(anomalyType), backend, restore);
    }

    /**
     * "key,put,seed" stores the state {@code anyAnomaly(seed)} under the seed; "key,revise,seed" counts
     * one more revision in it; "key,*" emits every state of the key in seed order, each as every field's
     * bytes in the POJO layout.
     */
    private static final class Anomalies extends KeyedProcessFunction<String, String, String> {
        private final TypeInformation<AnomalyState> anomalyType;
        private transient MapState<Long, AnomalyState> anomalies;

        Anomalies(TypeInformation<AnomalyState> anomalyType) {
            this.anomalyType = anomalyType;
        }

        @Override
        public void open(OpenContext openContext) {
            anomalies = getRuntimeContext().getMapState(new MapStateDescriptor<>("anomalies", Types.LONG, anomalyType));
        }

        @Override
        public void processElement(String value, Context ctx, Collector<String> out) throws Exception {
            String[] f = value.split(",");
            if (f[1].equals("*")) {
                List<Map.Entry<Long, AnomalyState>> all = new ArrayList<>();
                anomalies.entries().forEach(all::add);
                all.sort(Map.Entry.comparingByKey());
                for (Map.Entry<Long, AnomalyState> e : all) {
                    out.collect(describe(e.getKey(), e.getValue()));
                }
                return;
            }
            long seed = Long.parseLong(f[2]);
            if (f[1].equals("put")) {
                anomalies.put(seed, AnomalyStateSerializerTest.anyAnomaly(new Random(seed)));
            } else {
                AnomalyState a = anomalies.get(seed);
                a.revision++;
                anomalies.put(seed, a);
            }
        }

        static String describe(long seed, AnomalyState a) throws java.io.IOException {
            byte[] fields = CompactSerializers.bytes(AnomalyStateSerializerTest.POJO, a);
            return seed + " " + Base64.getEncoder().encodeToString(fields);
        }
    }
}
