package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.CompactSerializers.agg;
import static io.reckon.jobs.reconcile.CompactSerializers.bucket;
import static io.reckon.jobs.reconcile.CompactSerializers.bytes;
import static io.reckon.jobs.reconcile.CompactSerializers.formerPojoSerializer;
import static io.reckon.jobs.reconcile.CompactSerializers.read;
import static io.reckon.jobs.reconcile.CompactSerializers.roundTrip;
import static io.reckon.jobs.reconcile.CompactSerializers.same;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reckon.jobs.records.DecimalCodec;
import io.reckon.pricing.Aggregation;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@link HourBucketSerializer}: Flink's serializer contract, exact round trips, sizes, and the
 * upgrade from savepoints whose buckets and periods were written by the POJO serializer.
 */
class HourBucketSerializerTest extends SerializerTestBase<HourBucket> {

    HourBucketSerializerTest() {
        super(CompactSerializers.checker());
    }

    @Override
    protected TypeSerializer<HourBucket> createSerializer() {
        return new HourBucketSerializer();
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<HourBucket> getTypeClass() {
        return HourBucket.class;
    }

    @Override
    protected HourBucket[] getTestData() {
        List<Agg> aggs = AggSerializerTest.edgeCases();
        List<HourBucket> buckets = new ArrayList<>();
        buckets.add(new HourBucket());
        buckets.add(usageOnly("12.5"));
        for (int i = 0; i < aggs.size(); i++) {
            buckets.add(bucket(aggs.get(i), aggs.get(aggs.size() - 1 - i)));
        }
        buckets.add(bucket(null, agg(1, "2", "2")));
        buckets.add(bucket(agg(1, "2", "2"), null));
        return buckets.toArray(new HourBucket[0]);
    }

    private static HourBucket usageOnly(String quantity) {
        HourBucket b = new HourBucket();
        b.usage.add(new BigDecimal(quantity));
        return b;
    }

    /** Three records on each side at scale 9, as in the benchmark's state footprint. */
    private static HourBucket fullHour() {
        HourBucket b = new HourBucket();
        for (int r = 0; r < 3; r++) {
            b.usage.add(BigDecimal.valueOf(37_400_000_000L + r, 9));
            b.reported.add(BigDecimal.valueOf(37_400_000_000L + r, 9));
        }
        return b;
    }

    @Test
    void randomBucketsRoundTripExactly() throws Exception {
        Random random = new Random(7_441L);
        HourBucketSerializer s = HourBucketSerializer.INSTANCE;
        HourBucket reuse = new HourBucket();
        for (int i = 0; i < 10_000; i++) {
            Agg usage = randomAgg(random);
            // A quarter reported as measured: the one-byte form, with either scale of an equal value.
            Agg reported = random.nextInt(4) > 0 || usage.sum == null
                    ? randomAgg(random)
                    : agg(
                            usage.count,
                            random.nextBoolean() || usage.sum.scale() > 100
                                    ? usage.sum
                                    : usage.sum.setScale(usage.sum.scale() + 1),
                            usage.max);
            HourBucket b = bucket(usage, reported);
            byte[] bytes = bytes(s, b);
            assertThat(same(read(s, bytes, null), b)).as("bucket %d", i).isTrue();
            assertThat(same(read(s, bytes, reuse), b)).isTrue();
        }
    }

    private static Agg randomAgg(Random random) {
        if (random.nextInt(4) == 0) {
            return new Agg();
        }
        return agg(
                AggSerializerTest.randomCount(random),
                AggSerializerTest.randomDecimal(random),
                AggSerializerTest.randomDecimal(random));
    }

    @Test
    void anEmptyBucketIsTwoBytesAndANullOne() throws Exception {
        assertThat(bytes(HourBucketSerializer.INSTANCE, new HourBucket())).containsExactly(0, 0);
        byte[] nullBucket = bytes(HourBucketSerializer.INSTANCE, null);
        assertThat(nullBucket).hasSize(1);
        assertThat(read(HourBucketSerializer.INSTANCE, nullBucket, null)).isNull();
    }

    @Test
    void oneUsageRecordOfTwelveAndAHalfWithNothingReportedIsSevenBytes() throws Exception {
        HourBucket b = usageOnly("12.5");
        int compact = bytes(HourBucketSerializer.INSTANCE, b).length;
        int pojo = bytes(formerPojoSerializer(HourBucket.class), b).length;
        System.err.println("HourBucket 12.5/nothing: " + compact + " bytes, " + pojo + " as a POJO");
        assertThat(compact).isEqualTo(7);
        assertThat(pojo).isGreaterThan(5 * compact);
    }

    @Test
    void oneUsageRecordAtTheAvroScaleOfNineIsEightBytes() throws Exception {
        // The usage shifted (tag, scale and zeros, count, 125 twice), then the empty reported byte.
        HourBucket b = usageOnly("12.500000000");
        assertThat(bytes(HourBucketSerializer.INSTANCE, b)).hasSize(8);
    }

    @Test
    void aFullHourReportedAsMeasuredIsItsUsageAndOneByte() throws Exception {
        HourBucket b = fullHour();
        byte[] bytes = bytes(HourBucketSerializer.INSTANCE, b);
        int pojo = bytes(formerPojoSerializer(HourBucket.class), b).length;
        System.err.println("HourBucket 3+3 records at scale 9: " + bytes.length + " bytes, " + pojo + " as a POJO");
        assertThat(bytes).hasSize(14 + 1);
        assertThat(bytes[14] & 0xFF).isEqualTo(AggSerializer.SAME_AS_USAGE_TAG);
        assertThat(pojo).isGreaterThan(5 * bytes.length);

        HourBucket back = read(HourBucketSerializer.INSTANCE, bytes, null);
        assertThat(same(back, b)).isTrue();
        assertThat(back.reported).isNotSameAs(back.usage);
        back.reported.add(BigDecimal.ONE);
        assertThat(same(back.usage, b.usage)).isTrue();
    }

    @Test
    void anHourOfTenthsAtScaleNineIsSevenBytesASideAndEightReportedAsMeasured() throws Exception {
        HourBucket b = new HourBucket();
        for (String q : new String[] {"37.400000000", "12.100000000", "60.700000000"}) {
            b.usage.add(new BigDecimal(q));
            b.reported.add(new BigDecimal(q));
        }
        assertThat(bytes(HourBucketSerializer.INSTANCE, b)).hasSize(7 + 1);
        b.reported = new Agg();
        for (String q : new String[] {"37.400000000", "12.100000000", "30.350000000"}) {
            b.reported.add(new BigDecimal(q));
        }
        assertThat(bytes(HourBucketSerializer.INSTANCE, b)).hasSize(7 + 7);
    }

    /** State written before the shifted and reported-as-measured forms reads back as it was written. */
    @Test
    void anHourInTheEarlierCompactFormStillReads() throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(32);
        // Usage: scale 9, a long sum and a long max at that scale; count 3.
        out.writeByte(9 | DecimalCodec.LONG << 4 | DecimalCodec.LONG << 6);
        DecimalCodec.writeUnsigned(out, 3);
        DecimalCodec.writeZigZag(out, 110_200_000_000L);
        DecimalCodec.writeZigZag(out, 60_700_000_000L);
        // Reported: the same aggregate written again in full.
        out.write(out.getCopyOfBuffer());
        HourBucket b = read(HourBucketSerializer.INSTANCE, out.getCopyOfBuffer(), null);
        assertThat(b.usage.sum.toString()).isEqualTo("110.200000000");
        assertThat(b.usage.max.toString()).isEqualTo("60.700000000");
        assertThat(b.usage.count).isEqualTo(3);
        assertThat(same(b.reported, b.usage)).isTrue();
        assertThat(bytes(HourBucketSerializer.INSTANCE, b)).hasSize(7 + 1);
    }

