package io.reckon.jobs.reconcile;

import io.reckon.jobs.records.DecimalCodec;
import java.io.IOException;
import java.math.BigDecimal;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Compact, exact serializer of an {@link Agg}: one tag byte, then the count as an unsigned varint and
 * the unscaled sum and max as zig-zag varints. It replaces the POJO serializer, which spends 38
 * bytes on an aggregate of three records (null flags, a 4-byte scale per decimal, a fixed 8-byte
 * count), because the reconcile operator keeps 744 hourly buckets of two aggregates per key.
 *
 * <p>Hand-written because Flink has no compact exact decimal serializer (see {@link DecimalCodec}).
 * The tag byte holds the common shapes so that they cost no extra bytes:
 *
 * <ul>
 *   <li>bits 0-3: the scale of the sum, 0 to 14 (15 marks the special tags below);
 *   <li>bits 4-5: the sum: 0 zero with a count of 0 (the count is not written), 1 a long unscaled
 *       value, 2 a big one, 3 zero with a count;
 *   <li>bits 6-7: the max at the scale of the sum: 0 zero, 1 long, 2 big; 3 a max with its own scale
 *       (or null) in {@link DecimalCodec}'s full form.
 * </ul>
 *
 * Special tags: {@code 0x0F} the general form (count, then sum and max in full form: negative or
 * large scales, a null sum), {@code 0x1F} a null aggregate, {@code 0x2F} reserved for a null {@link
 * HourBucket}, {@code 0x3F} the shifted form, {@code 0x4F} reserved for a bucket's reported aggregate
 * equal to its usage ({@link HourBucketSerializer}), {@code 0x5F} an aggregate of reported summaries
 * whose count aggregate is not its count ({@link Agg#countExcess}): the aggregate without it in any of
 * the other forms, then the excess in full form. An empty aggregate (count 0, sum and max {@code
 * BigDecimal.ZERO}) is the single byte {@code 0x00}; one record of {@code 12.5} takes 6 bytes.
 *
 * <p>The shifted form ({@link ShiftedAgg}) is for quantities whose unscaled values end in zeros, as
 * those decoded from Avro do: three records of tenths at scale 9 take 7 bytes instead of 14.
 *
 * <p>Usage (through {@code @TypeInfo} on {@link Agg}, any {@code TypeInformation.of(Agg.class)} or POJO
 * field of type {@code Agg} uses it):
 *
 * <pre>{@code
 * TypeSerializer<Agg> s = TypeInformation.of(Agg.class).createSerializer(new SerializerConfigImpl());
 * }</pre>
 */
public final class AggSerializer extends TypeSerializerSingleton<Agg> {

    private static final long serialVersionUID = 1L;

    public static final AggSerializer INSTANCE = new AggSerializer();

    static final int MAX_COMPACT_SCALE = 14;
    static final int GENERAL_TAG = 0x0F;
    static final int NULL_AGG_TAG = 0x1F;
    static final int NULL_BUCKET_TAG = 0x2F;
    static final int SHIFTED_TAG = 0x3F;
    static final int SAME_AS_USAGE_TAG = 0x4F;
    static final int COUNT_EXCESS_TAG = 0x5F;

    private static final int SUM_ZERO_NO_COUNT = 0;
    private static final int SUM_ZERO_WITH_COUNT = 3;
    private static final int MAX_OWN_SCALE = 3;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public Agg createInstance() {
        return new Agg();
    }

    @Override
    public Agg copy(Agg from) {
        return from == null ? null : copyInto(from, new Agg());
    }

    @Override
    public Agg copy(Agg from, Agg reuse) {
        if (from == null) {
            return null;
        }
        return copyInto(from, reuse == null ? new Agg() : reuse);
    }

    /** Field by field (BigDecimal is immutable): {@link Agg#copy()} re-adds and would not keep the scale. */
    static Agg copyInto(Agg from, Agg to) {
        to.sum = from.sum;
        to.count = from.count;
        to.max = from.max;
        to.countExcess = from.countExcess;
        return to;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(Agg record, DataOutputView target) throws IOException {
        write(record, target);
    }

    @Override
    public Agg deserialize(DataInputView source) throws IOException {
        return read(source.readUnsignedByte(), source, null);
    }

    @Override
    public Agg deserialize(Agg reuse, DataInputView source) throws IOException {
        return read(source.readUnsignedByte(), source, reuse);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        write(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<Agg> snapshotConfiguration() {
        return new AggSerializerSnapshot();
    }

    static void write(Agg a, DataOutputView out) throws IOException {
        if (a == null) {
            out.writeByte(NULL_AGG_TAG);
            return;
        }
        if (a.countExcess.signum() != 0) {
            out.writeByte(COUNT_EXCESS_TAG);
            writeFigures(a, out);
            DecimalCodec.writeFull(out, a.countExcess);
            return;
        }
        writeFigures(a, out);
    }

    /** Count, sum and max in one of the forms of the tags below {@link #COUNT_EXCESS_TAG}. */
    private static void writeFigures(Agg a, DataOutputView out) throws IOException {
        BigDecimal sum = a.sum;
        BigDecimal max = a.max;
        if (sum == null || sum.scale() < 0 || sum.scale() > MAX_COMPACT_SCALE) {
            out.writeByte(GENERAL_TAG);
            DecimalCodec.writeUnsigned(out, a.count);
            DecimalCodec.writeFull(out, sum);
            DecimalCodec.writeFull(out, max);
            return;
        }
        int sumKind = DecimalCodec.kind(sum);
        int sumCode = sumKind != DecimalCodec.ZERO ? sumKind : a.count == 0 ? SUM_ZERO_NO_COUNT : SUM_ZERO_WITH_COUNT;
        int maxCode = max != null && max.scale() == sum.scale() ? DecimalCodec.kind(max) : MAX_OWN_SCALE;
        if (sumKind == DecimalCodec.LONG && maxCode == DecimalCodec.LONG && ShiftedAgg.write(a.count, sum, max, out)) {
            return;
        }
        out.writeByte(sum.scale() | sumCode << 4 | maxCode << 6);
        if (sumCode != SUM_ZERO_NO_COUNT) {
            DecimalCodec.writeUnsigned(out, a.count);
        }
        DecimalCodec.writeUnscaled(out, sumKind, sum);
        if (maxCode == MAX_OWN_SCALE) {
            DecimalCodec.writeFull(out, max);
        } else {
            DecimalCodec.writeUnscaled(out, maxCode, max);
        }
    }

    /** Reads the aggregate whose tag byte was already read; fills {@code reuse} when not null. */
    static Agg read(int tag, DataInputView in, Agg reuse) throws IOException {
        if (tag == COUNT_EXCESS_TAG) {
            int figures = in.readUnsignedByte();
            if (figures == NULL_AGG_TAG || figures == COUNT_EXCESS_TAG) {
                throw new IOException("Corrupt aggregate: tag " + figures + " after a count excess");
            }
            Agg a = readFigures(figures, in, reuse);
            BigDecimal excess = DecimalCodec.readFull(in);
            if (excess == null) {
                throw new IOException("Corrupt aggregate: a null count excess");
            }
            a.countExcess = excess;
            return a;
        }
        Agg a = readFigures(tag, in, reuse);
        if (a != null) {
            a.countExcess = BigDecimal.ZERO;
        }
        return a;
    }

    private static Agg readFigures(int tag, DataInputView in, Agg reuse) throws IOException {
        int scale = tag & 0x0F;
        if (scale > MAX_COMPACT_SCALE) {
            if (tag == NULL_AGG_TAG) {
                return null;
            }
            if (tag == SHIFTED_TAG) {
                return ShiftedAgg.read(in, reuse == null ? new Agg() : reuse);
            }
            if (tag != GENERAL_TAG) {
                throw new IOException("Corrupt aggregate: tag " + tag);
            }
            Agg a = reuse == null ? new Agg() : reuse;
            a.count = DecimalCodec.readUnsigned(in);
            a.sum = DecimalCodec.readFull(in);
            a.max = DecimalCodec.readFull(in);
            return a;
        }
        int sumCode = (tag >>> 4) & 3;
        int maxCode = tag >>> 6;
        Agg a = reuse == null ? new Agg() : reuse;
        a.count = sumCode == SUM_ZERO_NO_COUNT ? 0 : DecimalCodec.readUnsigned(in);
        a.sum = DecimalCodec.readUnscaled(in, sumCode == SUM_ZERO_WITH_COUNT ? DecimalCodec.ZERO : sumCode, scale);
        a.max = maxCode == MAX_OWN_SCALE ? DecimalCodec.readFull(in) : DecimalCodec.readUnscaled(in, maxCode, scale);
        return a;
    }

    /**
     * Restores {@link AggSerializer}; a savepoint written with the POJO serializer of {@link Agg} is
     * migrated (read with the old serializer, rewritten with this one).
     */
    public static final class AggSerializerSnapshot extends CompactSerializerSnapshot<Agg> {
        public AggSerializerSnapshot() {
            super(Agg.class, () -> INSTANCE);
        }
    }
}
