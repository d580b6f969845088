package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.CompactSerializers.agg;
import static io.reckon.jobs.reconcile.CompactSerializers.bytes;
import static io.reckon.jobs.reconcile.CompactSerializers.read;
import static io.reckon.jobs.reconcile.CompactSerializers.same;
import static io.reckon.jobs.reconcile.CompactSerializers.summaries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reckon.jobs.records.CompactTypeInfo;
import io.reckon.pricing.Aggregation;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link AggSerializer}: Flink's serializer contract ({@link SerializerTestBase}: copies, reuse,
 * sequences, snapshots, duplicates) on edge cases, exact round trips of any decimal, and its sizes.
 */
class AggSerializerTest extends SerializerTestBase<Agg> {

    AggSerializerTest() {
        super(CompactSerializers.checker());
    }

    @Override
    protected TypeSerializer<Agg> createSerializer() {
        return new AggSerializer();
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<Agg> getTypeClass() {
        return Agg.class;
    }

    @Override
    protected Agg[] getTestData() {
        return edgeCases().toArray(new Agg[0]);
    }

    static List<Agg> edgeCases() {
        List<Agg> cases = new ArrayList<>();
        cases.add(new Agg());
        cases.add(agg(1, "12.5", "12.5"));
        for (int scale : new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12}) {
            cases.add(agg(7, BigDecimal.valueOf(123_456_789L, scale), BigDecimal.valueOf(99_999L, scale)));
            cases.add(agg(2, BigDecimal.valueOf(0L, scale), BigDecimal.valueOf(0L, scale)));
        }
        cases.add(agg(3, "-5.25", "-0.5"));
        cases.add(agg(3, "-5.250000000", "0"));
        cases.add(agg(2, "1.50", "2"));
        cases.add(agg(0, "4.2", "4.2"));
        cases.add(agg(3, "0", "0"));
        cases.add(agg(3, "0E-9", "0"));
        cases.add(agg(1, BigDecimal.valueOf(Long.MAX_VALUE, 9), BigDecimal.valueOf(Long.MIN_VALUE, 9)));
        BigInteger twoTo63 = BigInteger.ONE.shiftLeft(63);
        cases.add(agg(
                2, new BigDecimal(twoTo63, 9), new BigDecimal(twoTo63.negate().subtract(BigInteger.ONE), 9)));
        cases.add(agg(5, "92233720368547758080.123456789", "-92233720368547758080123456789123456789.5"));
        cases.add(agg(Long.MAX_VALUE, "1E+40", "1E-40"));
        cases.add(agg(-1, "1", "1"));
        cases.add(agg(Long.MIN_VALUE, "0", "1"));
        cases.add(agg(1, BigDecimal.valueOf(5, 15), BigDecimal.valueOf(5, 15)));
        cases.add(agg(1, BigDecimal.valueOf(5, -3), BigDecimal.valueOf(5, -3)));
        cases.add(agg(1, BigDecimal.valueOf(5, Integer.MAX_VALUE), BigDecimal.valueOf(-5, Integer.MIN_VALUE)));
        cases.add(agg(1, BigDecimal.valueOf(0, Integer.MIN_VALUE), BigDecimal.valueOf(0, Integer.MAX_VALUE)));
        cases.add(agg(1, null, new BigDecimal("3.1")));
        cases.add(agg(1, new BigDecimal("3.1"), null));
        cases.add(agg(0, (BigDecimal) null, null));
        // Reported summaries: the count aggregate is not the count, in each form of the figures.
        cases.add(summaries(1, "40", "40", "39"));
        cases.add(summaries(2, "0", "0", "-2"));
        cases.add(summaries(3, "12.000000000", "7.000000000", "9.000000000"));
        cases.add(summaries(1, "2.5", "2.5", "1.5"));
        cases.add(summaries(1, "92233720368547758080", "92233720368547758080", "92233720368547758079"));
        cases.add(summaries(1, "1E+40", "1E+40", "1E+40"));
        return cases;
    }

