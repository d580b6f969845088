package io.reckon.jobs.reconcile;

import io.reckon.jobs.records.DecimalCodec;
import java.io.IOException;
import java.math.BigDecimal;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Compact, exact serializer of {@link IdCopies}, the value kept per deduplication id for as long as
 * its period's state: the number of copies as a varint, the first event time as 8 bytes, each further
 * one as a zig-zag varint of its distance to the previous, then each quantity in {@link DecimalCodec}'s
 * full form (null allowed). One copy of quantity {@code 12.500000000}: 1 + 8 + 6 = 15 bytes. Hand-
 * written for the reasons given in {@code AggSerializer}: Flink has no compact exact decimal encoding,
 * and there is one of these per usage record in state.
 */
public final class IdCopiesSerializer extends TypeSerializerSingleton<IdCopies> {

    private static final long serialVersionUID = 1L;

    public static final IdCopiesSerializer INSTANCE = new IdCopiesSerializer();

    /** More copies than any id may keep (see Dedup): a longer count is corrupt state. */
    private static final int MAX_COPIES = 1 << 10;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public IdCopies createInstance() {
        return new IdCopies();
    }

    @Override
    public IdCopies copy(IdCopies from) {
        return from == null ? null : new IdCopies(from.times.clone(), from.quantities.clone());
    }

    @Override
    public IdCopies copy(IdCopies from, IdCopies reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(IdCopies c, DataOutputView out) throws IOException {
        int n = c.times.length;
        DecimalCodec.writeUnsigned(out, n);
        for (int i = 0; i < n; i++) {
            if (i == 0) {
                out.writeLong(c.times[0]);
            } else {
                DecimalCodec.writeZigZag(out, c.times[i] - c.times[i - 1]);
            }
        }
        for (int i = 0; i < n; i++) {
            DecimalCodec.writeFull(out, c.quantities[i]);
        }
    }

    @Override
    public IdCopies deserialize(DataInputView in) throws IOException {
        long n = DecimalCodec.readUnsigned(in);
        if (n < 0 || n > MAX_COPIES) {
            throw new IOException("Corrupt id copies: count " + n);
        }
        long[] times = new long[(int) n];
        BigDecimal[] quantities = new BigDecimal[(int) n];
        for (int i = 0; i < n; i++) {
            times[i] = i == 0 ? in.readLong() : times[i - 1] + DecimalCodec.readZigZag(in);
        }
        for (int i = 0; i < n; i++) {
            quantities[i] = DecimalCodec.readFull(in);
        }
        return new IdCopies(times, quantities);
    }

    @Override
    public IdCopies deserialize(IdCopies reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<IdCopies> snapshotConfiguration() {
        return new IdCopiesSerializerSnapshot();
    }

    /** Stateless: the snapshot restores the singleton. */
    public static final class IdCopiesSerializerSnapshot extends SimpleTypeSerializerSnapshot<IdCopies> {
        public IdCopiesSerializerSnapshot() {
            super(() -> INSTANCE);
        }
    }
}
