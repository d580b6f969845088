package io.reckon.jobs.reconcile;

import java.io.IOException;
import java.util.Objects;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Compact, exact serializer of an {@link HourBucket}: its usage and reported aggregates in {@link
 * AggSerializer}'s encoding, back to back, with no header of its own. A reported aggregate equal to
 * the usage one (the same count, and sum and max of the same value and scale: an hour whose records
 * were all reported as measured, what a sound metering pipeline sends) is the single tag byte
 * {@code 0x4F}. An hour with usage and no reports costs the usage aggregate plus one byte (one record
 * of {@code 12.5}: 7 bytes; the POJO serializer took 61). Three records a side of tenths at scale 9,
 * as decoded from Avro: 8 bytes when reported as measured, 14 when not (79 as a POJO). A null bucket
 * is the single tag byte {@code 0x2F}.
 *
 * <p>Hand-written for the reasons given in {@link AggSerializer}: the reconcile operator keeps 744 of
 * these per key and period, in RocksDB (within day entries, {@link HourDay}), where every access
 * (de)serializes them.
 *
 * <pre>{@code
 * MapStateDescriptor<Long, HourBucket> hours =
 *         new MapStateDescriptor<>("hours", Types.LONG, TypeInformation.of(HourBucket.class));
 * }</pre>
 */
public final class HourBucketSerializer extends TypeSerializerSingleton<HourBucket> {

    private static final long serialVersionUID = 1L;

    public static final HourBucketSerializer INSTANCE = new HourBucketSerializer();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public HourBucket createInstance() {
        return new HourBucket();
    }

    @Override
    public HourBucket copy(HourBucket from) {
        return from == null ? null : copy(from, new HourBucket());
    }

    @Override
    public HourBucket copy(HourBucket from, HourBucket reuse) {
        if (from == null) {
            return null;
        }
        HourBucket to = reuse == null ? new HourBucket() : reuse;
        to.usage = copyAgg(from.usage, to.usage);
        to.reported = copyAgg(from.reported, to.reported);
        return to;
    }

    private static Agg copyAgg(Agg from, Agg reuse) {
        if (from == null) {
            return null;
        }
        // Never share an aggregate between two buckets: the operator mutates them in place.
        return AggSerializer.copyInto(from, reuse == null || reuse == from ? new Agg() : reuse);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(HourBucket record, DataOutputView target) throws IOException {
        if (record == null) {
            target.writeByte(AggSerializer.NULL_BUCKET_TAG);
            return;
        }
        AggSerializer.write(record.usage, target);
        // An hour with no records either side stays two zero bytes, as short and as it always was.
        if (record.usage != null && record.usage.count != 0 && sameAggregate(record.usage, record.reported)) {
            target.writeByte(AggSerializer.SAME_AS_USAGE_TAG);
        } else {
            AggSerializer.write(record.reported, target);
        }
    }

    /** Field by field, each decimal with its scale: what reads back from the one as the other. */
    private static boolean sameAggregate(Agg a, Agg b) {
        return b != null
                && a.count == b.count
                && Objects.equals(a.sum, b.sum)
                && Objects.equals(a.max, b.max)
                && Objects.equals(a.countExcess, b.countExcess);
    }

    @Override
    public HourBucket deserialize(DataInputView source) throws IOException {
        return deserialize(null, source);
    }

    @Override
    public HourBucket deserialize(HourBucket reuse, DataInputView source) throws IOException {
        int tag = source.readUnsignedByte();
        if (tag == AggSerializer.NULL_BUCKET_TAG) {
            return null;
        }
        HourBucket b = reuse == null ? new HourBucket() : reuse;
        b.usage = AggSerializer.read(tag, source, b.usage);
        int reportedTag = source.readUnsignedByte();
        if (reportedTag != AggSerializer.SAME_AS_USAGE_TAG) {
            b.reported = AggSerializer.read(reportedTag, source, b.reported);
        } else if (b.usage == null) {
            throw new IOException("Corrupt hour: reported as its usage, which is null");
        } else {
            // A bucket's two aggregates are never one object: the operator changes them in place.
            b.reported = AggSerializer.copyInto(
                    b.usage, b.reported == null || b.reported == b.usage ? new Agg() : b.reported);
        }
        return b;
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<HourBucket> snapshotConfiguration() {
        return new HourBucketSerializerSnapshot();
    }

    /**
     * Restores {@link HourBucketSerializer}; a savepoint written with the POJO serializer of {@link
     * HourBucket} is migrated (read with the old serializer, rewritten with this one).
     */
    public static final class HourBucketSerializerSnapshot extends CompactSerializerSnapshot<HourBucket> {
        public HourBucketSerializerSnapshot() {
            super(HourBucket.class, () -> INSTANCE);
        }
    }
}
