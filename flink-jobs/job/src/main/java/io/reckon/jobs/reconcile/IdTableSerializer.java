package io.reckon.jobs.reconcile;

import io.reckon.jobs.records.DecimalCodec;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializer of an {@link IdTable} for checkpoints and savepoints: the number of ids as a varint, then
 * each id (Flink's string encoding) and its copies in {@link IdCopiesSerializer}'s encoding, the same
 * bytes per id as the layout with one map entry per id. Reading inserts the ids into a new table.
 * {@link #copy} is a deep copy: the heap backend copies a key's table before changing it while a
 * snapshot still holds it.
 */
public final class IdTableSerializer extends TypeSerializerSingleton<IdTable> {

    private static final long serialVersionUID = 1L;

    public static final IdTableSerializer INSTANCE = new IdTableSerializer();

    /** More ids than a key and input can hold in one table: a longer count is corrupt state. */
    private static final long MAX_IDS = 1L << 30;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public IdTable createInstance() {
        return new IdTable();
    }

    @Override
    public IdTable copy(IdTable from) {
        return from == null ? null : from.copy();
    }

    @Override
    public IdTable copy(IdTable from, IdTable reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(IdTable table, DataOutputView out) throws IOException {
        DecimalCodec.writeUnsigned(out, table.size());
        IOException[] failed = {null};
        table.forEachEntry((id, copies) -> {
            if (failed[0] != null) {
                return;
            }
            try {
                StringSerializer.INSTANCE.serialize(id, out);
                IdCopiesSerializer.INSTANCE.serialize(copies, out);
            } catch (IOException e) {
                failed[0] = e;
            }
        });
        if (failed[0] != null) {
            throw failed[0];
        }
    }

    @Override
    public IdTable deserialize(DataInputView in) throws IOException {
        long n = DecimalCodec.readUnsigned(in);
        if (n < 0 || n > MAX_IDS) {
            throw new IOException("Corrupt id table: count " + n);
        }
        IdTable table = new IdTable();
        for (long i = 0; i < n; i++) {
            String id = StringSerializer.INSTANCE.deserialize(in);
            table.put(id, IdCopiesSerializer.INSTANCE.deserialize(in));
        }
        return table;
    }

    @Override
    public IdTable deserialize(IdTable reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<IdTable> snapshotConfiguration() {
        return new IdTableSerializerSnapshot();
    }

    /** Stateless: the snapshot restores the singleton. */
    public static final class IdTableSerializerSnapshot extends SimpleTypeSerializerSnapshot<IdTable> {
        public IdTableSerializerSnapshot() {
            super(() -> INSTANCE);
        }
    }
}
