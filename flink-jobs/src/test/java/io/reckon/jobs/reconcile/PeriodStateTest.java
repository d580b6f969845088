package io.reckon.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.PojoField;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class PeriodStateTest {

    private static final long HOUR = 3_600_000L;
    private static final long START = 1_772_323_200_000L; // 2026-03-01T00:00Z
    private static final long END = START + 744 * HOUR;

    @Test
    void theBitsAgreeWithEveryHourMarkedInAnyOrderWheneverTheyAnswer() {
        Random random = new Random(42);
        int answered = 0;
        for (int run = 0; run < 200; run++) {
            PeriodState p = PeriodState.of(START, END, 1);
            Set<Long> usage = new HashSet<>();
            Set<Long> reports = new HashSet<>();
            long frontier = START;
            for (int i = 0; i < 400; i++) {
                // Mostly moving forward, sometimes late (far back), sometimes ahead (read ahead of the tick).
                long hour =
                        switch (random.nextInt(10)) {
                            case 0 -> START + random.nextInt(744) * HOUR;
                            case 1 -> Math.min(END - HOUR, frontier + random.nextInt(80) * HOUR);
                            default -> Math.max(START, frontier - random.nextInt(4) * HOUR);
                        };
                frontier = Math.min(END - HOUR, Math.max(frontier, hour) + (random.nextInt(3) == 0 ? HOUR : 0));
                boolean isUsage = random.nextBoolean();
                p.markHour(hour, isUsage);
                (isUsage ? usage : reports).add(hour);

                long from = START + random.nextInt(744) * HOUR;
                long to = Math.min(END, from + random.nextInt(70) * HOUR);
                for (boolean u : new boolean[] {true, false}) {
                    Long bits = p.hoursWith(u, from, to);
                    if (bits == null) {
                        continue;
                    }
                    answered++;
                    long expected = 0;
                    for (long h = from; h < to; h += HOUR) {
                        if ((u ? usage : reports).contains(h)) {
                            expected |= 1L << ((h - from) / HOUR);
                        }
                    }
                    assertThat(bits).as("hours %s to %s", from, to).isEqualTo(expected);
                }
            }
        }
        // The bits must answer most queries near the frontier, or they would save nothing.
        assertThat(answered).isGreaterThan(10_000);
    }

    @Test
    void theBitsDoNotAnswerOutsideThePeriodBeforeTheirWindowOrForAPeriodRestoredWithoutThem() {
        PeriodState p = PeriodState.of(START, END, 1);
        p.markHour(START + 100 * HOUR, false);
        assertThat(p.hoursWith(false, START + 99 * HOUR, START + 101 * HOUR)).isEqualTo(0b10L);
        assertThat(p.hoursWith(false, START, START + 10 * HOUR))
                .as("shifted out")
                .isNull();
        assertThat(p.hoursWith(false, START + 700 * HOUR, END + HOUR))
                .as("past the period")
                .isNull();
        assertThat(p.hoursWith(false, START - HOUR, START + HOUR))
                .as("before the period")
                .isNull();
        assertThat(p.hoursWith(true, START + 90 * HOUR, START + 90 * HOUR))
                .as("empty range")
                .isZero();

        PeriodState restored = new PeriodState(); // as read from a savepoint without the new fields
        restored.start = START;
        restored.end = END;
        restored.markHour(START + 5 * HOUR, true);
        assertThat(restored.hoursWith(true, START, START + 10 * HOUR)).isNull();
        assertThat(restored.mayHaveAnomaly(AnomalyType.UNDER_REPORTED_USAGE)).isTrue();
    }

    /**
     * A period written by the version before the recent-hours bits and the anomaly mask, restored the
     * way Flink restores it (the old snapshot's serializer reads the old bytes), must come back with
     * both "unknown", so the job reads buckets and anomalies instead of trusting empty bits.
     */
    @Test
    void aPeriodFromAnOlderSavepointRestoresWithItsBitsAndMaskUnknown() throws Exception {
        Set<String> added = Set.of("recentUsage", "recentReports", "recentBase", "trackedFrom", "periodAnomalies");
        List<PojoField> former = new ArrayList<>();
        for (Field f : PeriodState.class.getFields()) {
            if (!Modifier.isStatic(f.getModifiers()) && !added.contains(f.getName())) {
                former.add(new PojoField(f, TypeInformation.of(f.getType())));
            }
        }
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        TypeSerializer<PeriodState> old = new PojoTypeInfo<>(PeriodState.class, former).createSerializer(config);
        PeriodState written = PeriodState.of(START, END, 1);
        written.usage.add(new java.math.BigDecimal("12.5"));
        written.markHour(START, true);
        written.markAnomaly(AnomalyType.UNDER_REPORTED_USAGE);
        DataOutputSerializer bytes = new DataOutputSerializer(256);
        old.serialize(written, bytes);

        DataOutputSerializer snapshotBytes = new DataOutputSerializer(256);
        TypeSerializerSnapshot.writeVersionedSnapshot(snapshotBytes, old.snapshotConfiguration());
        TypeSerializerSnapshot<PeriodState> snapshot = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(snapshotBytes.getCopyOfBuffer()),
                getClass().getClassLoader());
        TypeSerializer<PeriodState> current =
                TypeInformation.of(PeriodState.class).createSerializer(config);
        TypeSerializerSchemaCompatibility<PeriodState> compatibility =
                current.snapshotConfiguration().resolveSchemaCompatibility(snapshot);
        assertThat(compatibility.isCompatibleAfterMigration()).isTrue();

        PeriodState restored =
                snapshot.restoreSerializer().deserialize(new DataInputDeserializer(bytes.getCopyOfBuffer()));
        assertThat(restored.usage.sum).isEqualByComparingTo("12.5");
        assertThat(restored.hoursWith(true, START, START + HOUR))
                .as("bits unknown")
                .isNull();
        assertThat(restored.mayHaveAnomaly(AnomalyType.OVERBILLED))
                .as("mask unknown")
                .isTrue();
        restored.markHour(START + HOUR, false);
        assertThat(restored.hoursWith(false, START, START + 2 * HOUR)).isNull();
    }

    @Test
    void aNewPeriodKnowsWhichAnomalyTypesItHasOpened() {
        PeriodState p = PeriodState.of(START, END, 1);
        assertThat(p.mayHaveAnomaly(AnomalyType.UNDER_REPORTED_USAGE)).isFalse();
        p.markAnomaly(AnomalyType.UNDER_REPORTED_USAGE);
        assertThat(p.mayHaveAnomaly(AnomalyType.UNDER_REPORTED_USAGE)).isTrue();
        assertThat(p.mayHaveAnomaly(AnomalyType.OVERBILLED)).isFalse();
    }
}
