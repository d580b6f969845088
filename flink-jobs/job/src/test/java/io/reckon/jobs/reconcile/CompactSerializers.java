package io.reckon.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshotSerializationUtil;
import org.apache.flink.api.java.typeutils.PojoField;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.testutils.DeeplyEqualsChecker;

/** Test helpers for the compact serializers: exact equality, byte round trips, the former POJO layout. */
final class CompactSerializers {

    private CompactSerializers() {}

    /** Scale-sensitive equality ({@link BigDecimal#equals}): output strings print the scale. */
    static boolean same(Agg a, Agg b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.count == b.count
                && Objects.equals(a.sum, b.sum)
                && Objects.equals(a.max, b.max)
                // An excess of zero at any scale is none: it is not written, and reads back as zero.
                && a.countExcess.compareTo(b.countExcess) == 0
                && (a.countExcess.signum() == 0 || a.countExcess.equals(b.countExcess));
    }

    static boolean same(HourBucket a, HourBucket b) {
        if (a == null || b == null) {
            return a == b;
        }
        return same(a.usage, b.usage) && same(a.reported, b.reported);
    }

    static DeeplyEqualsChecker checker() {
        return new DeeplyEqualsChecker()
                .withCustomCheck((a, b) -> a instanceof Agg && b instanceof Agg, (a, b, c) -> same((Agg) a, (Agg) b))
                .withCustomCheck(
                        (a, b) -> a instanceof HourBucket && b instanceof HourBucket,
                        (a, b, c) -> same((HourBucket) a, (HourBucket) b));
    }

    static Agg agg(long count, BigDecimal sum, BigDecimal max) {
        Agg a = new Agg();
        a.count = count;
        a.sum = sum;
        a.max = max;
        return a;
    }

    static Agg agg(long count, String sum, String max) {
        return agg(count, new BigDecimal(sum), new BigDecimal(max));
    }

    /** An aggregate of reported summaries whose count aggregate is {@code count + countExcess}. */
    static Agg summaries(long count, String sum, String max, String countExcess) {
        Agg a = agg(count, sum, max);
        a.countExcess = new BigDecimal(countExcess);
        return a;
    }

    static HourBucket bucket(Agg usage, Agg reported) {
        HourBucket b = new HourBucket();
        b.usage = usage;
        b.reported = reported;
        return b;
    }

    static <T> byte[] bytes(TypeSerializer<T> serializer, T value) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(32);
        serializer.serialize(value, out);
        return out.getCopyOfBuffer();
    }

    /** Deserializes and checks that exactly the written bytes were consumed. */
    static <T> T read(TypeSerializer<T> serializer, byte[] bytes, T reuse) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(bytes);
        T value = reuse == null ? serializer.deserialize(in) : serializer.deserialize(reuse, in);
        if (in.available() != 0) {
            throw new AssertionError(in.available() + " bytes left unread");
        }
        return value;
    }

    /**
     * The POJO type information these classes had before {@code @TypeInfo}: built field by field the
     * way the type extractor analyses a POJO (public fields, sorted by name in PojoTypeInfo), with
     * nested {@link Agg} and {@link HourBucket} fields again as POJOs, so the factories are bypassed.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static <T> PojoTypeInfo<T> formerPojo(Class<T> type) {
        List<PojoField> fields = new ArrayList<>();
        for (Field f : type.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) || Modifier.isTransient(f.getModifiers())) {
                continue;
            }
            TypeInformation<?> info = f.getType() == Agg.class || f.getType() == HourBucket.class
                    ? formerPojo(f.getType())
                    : TypeExtractor.createTypeInfo(f.getGenericType());
            fields.add(new PojoField(f, info));
        }
        return new PojoTypeInfo<>(type, fields);
    }

    static <T> TypeSerializer<T> formerPojoSerializer(Class<T> type) {
        return formerPojo(type).createSerializer(noGenericTypes());
    }

    /**
     * Reads {@code bytes} of any origin as a value: a value or an {@link IOException} (corrupt) are the
     * only outcomes allowed, any other exception fails the test.
     */
    static <T> void readsOrIsCorrupt(TypeSerializer<T> serializer, byte[] bytes) {
        try {
            serializer.deserialize(new DataInputDeserializer(bytes));
        } catch (IOException corrupt) {
            // refused: the outcome a corrupt value must have
        } catch (Exception e) {
            throw new AssertionError("a value read from any bytes fails only as corrupt", e);
        }
    }

    /** {@code bytes} with the byte at {@code position} (modulo their length) set to {@code value}. */
    static byte[] withAByteChanged(byte[] bytes, int position, byte value) {
        byte[] b = bytes.clone();
        b[Math.floorMod(position, b.length)] = value;
        return b;
    }

    /**
     * {@code value} as it is after an upgrade from state written by {@code former} (a POJO serializer):
     * the compact serializer's snapshot accepts the former one's as compatible after migration, and the
     * value is read with the former serializer restored from its snapshot (what a backend does on
     * migration), written with the compact one and read back.
     */
    static <T> T migrated(TypeSerializer<T> compact, TypeSerializer<T> former, T value) throws IOException {
        TypeSerializerSnapshot<T> oldSnapshot = roundTrip(former.snapshotConfiguration());
        assertThat(oldSnapshot).isInstanceOf(PojoSerializerSnapshot.class);
        assertThat(compact.snapshotConfiguration()
                        .resolveSchemaCompatibility(oldSnapshot)
                        .isCompatibleAfterMigration())
                .isTrue();
        T read = read(oldSnapshot.restoreSerializer(), bytes(former, value), null);
        return read(compact, bytes(compact, read), null);
    }

    /**
     * The serializer's snapshot restores the same serializer, compatible as it is, and the type
     * information of {@code type} gives that serializer.
     */
    static <T> void assertRestoresItselfAndIsTheTypesSerializer(TypeSerializer<T> serializer, Class<T> type)
            throws IOException {
        TypeSerializerSnapshot<T> restored = roundTrip(serializer.snapshotConfiguration());
        assertThat(restored.restoreSerializer()).isEqualTo(serializer);
        assertThat(serializer
                        .snapshotConfiguration()
                        .resolveSchemaCompatibility(restored)
                        .isCompatibleAsIs())
                .isTrue();
        assertThat(TypeInformation.of(type).createSerializer(noGenericTypes())).isSameAs(serializer);
    }

    /** The serializer configuration of the job: generic (Kryo) types refused. */
    static SerializerConfigImpl noGenericTypes() {
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        return config;
    }

    /** A serializer snapshot as a savepoint writes and reads it. */
    static <T> TypeSerializerSnapshot<T> roundTrip(TypeSerializerSnapshot<T> snapshot) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        TypeSerializerSnapshotSerializationUtil.writeSerializerSnapshot(out, snapshot);
        return TypeSerializerSnapshotSerializationUtil.readSerializerSnapshot(
                new DataInputDeserializer(out.getCopyOfBuffer()), CompactSerializers.class.getClassLoader());
    }
}
