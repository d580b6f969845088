package io.reckon.connectors.jdbc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * The rows one sink subtask wrote between two checkpoints, each serialized by the row type's Flink
 * serializer: the committable of {@link CheckpointCommittedJdbcSink}, held in the checkpoint until the
 * committer has written it.
 */
record RowBatch(List<byte[]> rows) {

    static final SimpleVersionedSerializer<RowBatch> SERIALIZER = new SimpleVersionedSerializer<>() {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(RowBatch batch) throws IOException {
            int size = 4;
            for (byte[] row : batch.rows) {
                size += 4 + row.length;
            }
            DataOutputSerializer out = new DataOutputSerializer(size);
            out.writeInt(batch.rows.size());
            for (byte[] row : batch.rows) {
                out.writeInt(row.length);
                out.write(row);
            }
            return out.getCopyOfBuffer();
        }

        @Override
        public RowBatch deserialize(int version, byte[] serialized) throws IOException {
            if (version != 1) {
                throw new IOException("unknown version " + version + " of a row batch");
            }
            DataInputDeserializer in = new DataInputDeserializer(serialized);
            int n = in.readInt();
            List<byte[]> rows = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte[] row = new byte[in.readInt()];
                in.readFully(row);
                rows.add(row);
            }
            return new RowBatch(rows);
        }
    };
}