    @Test
    void everyEdgeCaseRoundTripsWithItsScale() throws Exception {
        AggSerializer s = AggSerializer.INSTANCE;
        for (Agg a : edgeCases()) {
            Agg back = read(s, bytes(s, a), null);
            assertThat(same(back, a))
                    .as("round trip of %s/%s/%s", a.sum, a.count, a.max)
                    .isTrue();
            if (a.sum != null) {
                assertThat(back.sum.toString()).isEqualTo(a.sum.toString());
            }
            Agg reused = read(s, bytes(s, a), agg(99, "1.23", "4.56"));
            assertThat(same(reused, a)).isTrue();
        }
    }

    @Test
    void aNullAggregateRoundTripsAsOneByte() throws Exception {
        byte[] b = bytes(AggSerializer.INSTANCE, null);
        assertThat(b).hasSize(1);
        assertThat(read(AggSerializer.INSTANCE, b, null)).isNull();
    }

    @Test
    void randomAggregatesOfAnyMagnitudeAndScaleRoundTripExactly() throws Exception {
        Random random = new Random(20_261_121L);
        AggSerializer s = AggSerializer.INSTANCE;
        Agg reuse = new Agg();
        for (int i = 0; i < 20_000; i++) {
            Agg a = agg(randomCount(random), randomDecimal(random), randomDecimal(random));
            if (random.nextInt(4) == 0) {
                a.countExcess = randomDecimal(random);
            }
            byte[] b = bytes(s, a);
            assertThat(same(read(s, b, null), a))
                    .as("value %d: %s/%s/%s", i, a.sum, a.count, a.max)
                    .isTrue();
            assertThat(same(read(s, b, reuse), a)).isTrue();
            assertThat(same(s.copy(a), a)).isTrue();
        }
    }

