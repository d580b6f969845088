package io.reckon.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * An upgrade on a real keyed state backend: hourly buckets written by the POJO serializer (the layout
 * of savepoints taken before the compact serializer) are restored under {@code
 * TypeInformation.of(HourBucket.class)}, migrated by the backend, updated, snapshotted again and
 * restored once more, with every value and scale intact.
 */
class HourBucketStateMigrationTest {

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void bucketsSavedAsPojosRestoreMigrateAndKeepTheirExactValues(String backend) throws Exception {
        OperatorSubtaskState pojoSnapshot;
        try (var h = harness(CompactSerializers.formerPojo(HourBucket.class), backend, null)) {
            h.processElement("k1,0,u,12.5", 1L);
            h.processElement("k1,0,u,0.250000000", 2L);
            h.processElement("k1,0,r,12.5", 3L);
            h.processElement("k1,1,u,-3", 4L);
            h.processElement("k2,7,r,92233720368547758080.123456789", 5L);
            pojoSnapshot = h.snapshot(1L, 10L);
        }

        OperatorSubtaskState compactSnapshot;
        try (var h = harness(TypeInformation.of(HourBucket.class), backend, pojoSnapshot)) {
            h.processElement("k1,*", 11L);
            h.processElement("k2,*", 12L);
            h.processElement("k1,0,r,0.75", 13L);
            assertThat(h.extractOutputValues())
                    .containsExactly(
                            "0 usage=12.750000000/2/12.5 reported=12.5/1/12.5",
                            "1 usage=-3/1/0 reported=0/0/0",
                            "7 usage=0/0/0 reported=92233720368547758080.123456789/1/92233720368547758080.123456789",
                            "0 usage=12.750000000/2/12.5 reported=13.25/2/12.5");
            compactSnapshot = h.snapshot(2L, 20L);
        }

        try (var h = harness(TypeInformation.of(HourBucket.class), backend, compactSnapshot)) {
            h.processElement("k1,*", 21L);
            assertThat(h.extractOutputValues())
                    .containsExactly(
                            "0 usage=12.750000000/2/12.5 reported=13.25/2/12.5", "1 usage=-3/1/0 reported=0/0/0");
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, String, String> harness(
            TypeInformation<HourBucket> bucketType, String backend, OperatorSubtaskState restore) throws Exception {
        return MigrationHarness.open(new Hours(bucketType), backend, restore);
    }

    /**
     * Records "key,hour,u|r,quantity" into the hour's bucket and emits it; "key,*" emits every bucket of
     * the key in hour order.
     */
    private static final class Hours extends KeyedProcessFunction<String, String, String> {
        private final TypeInformation<HourBucket> bucketType;
        private transient MapState<Long, HourBucket> hours;

        Hours(TypeInformation<HourBucket> bucketType) {
            this.bucketType = bucketType;
        }

        @Override
        public void open(OpenContext openContext) {
            hours = getRuntimeContext().getMapState(new MapStateDescriptor<>("hours", Types.LONG, bucketType));
        }

        @Override
        public void processElement(String value, Context ctx, Collector<String> out) throws Exception {
            String[] f = value.split(",");
            if (f[1].equals("*")) {
                List<Map.Entry<Long, HourBucket>> all = new ArrayList<>();
                hours.entries().forEach(all::add);
                all.sort(Map.Entry.comparingByKey());
                all.forEach(e -> out.collect(describe(e.getKey(), e.getValue())));
                return;
            }
            long hour = Long.parseLong(f[1]);
            HourBucket b = hours.get(hour);
            if (b == null) {
                b = new HourBucket();
            }
            (f[2].equals("u") ? b.usage : b.reported).add(new BigDecimal(f[3]));
            hours.put(hour, b);
            out.collect(describe(hour, b));
        }

        private static String describe(long hour, HourBucket b) {
            return hour + " usage=" + describe(b.usage) + " reported=" + describe(b.reported);
        }

        private static String describe(Agg a) {
            return a.sum + "/" + a.count + "/" + a.max;
        }
    }
}
