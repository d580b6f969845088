package io.reckon.jobs.reconcile;

import static io.reckon.jobs.reconcile.CompactSerializers.agg;
import static io.reckon.jobs.reconcile.CompactSerializers.assertRestoresItselfAndIsTheTypesSerializer;
import static io.reckon.jobs.reconcile.CompactSerializers.bytes;
import static io.reckon.jobs.reconcile.CompactSerializers.formerPojoSerializer;
import static io.reckon.jobs.reconcile.CompactSerializers.migrated;
import static io.reckon.jobs.reconcile.CompactSerializers.noGenericTypes;
import static io.reckon.jobs.reconcile.CompactSerializers.read;
import static io.reckon.jobs.reconcile.CompactSerializers.readsOrIsCorrupt;
import static io.reckon.jobs.reconcile.CompactSerializers.withAByteChanged;
import static io.reckon.jobs.reconcile.ReconSettings.HOUR_MS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reckon.jobs.reconcile.checks.AnomalyType;
import io.reckon.jobs.reconcile.checks.HourBits;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoField;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.TypeExtractor;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class PeriodStateSerializerTest {

    private static final PeriodStateSerializer SERIALIZER = PeriodStateSerializer.INSTANCE;

    /** The type of every period before the compact serializer: a POJO whose aggregates were compact. */
    static final PojoTypeInfo<PeriodState> POJO_TYPE = pojoWithCompactAggregates();

    static final TypeSerializer<PeriodState> POJO = POJO_TYPE.createSerializer(noGenericTypes());

    @Property(tries = 500)
    void anyPeriodReadsBackWithEveryField(@ForAll long seed) throws IOException {
        PeriodState p = anyPeriod(new Random(seed));
        PeriodState back = read(SERIALIZER, bytes(SERIALIZER, p), null);
        assertSameFields(back, p);
        // Into a reused instance holding another period.
        PeriodState reused = read(SERIALIZER, bytes(SERIALIZER, p), anyPeriod(new Random(seed + 1)));
        assertSameFields(reused, p);
    }

    @Property(tries = 200)
    void aCopySharesNothingMutable(@ForAll long seed) throws IOException {
        PeriodState p = anyPeriod(new Random(seed));
        byte[] before = bytes(POJO, p);
        PeriodState copy = SERIALIZER.copy(p);
        assertSameFields(copy, p);
        for (Agg a : new Agg[] {copy.usage, copy.reportedSoFar}) {
            if (a != null) {
                a.add(BigDecimal.ONE);
            }
        }
        for (long[] bits : new long[][] {copy.usageHours, copy.spikeHours, copy.rejudgeHours}) {
            if (bits != null && bits.length > 0) {
                bits[0] = ~bits[0];
            }
        }
        if (copy.dayTotals != null && copy.dayTotals.length > 0) {
            copy.dayTotals[0] += 1;
        }
        if (copy.signalAnomalies != null && copy.signalAnomalies.length > 0) {
            copy.signalAnomalies[0]++;
        }
        assertThat(bytes(POJO, p)).isEqualTo(before);
    }

    @Test
    void theGeneratedPeriodsSetEveryFieldSoThatTheRoundTripChecksThemAll() throws Exception {
        // A field added to PeriodState and not to anyPeriod would pass the round trip unwritten.
        PeriodState fresh = new PeriodState();
        for (Field f : PeriodState.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) || Modifier.isTransient(f.getModifiers())) {
                continue;
            }
            boolean differs = false;
            for (long seed = 0; seed < 50 && !differs; seed++) {
                PeriodState p = anyPeriod(new Random(seed));
                differs = !java.util.Objects.deepEquals(f.get(p), f.get(fresh));
            }
            assertThat(differs).as("anyPeriod sets %s", f.getName()).isTrue();
        }
    }

    @Test
    void aClosedPeriodOfABusyKeyTakesAFractionOfItsPojoBytes() throws IOException {
        PeriodState p = PeriodState.of(1_767_225_600_000L, 1_767_225_600_000L + 31 * 24 * HOUR_MS);
        for (long h = p.start; h < p.end; h += HOUR_MS) {
            p.markHour(h, true, true);
            p.markHour(h, false, true);
        }
        p.usage = agg(2_232, "83476.800000000", "99.900000000");
        p.maturedUsage = agg(2_232, "83476.800000000", "99.900000000");
        p.reported = agg(2_232, "79301.150000000", "99.900000000");
        p.reportedSoFar = agg(2_232, "79301.150000000", "99.900000000");
        p.maturedBefore = p.end;
        p.reportedBefore = p.end;
        p.judgedBefore = p.end;
        p.finalized = true;
        p.dayTotals = new double[31];
        for (int d = 0; d < 31; d++) {
            p.dayTotals[d] = 2692.8 + d / 10.0;
        }
        p.daysKnown = 31;
        p.dayTotalsAggregation = 0;
        p.addSignal(AnomalyType.USAGE_SPIKE, p.start + 200 * HOUR_MS);

        byte[] compact = bytes(SERIALIZER, p);
        byte[] pojo = bytes(POJO, p);
        assertSameFields(read(SERIALIZER, compact, null), p);
        // 31 day totals of 8 bytes, four aggregates, a few bytes per bit set, instant and counter.
        assertThat(compact.length).isLessThan(31 * 8 + 4 * 12 + 64);
        assertThat(compact.length).isLessThan(pojo.length / 2);
    }

    @Test
    void bitSetsTakeTheShorterOfTheirWordsAndTheirRuns() throws IOException {
        long[] full = HourBits.create(744);
        for (int i = 0; i < 744; i++) {
            HourBits.set(full, i);
        }
        long[] noisy = new long[12];
        Random r = new Random(7);
        for (int i = 0; i < noisy.length; i++) {
            noisy[i] = r.nextLong();
        }
        long[] tail = new long[12];
        tail[11] = Long.MIN_VALUE;
        for (long[] bits : new long[][] {full, noisy, tail, new long[12], new long[0], null}) {
            DataOutputSerializer out = new DataOutputSerializer(16);
            CompactArrays.writeBits(bits, out);
            long[] back = CompactArrays.readBits(new DataInputDeserializer(out.getCopyOfBuffer()));
            assertThat(back).isEqualTo(bits);
            int words = bits == null ? 0 : 8 * bits.length;
            assertThat(out.length()).isLessThanOrEqualTo(words + 2);
            if (bits == full || bits == tail || (bits != null && !HourBits.any(bits))) {
                assertThat(out.length()).as("runs").isLessThanOrEqualTo(6);
            }
        }
    }

    @Property(tries = 2000)
    void anyBytesReadAsAPeriodGiveAPeriodOrAnIoException(@ForAll byte[] bytes) {
        readsOrIsCorrupt(SERIALIZER, bytes);
    }

    @Property(tries = 300)
    void bytesOfAPeriodWithAByteChangedGiveAPeriodOrAnIoException(
            @ForAll long seed, @ForAll int position, @ForAll byte value) throws IOException {
        readsOrIsCorrupt(SERIALIZER, withAByteChanged(bytes(SERIALIZER, anyPeriod(new Random(seed))), position, value));
    }

    @Test
    void aLengthBeyondTheLimitIsCorruptBeforeAnythingIsAllocated() {
        DataOutputSerializer out = new DataOutputSerializer(16);
        assertThatThrownBy(() -> {
                    io.reckon.jobs.records.DecimalCodec.writeUnsigned(out, Integer.MAX_VALUE);
                    CompactArrays.readBits(new DataInputDeserializer(out.getCopyOfBuffer()));
                })
                .isInstanceOf(IOException.class)
                .hasMessageContaining("length");
    }

    @Property(tries = 100)
    void aPeriodWrittenByThePojoSerializerMigratesToTheCompactOne(@ForAll long seed) throws IOException {
        PeriodState p = anyPeriod(new Random(seed));
        assertSameFields(migrated(SERIALIZER, POJO, p), p);
    }

    /**
     * A period written before the unmapped records were counted per input holds one count, their sum,
     * with the usage counted first: read back, as many usage records as the period holds, the rest reports.
     */
    @Test
    void aPeriodWithOneUnmappedCountReadsItAsUsageFirst() throws IOException {
        PeriodState p = anyPeriod(new Random(7));
        p.usage = agg(2, "5", "0");
        p.unmappedUsage = 3;
        p.unmappedReported = 0;
        p.unmappedLines = 0; // the layout before the split had no count of lines
        p.unmappedRow = false;
        byte[] split = bytes(SERIALIZER, p);
        p.unmappedReported = 5;
        byte[] other = bytes(SERIALIZER, p);
        // The one byte where the two differ is the reported count; without it and the flag, the layout before.
        int at = 0;
        while (split[at] == other[at]) {
            at++;
        }
        byte[] before = new byte[split.length - 1];
        System.arraycopy(split, 0, before, 0, at);
        System.arraycopy(split, at + 1, before, at, split.length - at - 1);
        before[1] &= (byte) ~(1 << 5);

        PeriodState back = SERIALIZER.deserialize(new DataInputDeserializer(before));
        assertThat(back.unmappedUsage).isEqualTo(2);
        assertThat(back.unmappedReported).isEqualTo(1);
        assertThat(back.unmappedRow).isTrue();
        assertThat(back.usage.count).isEqualTo(2);
    }

    @Test
    void aPeriodOfTheFirstLayoutMigratesWithTheFieldsItHad() throws IOException {
        // The first layout: aggregates as POJOs too, and no hour bits nor signal list yet.
        TypeSerializer<PeriodState> first = formerPojoSerializer(PeriodState.class);
        PeriodState p = new PeriodState();
        p.start = 0;
        p.end = 2_678_400_000L;
        p.usage = agg(3, "-1.5", "0");
        p.lateRecords = 4;
        PeriodState back = migrated(SERIALIZER, first, p);
        assertSameFields(back, p);
        assertThat(back.hasHourBits()).isFalse();
        assertThat(back.signalAnomalies).isNull();
    }

    @Test
    void theSnapshotRestoresTheSameSerializerAndTypeInformationGivesIt() throws IOException {
        assertRestoresItselfAndIsTheTypesSerializer(SERIALIZER, PeriodState.class);
    }

    /** Any values in every field: nulls, empty and odd arrays, any instants, whole and other doubles. */
    static PeriodState anyPeriod(Random r) {
        PeriodState p = new PeriodState();
        p.start = r.nextInt(4) == 0 ? r.nextLong() : 1_700_000_000_000L + r.nextInt(1_000_000) * HOUR_MS;
        p.end = r.nextInt(8) == 0 ? r.nextLong() : p.start + (28 + r.nextInt(4)) * 24 * HOUR_MS;
        p.usage = anyAgg(r);
        p.maturedUsage = anyAgg(r);
        p.reported = anyAgg(r);
        p.reportedSoFar = anyAgg(r);
        p.maturedBefore = anyInstant(r, p);
        p.reportedBefore = anyInstant(r, p);
        p.judgedBefore = anyInstant(r, p);
        p.changedFrom = r.nextBoolean() ? Long.MAX_VALUE : anyInstant(r, p);
        p.finalized = r.nextBoolean();
        p.billingFinal = r.nextBoolean();
        p.pricingFailed = r.nextBoolean();
        p.reevaluate = r.nextBoolean();
        p.lateRecords = r.nextInt(4) == 0 ? r.nextLong() : r.nextInt(100);
        p.unmappedUsage = r.nextInt(4) == 0 ? r.nextLong() : r.nextInt(100);
        p.unmappedReported = r.nextInt(4) == 0 ? r.nextLong() : r.nextInt(100);
        // Zero (not written) in half of the periods, as in most real ones.
        p.unmappedLines = r.nextBoolean() ? 0 : r.nextInt(4) == 0 ? r.nextLong() : r.nextInt(100);
        p.unmappedRow = r.nextBoolean();
        p.periodAnomalies = r.nextInt(4) == 0 ? -1 : r.nextInt(1 << 12);
        p.usageHours = anyBits(r);
        p.reportHours = anyBits(r);
        p.spikeHours = anyBits(r);
        p.dropHours = anyBits(r);
        p.rejudgeHours = anyBits(r);
        p.dayTotals = anyDoubles(r);
        p.dayTotalsAggregation = r.nextInt(4) - 1;
        p.daysKnown = r.nextInt(8) == 0 ? r.nextInt() : r.nextInt(32);
        p.staleDays = r.nextInt(4) == 0 ? r.nextLong() : r.nextInt(1 << 20);
        p.signalAnomalies = anySignals(r, p);
        return p;
    }

    private static long anyInstant(Random r, PeriodState p) {
        return switch (r.nextInt(5)) {
            case 0 -> r.nextLong();
            case 1 -> Long.MIN_VALUE;
            case 2 -> p.start;
            default -> p.start + r.nextInt(800) * HOUR_MS;
        };
    }

    private static Agg anyAgg(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> null;
            case 1 -> new Agg();
            case 2 -> agg(r.nextInt(1000), BigDecimal.valueOf(r.nextLong(), r.nextInt(30) - 5), BigDecimal.ONE);
            default ->
                agg(
                        1 + r.nextInt(5000),
                        BigDecimal.valueOf(r.nextInt(1_000_000), 1).setScale(9),
                        BigDecimal.valueOf(r.nextInt(1000), 1).setScale(9));
        };
    }

    private static long[] anyBits(Random r) {
        int kind = r.nextInt(6);
        if (kind == 0) {
            return null;
        }
        long[] bits = new long[kind == 1 ? r.nextInt(3) : 12];
        int hours = 64 * bits.length;
        switch (kind) {
            case 2 -> {
                for (int i = 0; i < bits.length; i++) {
                    bits[i] = r.nextLong();
                }
            }
            case 3 -> {
                int from = hours == 0 ? 0 : r.nextInt(hours);
                int to = from + (hours == 0 ? 0 : r.nextInt(hours - from + 1));
                for (int i = from; i < to; i++) {
                    HourBits.set(bits, i);
                }
            }
            default -> {
                for (int i = 0; i < hours; i++) {
                    // Kind 4: most hours set (a busy key's usage); kind 5: a few (its spikes).
                    boolean set = kind == 4 ? r.nextInt(14) != 0 : r.nextInt(200) == 0;
                    if (set) {
                        HourBits.set(bits, i);
                    }
                }
            }
        }
        return bits;
    }

    private static double[] anyDoubles(Random r) {
        if (r.nextInt(4) == 0) {
            return null;
        }
        double[] d = new double[r.nextInt(32)];
        int kind = r.nextInt(3);
        for (int i = 0; i < d.length; i++) {
            d[i] = kind == 0
                    ? r.nextInt(1_000_000) - 1000
                    : kind == 1
                            ? anyDecimal(r)
                            : switch (r.nextInt(8)) {
                                case 0 -> Double.NaN;
                                case 1 -> -0.0;
                                case 2 -> Double.NEGATIVE_INFINITY;
                                case 3 -> 0x1p60;
                                default -> r.nextInt(1_000_000) / 10.0 + r.nextDouble() / 1e6;
                            };
        }
        return d;
    }

    /**
     * The double nearest to a decimal of up to 11 places (a day's total of quantities summed exactly),
     * now and then -0.0 or a value of more places, which the decimal form cannot take.
     */
    private static double anyDecimal(Random r) {
        return switch (r.nextInt(40)) {
            case 0 -> -0.0;
            case 1 -> r.nextDouble();
            default ->
                BigDecimal.valueOf(r.nextLong() % 10_000_000_000_000L, r.nextInt(12))
                        .doubleValue();
        };
    }

    @Test
    void dayTotalsOfTenthsTakeAFewBytesEachAndEveryDoubleReadsBackItsBits() throws IOException {
        double[] tenths = new double[31];
        for (int d = 0; d < 31; d++) {
            tenths[d] = BigDecimal.valueOf(26_928 + d * 37L, 1).doubleValue(); // 2692.8, 2696.5, ...
        }
        assertThat(doublesBack(tenths)).hasSizeLessThanOrEqualTo(2 + 1 + 31 * 3);
        double[] nines = {BigDecimal.valueOf(123_456_789_012L, 9).doubleValue(), 0.1, -7.25, 0.0};
        assertThat(doublesBack(nines)).hasSizeLessThanOrEqualTo(2 + 1 + 4 * 6);
        // -0.0, NaN, a sum of doubles that is no short decimal: each value in its 8 bytes.
        for (double odd : new double[] {-0.0, Double.NaN, 0.1 + 0.2, 1e-12, Double.MAX_VALUE}) {
            double[] mixed = tenths.clone();
            mixed[7] = odd;
            assertThat(doublesBack(mixed)).hasSize(2 + 31 * 8);
        }
    }

    /** The bytes of {@code values}, after checking that they read back bit for bit. */
    private static byte[] doublesBack(double[] values) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        CompactArrays.writeDoubles(values, out);
        byte[] bytes = out.getCopyOfBuffer();
        double[] back = CompactArrays.readDoubles(new DataInputDeserializer(bytes));
        assertThat(back).hasSameSizeAs(values);
        for (int i = 0; i < values.length; i++) {
            assertThat(Double.doubleToRawLongBits(back[i]))
                    .as("value %d: %s", i, values[i])
                    .isEqualTo(Double.doubleToRawLongBits(values[i]));
        }
        return bytes;
    }

    private static long[] anySignals(Random r, PeriodState p) {
        if (r.nextInt(4) == 0) {
            return null;
        }
        long[] s = new long[r.nextInt(6)];
        for (int i = 0; i < s.length; i++) {
            s[i] = r.nextInt(6) == 0
                    ? r.nextLong()
                    : p.start + r.nextInt(744) * HOUR_MS + r.nextInt(AnomalyType.values().length);
        }
        return s;
    }

    /** Every field written (compared through the POJO serializer's bytes: exact decimals, raw doubles). */
    private static void assertSameFields(PeriodState actual, PeriodState expected) throws IOException {
        assertThat(bytes(POJO, actual)).isEqualTo(bytes(POJO, expected));
        assertThat(actual.rhythm).isNull();
    }

    /** PeriodState's POJO type as the type extractor built it before its factory: aggregates compact. */
    private static PojoTypeInfo<PeriodState> pojoWithCompactAggregates() {
        List<PojoField> fields = new ArrayList<>();
        for (Field f : PeriodState.class.getFields()) {
            if (!Modifier.isStatic(f.getModifiers()) && !Modifier.isTransient(f.getModifiers())) {
                fields.add(new PojoField(f, TypeExtractor.createTypeInfo(f.getGenericType())));
            }
        }
        return new PojoTypeInfo<>(PeriodState.class, fields);
    }
}
