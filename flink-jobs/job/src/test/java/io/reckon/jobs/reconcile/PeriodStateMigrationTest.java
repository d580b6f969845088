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
 * An upgrade on a real keyed state backend: periods written by the POJO serializer (every savepoint
 * taken before {@link PeriodStateSerializer}) are restored under {@code
 * TypeInformation.of(PeriodState.class)}, migrated by the backend, changed, snapshotted again and
 * restored once more, with every field intact.
 */
class PeriodStateMigrationTest {

    private static final int KEYS = 3;
    private static final int PERIODS = 12;

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void periodsSavedAsPojosRestoreMigrateAndKeepEveryField(String backend) throws Exception {
        OperatorSubtaskState pojoSnapshot;
        try (var h = harness(PeriodStateSerializerTest.POJO_TYPE, backend, null)) {
            for (int seed = 0; seed < PERIODS; seed++) {
                h.processElement("k" + seed % KEYS + ",put," + seed, seed);
            }
            pojoSnapshot = h.snapshot(1L, 10L);
        }

        List<String> expected = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            for (int seed = k; seed < PERIODS; seed += KEYS) {
                expected.add(Periods.describe(seed, PeriodStateSerializerTest.anyPeriod(new Random(seed))));
            }
        }
        OperatorSubtaskState compactSnapshot;
        try (var h = harness(TypeInformation.of(PeriodState.class), backend, pojoSnapshot)) {
            for (int k = 0; k < KEYS; k++) {
                h.processElement("k" + k + ",*", 11L);
            }
            assertThat(h.extractOutputValues()).containsExactlyElementsOf(expected);
            h.processElement("k0,late,0", 12L);
            compactSnapshot = h.snapshot(2L, 20L);
        }

        PeriodState changed = PeriodStateSerializerTest.anyPeriod(new Random(0));
        changed.lateRecords++;
        expected.set(0, Periods.describe(0, changed));
        try (var h = harness(TypeInformation.of(PeriodState.class), backend, compactSnapshot)) {
            for (int k = 0; k < KEYS; k++) {
                h.processElement("k" + k + ",*", 21L);
            }
            assertThat(h.extractOutputValues()).containsExactlyElementsOf(expected);
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, String, String> harness(
            TypeInformation<PeriodState> periodType, String backend, OperatorSubtaskState restore) throws Exception {
        return MigrationHarness.open(new Periods(periodType), backend, restore);
    }

    /**
     * "key,put,seed" stores the period {@code anyPeriod(seed)} under the seed; "key,late,seed" counts one
     * more late record in it; "key,*" emits every period of the key in seed order, each as every field's
     * bytes in the POJO layout.
     */
    private static final class Periods extends KeyedProcessFunction<String, String, String> {
        private final TypeInformation<PeriodState> periodType;
        private transient MapState<Long, PeriodState> periods;

        Periods(TypeInformation<PeriodState> periodType) {
            this.periodType = periodType;
        }

        @Override
        public void open(OpenContext openContext) {
            periods = getRuntimeContext().getMapState(new MapStateDescriptor<>("periods", Types.LONG, periodType));
        }

        @Override
        public void processElement(String value, Context ctx, Collector<String> out) throws Exception {
            String[] f = value.split(",");
            if (f[1].equals("*")) {
                List<Map.Entry<Long, PeriodState>> all = new ArrayList<>();
                periods.entries().forEach(all::add);
                all.sort(Map.Entry.comparingByKey());
                for (Map.Entry<Long, PeriodState> e : all) {
                    out.collect(describe(e.getKey(), e.getValue()));
                }
                return;
            }
            long seed = Long.parseLong(f[2]);
            if (f[1].equals("put")) {
                periods.put(seed, PeriodStateSerializerTest.anyPeriod(new Random(seed)));
            } else {
                PeriodState p = periods.get(seed);
                p.lateRecords++;
                periods.put(seed, p);
            }
        }

        static String describe(long seed, PeriodState p) throws java.io.IOException {
            byte[] fields = CompactSerializers.bytes(PeriodStateSerializerTest.POJO, p);
            return seed + " " + Base64.getEncoder().encodeToString(fields);
        }
    }
}