    static long randomCount(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> random.nextInt(1_000);
            case 2 -> random.nextLong() & Long.MAX_VALUE;
            default -> random.nextLong();
        };
    }

    static BigDecimal randomDecimal(Random random) {
        int scale =
                switch (random.nextInt(5)) {
                    case 0 -> 9;
                    case 1 -> random.nextInt(15);
                    case 2 -> random.nextInt(41) - 20;
                    case 3 -> 0;
                    default -> random.nextInt();
                };
        BigInteger unscaled =
                switch (random.nextInt(7)) {
                    case 0 -> BigInteger.ZERO;
                    case 1 -> BigInteger.valueOf(random.nextInt(10_000) - 5_000);
                    case 2 -> BigInteger.valueOf(random.nextLong());
                    case 3 -> BigInteger.valueOf(random.nextLong() >> random.nextInt(64));
                    case 4 -> new BigInteger(64 + random.nextInt(200), random);
                    case 5 -> new BigInteger(64 + random.nextInt(200), random).negate();
                    // Values ending in zeros, as quantities decoded at the Avro scale of 9 do.
                    default ->
                        BigInteger.valueOf(random.nextLong() >> random.nextInt(64))
                                .divide(BigInteger.TEN.pow(random.nextInt(19)))
                                .multiply(BigInteger.TEN.pow(random.nextInt(19)));
                };
        return new BigDecimal(unscaled, scale);
    }

    @Test
    void theEmptyAggregateIsOneByte() throws Exception {
        assertThat(bytes(AggSerializer.INSTANCE, new Agg())).containsExactly(0);
    }

    @Test
    void oneRecordOfTwelveAndAHalfIsSixBytes() throws Exception {
        Agg a = new Agg();
        a.add(new BigDecimal("12.5"));
        // Tag, count 1, then 125 twice as a two-byte zig-zag varint.
        assertThat(bytes(AggSerializer.INSTANCE, a)).hasSize(6);
    }

    @Test
    void threeRecordsAtScaleNineTakeFourteenBytesAgainstThirtyNineAsAPojo() throws Exception {
        Agg a = new Agg();
        for (long unscaled : new long[] {37_400_000_001L, 37_400_001_000L, 37_400_002_000L}) {
            a.add(BigDecimal.valueOf(unscaled, 9));
        }
        int compact = bytes(AggSerializer.INSTANCE, a).length;
        int pojo = bytes(CompactSerializers.formerPojoSerializer(Agg.class), a).length;
        System.err.println("Agg of three records at scale 9: " + compact + " bytes, " + pojo + " as a POJO");
        assertThat(compact).isEqualTo(14);
        assertThat(pojo).isGreaterThan(2 * compact);
    }

    @Test
    void threeRecordsOfTenthsAtScaleNineTakeSevenBytesShifted() throws Exception {
        Agg a = new Agg();
        for (String q : new String[] {"37.400000000", "12.100000000", "60.700000000"}) {
            a.add(new BigDecimal(q));
        }
        byte[] b = bytes(AggSerializer.INSTANCE, a);
        // Tag, scale 9 and 8 zeros, count 3, then 1102 and 607 as two-byte zig-zag varints.
        assertThat(b).hasSize(7);
        assertThat(b[0] & 0xFF).isEqualTo(AggSerializer.SHIFTED_TAG);
        assertThat(b[1] & 0xFF).isEqualTo(9 | 8 << 4);
        Agg back = read(AggSerializer.INSTANCE, b, null);
        assertThat(back.sum.toString()).isEqualTo("110.200000000");
        assertThat(back.max.toString()).isEqualTo("60.700000000");
        assertThat(back.count).isEqualTo(3);
    }

    /**
     * The shifted form is taken only where it is shorter: no aggregate whose sum and max are longs at
     * one compact scale takes more than the tag, the count and the two unscaled values as varints.
     */
    @Test
    void noAggregateOfLongsAtOneScaleTakesMoreThanItsUnscaledValues() throws Exception {
        Random random = new Random(20_261_205L);
        int shifted = 0;
        for (int i = 0; i < 20_000; i++) {
            int scale = random.nextInt(AggSerializer.MAX_COMPACT_SCALE + 1);
            long s = randomLongEndingInZeros(random);
            long m = randomLongEndingInZeros(random);
            long count = random.nextInt(5_000);
            Agg a = agg(count, BigDecimal.valueOf(s, scale), BigDecimal.valueOf(m, scale));
            byte[] b = bytes(AggSerializer.INSTANCE, a);
            int bound = 1 + varintLength(count) + zigZagLength(s) + zigZagLength(m);
            assertThat(b.length).as("%s / %s", a.sum, a.max).isLessThanOrEqualTo(bound);
            assertThat(same(read(AggSerializer.INSTANCE, b, null), a)).isTrue();
            if ((b[0] & 0xFF) == AggSerializer.SHIFTED_TAG) {
                assertThat(b.length).isLessThan(bound);
                shifted++;
            }
        }
        assertThat(shifted).isGreaterThan(5_000);
    }

    private static long randomLongEndingInZeros(Random random) {
        long v;
        do {
            long zeros = (long) Math.pow(10, random.nextInt(19));
            v = (random.nextLong() >> random.nextInt(64)) / zeros * zeros;
        } while (v == 0);
        return v;
    }

    private static int varintLength(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    private static int zigZagLength(long x) {
        return varintLength((x << 1) ^ (x >> 63));
    }

    @Test
    void aShiftedFormThatOverflowsALongOrShiftsNothingIsCorrupt() throws Exception {
        // Scale 0, 15 zeros, count 1, sum 10^6 (times 10^15 is past a long), max 1.
        byte[] overflow = {(byte) AggSerializer.SHIFTED_TAG, (byte) (15 << 4), 1, (byte) 0x80, (byte) 0x89, 0x7A, 2};
        assertThatThrownBy(() -> read(AggSerializer.INSTANCE, overflow, null))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no long");
        byte[] noShift = {(byte) AggSerializer.SHIFTED_TAG, 9, 1, 2, 2};
        assertThatThrownBy(() -> read(AggSerializer.INSTANCE, noShift, null)).isInstanceOf(IOException.class);
        byte[] sameAsUsage = {(byte) AggSerializer.SAME_AS_USAGE_TAG};
        assertThatThrownBy(() -> read(AggSerializer.INSTANCE, sameAsUsage, null))
                .isInstanceOf(IOException.class);
    }

    @Test
    void aCountExcessCostsItsTagAndItsDecimalAndAReusedAggregateLosesItsOwn() throws Exception {
        Agg plain = agg(1, "40", "40");
        Agg summary = summaries(1, "40", "40", "39");
        byte[] b = bytes(AggSerializer.INSTANCE, summary);
        assertThat(b[0] & 0xFF).isEqualTo(AggSerializer.COUNT_EXCESS_TAG);
        assertThat(b.length).isLessThanOrEqualTo(bytes(AggSerializer.INSTANCE, plain).length + 4);
        assertThat(read(AggSerializer.INSTANCE, b, null).value(Aggregation.COUNT))
                .isEqualByComparingTo("40");
        // An aggregate read into one that had an excess has none unless the bytes say so.
        Agg reused = read(AggSerializer.INSTANCE, bytes(AggSerializer.INSTANCE, plain), summaries(5, "1", "1", "7"));
        assertThat(reused.countExcess).isZero();
        assertThat(reused.value(Aggregation.COUNT)).isEqualByComparingTo("1");
    }

    @Property(tries = 2000)
    void anyBytesAfterTheTagOfACountExcessGiveAnAggregateOrAnIoException(@ForAll byte[] rest) {
        byte[] bytes = new byte[rest.length + 1];
        bytes[0] = (byte) AggSerializer.COUNT_EXCESS_TAG;
        System.arraycopy(rest, 0, bytes, 1, rest.length);
        CompactSerializers.readsOrIsCorrupt(AggSerializer.INSTANCE, bytes);
    }

    @Test
    void aCountExcessOfNothingOrOfAnotherExcessIsCorrupt() {
        byte[] ofNull = {(byte) AggSerializer.COUNT_EXCESS_TAG, (byte) AggSerializer.NULL_AGG_TAG};
        assertThatThrownBy(() -> read(AggSerializer.INSTANCE, ofNull, null))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("after a count excess");
        byte[] twice = {(byte) AggSerializer.COUNT_EXCESS_TAG, (byte) AggSerializer.COUNT_EXCESS_TAG};
        assertThatThrownBy(() -> read(AggSerializer.INSTANCE, twice, null)).isInstanceOf(IOException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 9, 14})
    void aSumAndMaxSharingAScaleUpToFourteenNeedNoScaleBytes(int scale) throws Exception {
        Agg a = agg(1, BigDecimal.valueOf(3, scale), BigDecimal.valueOf(3, scale));
        // Tag, count, sum, max: one byte each.
        assertThat(bytes(AggSerializer.INSTANCE, a)).hasSize(4);
    }

    @Test
    void copiesAreIndependentAndKeepTheScale() {
        Agg a = agg(2, "1.500", "-0.250");
        Agg copy = AggSerializer.INSTANCE.copy(a);
        assertThat(copy).isNotSameAs(a);
        copy.add(new BigDecimal("10"));
        assertThat(a.count).isEqualTo(2);
        assertThat(a.sum).isEqualTo(new BigDecimal("1.500"));
        // Agg.copy() re-adds into zeros; the serializer's copy must keep a negative max as it is.
        assertThat(AggSerializer.INSTANCE.copy(a).max).isEqualTo(new BigDecimal("-0.250"));
    }

    @Test
    void typeExtractionUsesTheCompactSerializerEvenWithGenericTypesDisabled() {
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        TypeInformation<Agg> info = TypeInformation.of(Agg.class);
        assertThat(info).isInstanceOf(CompactTypeInfo.class).isEqualTo(TypeInformation.of(Agg.class));
        assertThat(info.createSerializer(config)).isInstanceOf(AggSerializer.class);
        assertThat(AggSerializer.INSTANCE.isImmutableType()).isFalse();
    }
}
