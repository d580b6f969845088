package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.CompactSerializers.assertRestoresItselfAndIsTheTypesSerializer;
import static io.reckon.jobs.reconcile.CompactSerializers.bytes;
import static io.reckon.jobs.reconcile.CompactSerializers.formerPojoSerializer;
import static io.reckon.jobs.reconcile.CompactSerializers.migrated;
import static io.reckon.jobs.reconcile.CompactSerializers.read;
import static io.reckon.jobs.reconcile.CompactSerializers.readsOrIsCorrupt;
import static io.reckon.jobs.reconcile.CompactSerializers.withAByteChanged;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reckon.jobs.records.DecimalCodec;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Objects;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@link AnomalyStateSerializer}: any anomaly state reads back with every field, exactly; an open
 * anomaly of the benchmark's worst key takes a fraction of its POJO bytes; any bytes give a state or an
 * {@link IOException}; state written by the POJO serializer migrates.
 */
class AnomalyStateSerializerTest {

    private static final AnomalyStateSerializer SERIALIZER = AnomalyStateSerializer.INSTANCE;

    /** Every anomaly state before the compact serializer. */
    static final TypeSerializer<AnomalyState> POJO = formerPojoSerializer(AnomalyState.class);

    @Property(tries = 500)
    void anyAnomalyReadsBackWithEveryField(@ForAll long seed) throws IOException {
        AnomalyState a = anyAnomaly(new Random(seed));
        assertSameFields(read(SERIALIZER, bytes(SERIALIZER, a), null), a);
        assertSameFields(read(SERIALIZER, bytes(SERIALIZER, a), anyAnomaly(new Random(seed + 1))), a);
        assertSameFields(SERIALIZER.copy(a), a);
        assertSameFields(SERIALIZER.copy(a, anyAnomaly(new Random(seed + 2))), a);
    }

    @Test
    void theGeneratedAnomaliesSetEveryFieldSoThatTheRoundTripChecksThemAll() throws Exception {
        // A field added to AnomalyState and not to anyAnomaly would pass the round trip unwritten.
        AnomalyState fresh = new AnomalyState();
        for (Field f : AnomalyState.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) || Modifier.isTransient(f.getModifiers())) {
                continue;
            }
            boolean differs = false;
            for (long seed = 0; seed < 50 && !differs; seed++) {
                differs = !Objects.equals(f.get(anyAnomaly(new Random(seed))), f.get(fresh));
            }
            assertThat(differs).as("anyAnomaly sets %s", f.getName()).isTrue();
        }
    }

    @Test
    void anOpenAnomalyOfABusyKeyTakesAFractionOfItsPojoBytes() throws IOException {
        AnomalyState a = new AnomalyState();
        a.revision = 12;
        a.status = "updated";
        a.actualQuantity = new BigDecimal("83476.800000000");
        a.reportedQuantity = new BigDecimal("79301.150000000");
        a.expectedAmountMinor = 418_000;
        a.pricedReportedAmountMinor = 372_000;
        a.amountMinor = 46_000;
        a.currency = "usd";
        a.signalEnd = 1_769_904_000_000L;
        byte[] compact = bytes(SERIALIZER, a);
        assertSameFields(read(SERIALIZER, compact, null), a);
        // Layout, flags, revision, two decimals of 14 digits (8 bytes each), three amounts of 3 bytes, the
        // currency, no baseline, the end (6 bytes).
        assertThat(compact.length).isLessThanOrEqualTo(2 + 1 + 2 * 8 + 3 * 3 + 4 + 1 + 6);
        assertThat(compact.length).isLessThan(bytes(POJO, a).length / 2);
    }

    @Property(tries = 2000)
    void anyBytesReadAsAnAnomalyGiveAnAnomalyOrAnIoException(@ForAll byte[] bytes) {
        readsOrIsCorrupt(SERIALIZER, bytes);
    }

    @Property(tries = 300)
    void bytesOfAnAnomalyWithAByteChangedGiveAnAnomalyOrAnIoException(
            @ForAll long seed, @ForAll int position, @ForAll byte value) throws IOException {
        readsOrIsCorrupt(
                SERIALIZER, withAByteChanged(bytes(SERIALIZER, anyAnomaly(new Random(seed))), position, value));
    }

    @Test
    void aStringLongerThanTheLimitIsCorruptBeforeItIsAllocated() throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(16);
        out.writeByte(AnomalyStateSerializer.LAYOUT);
        out.writeByte(7 << 3); // a status other than the three, as a string
        DecimalCodec.writeUnsigned(out, Integer.MAX_VALUE);
        assertThatThrownBy(() -> SERIALIZER.deserialize(new DataInputDeserializer(out.getCopyOfBuffer())))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("string");
    }

    @Property(tries = 100)
    void anAnomalyWrittenByThePojoSerializerMigratesToTheCompactOne(@ForAll long seed) throws IOException {
        AnomalyState a = anyAnomaly(new Random(seed));
        assertSameFields(migrated(SERIALIZER, POJO, a), a);
    }

    @Test
    void theSnapshotRestoresTheSameSerializerAndTypeInformationGivesIt() throws IOException {
        assertRestoresItselfAndIsTheTypesSerializer(SERIALIZER, AnomalyState.class);
    }

    /** Any values in every field: nulls, any statuses and strings, decimals of any scale and size. */
    static AnomalyState anyAnomaly(Random r) {
        AnomalyState a = new AnomalyState();
        a.revision = r.nextInt(4) == 0 ? r.nextInt() : 1 + r.nextInt(100);
        a.status = switch (r.nextInt(6)) {
            case 0 -> null;
            case 1 -> "open";
            case 2 -> "updated";
            case 3 -> "resolved";
            case 4 -> "";
            default -> "st\u00e4tus-\ud83d\udcb6" + r.nextInt(100);
        };
        a.finalRevision = r.nextBoolean();
        a.actualQuantity = anyDecimal(r);
        a.reportedQuantity = anyDecimal(r);
        a.expectedAmountMinor = anyAmount(r);
        a.pricedReportedAmountMinor = anyAmount(r);
        a.billedAmountMinor = r.nextInt(3) == 0 ? null : anyAmount(r);
        a.amountMinor = anyAmount(r);
        a.currency = r.nextInt(5) == 0 ? null : r.nextBoolean() ? "usd" : "\u20ac" + r.nextInt(10);
        a.baseline = r.nextBoolean() ? null : anyDecimal(r);
        a.signalEnd = r.nextInt(4) == 0 ? r.nextLong() : 1_700_000_000_000L + r.nextInt(1_000_000) * 3_600_000L;
        return a;
    }

    private static BigDecimal anyDecimal(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> null;
            case 1 -> BigDecimal.ZERO.setScale(r.nextInt(20) - 5);
            case 2 -> new BigDecimal(new BigInteger(200, r).negate(), r.nextInt(60) - 20);
            default -> BigDecimal.valueOf(r.nextInt(10_000_000), 1).setScale(9);
        };
    }

    private static long anyAmount(Random r) {
        return r.nextInt(4) == 0 ? r.nextLong() : r.nextInt(10_000_000) - 1_000;
    }

    /** Every field written (compared through the POJO serializer's bytes: exact decimals and scales). */
    private static void assertSameFields(AnomalyState actual, AnomalyState expected) throws IOException {
        assertThat(bytes(POJO, actual)).isEqualTo(bytes(POJO, expected));
    }
}