    @Test
    void summariesWhoseCountIsNotTheirRecordsAreNotReportedAsMeasured() throws Exception {
        // Three events of 1, 2 and 1 measured; one summary of 4 reported for them: as a count, 3 against 4.
        HourBucket b = bucket(agg(3, "4", "2"), CompactSerializers.summaries(1, "4", "4", "3"));
        HourBucket back = read(HourBucketSerializer.INSTANCE, bytes(HourBucketSerializer.INSTANCE, b), null);
        assertThat(same(back, b)).isTrue();
        // Figures equal to the usage's but for the count: written in full, not as "reported as measured".
        HourBucket alike = bucket(agg(1, "4", "4"), CompactSerializers.summaries(1, "4", "4", "3"));
        HourBucket alikeBack = read(HourBucketSerializer.INSTANCE, bytes(HourBucketSerializer.INSTANCE, alike), null);
        assertThat(same(alikeBack, alike)).isTrue();
        assertThat(alikeBack.reported.value(Aggregation.COUNT)).isEqualByComparingTo("4");
    }

    @Test
    void anEqualValueOfAnotherScaleIsNotReportedAsMeasured() throws Exception {
        HourBucket b = bucket(agg(1, "37.4", "37.4"), agg(1, "37.400000000", "37.400000000"));
        HourBucket back = read(HourBucketSerializer.INSTANCE, bytes(HourBucketSerializer.INSTANCE, b), null);
        assertThat(back.reported.sum.toString()).isEqualTo("37.400000000");
        assertThat(back.usage.sum.toString()).isEqualTo("37.4");
    }

    @Test
    void reportedAsMeasuredWithoutUsageOrInPlaceOfTheUsageIsCorrupt() {
        byte[] nullUsage = {(byte) AggSerializer.NULL_AGG_TAG, (byte) AggSerializer.SAME_AS_USAGE_TAG};
        assertThatThrownBy(() -> read(HourBucketSerializer.INSTANCE, nullUsage, null))
                .isInstanceOf(IOException.class);
        byte[] first = {(byte) AggSerializer.SAME_AS_USAGE_TAG, 0};
        assertThatThrownBy(() -> read(HourBucketSerializer.INSTANCE, first, null))
                .isInstanceOf(IOException.class);
    }

    @Test
    void copiesShareNoAggregateWithTheOriginal() {
        HourBucket b = fullHour();
        HourBucket copy = HourBucketSerializer.INSTANCE.copy(b);
        assertThat(copy.usage).isNotSameAs(b.usage);
        assertThat(copy.reported).isNotSameAs(b.reported);
        copy.usage.add(BigDecimal.TEN);
        copy.reported.add(BigDecimal.TEN);
        assertThat(same(b, fullHour())).isTrue();

        HourBucket reused = HourBucketSerializer.INSTANCE.copy(b, new HourBucket());
        reused.usage.add(BigDecimal.ONE);
        assertThat(same(b, fullHour())).isTrue();
        // Copying onto itself must not leave the bucket aliasing its own former aggregates either.
        HourBucket self = HourBucketSerializer.INSTANCE.copy(b, b);
        assertThat(same(self, fullHour())).isTrue();
    }

    @Test
    void theSnapshotIsWrittenReadAndRestoresTheSameSerializer() throws Exception {
        TypeSerializerSnapshot<HourBucket> restored = roundTrip(HourBucketSerializer.INSTANCE.snapshotConfiguration());
        assertThat(restored).isInstanceOf(HourBucketSerializer.HourBucketSerializerSnapshot.class);
        assertThat(restored.restoreSerializer()).isEqualTo(HourBucketSerializer.INSTANCE);
        assertThat(HourBucketSerializer.INSTANCE
                        .snapshotConfiguration()
                        .resolveSchemaCompatibility(restored)
                        .isCompatibleAsIs())
                .isTrue();
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void aSnapshotOfAnotherSerializerIsIncompatible() throws Exception {
        TypeSerializerSnapshot aggSnapshot = roundTrip(AggSerializer.INSTANCE.snapshotConfiguration());
        assertThat(HourBucketSerializer.INSTANCE
                        .snapshotConfiguration()
                        .resolveSchemaCompatibility(aggSnapshot)
                        .isIncompatible())
                .isTrue();
        // A POJO snapshot of another class is no migration source either.
        TypeSerializerSnapshot aggPojo =
                roundTrip(formerPojoSerializer(Agg.class).snapshotConfiguration());
        assertThat(aggPojo).isInstanceOf(PojoSerializerSnapshot.class);
        assertThat(HourBucketSerializer.INSTANCE
                        .snapshotConfiguration()
                        .resolveSchemaCompatibility(aggPojo)
                        .isIncompatible())
                .isTrue();
    }

    @Test
    void aBucketWrittenByTheFormerPojoSerializerMigratesToTheCompactOne() throws Exception {
        TypeSerializer<HourBucket> former = formerPojoSerializer(HourBucket.class);
        assertThat(former).isInstanceOf(PojoSerializer.class);
        HourBucket original = fullHour();
        byte[] old = bytes(former, original);
        TypeSerializerSnapshot<HourBucket> oldSnapshot = roundTrip(former.snapshotConfiguration());
        assertThat(oldSnapshot).isInstanceOf(PojoSerializerSnapshot.class);

        TypeSerializerSchemaCompatibility<HourBucket> compatibility =
                HourBucketSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(oldSnapshot);
        assertThat(compatibility.isCompatibleAfterMigration()).isTrue();

        // What a backend does on migration: read with the restored old serializer, write with the new.
        HourBucket migrated = read(oldSnapshot.restoreSerializer(), old, null);
        byte[] compact = bytes(HourBucketSerializer.INSTANCE, migrated);
        assertThat(same(read(HourBucketSerializer.INSTANCE, compact, null), original))
                .isTrue();
        assertThat(compact.length).isLessThan(old.length / 2);
    }
}
