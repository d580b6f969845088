package io.reckon.connectors.jdbc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.metrics.Counter;

/**
 * The writer of {@link CheckpointCommittedJdbcSink}: buffers the rows since the last checkpoint and
 * hands them on as one {@link RowBatch} at the next; holds no connection. Each row is copied when it
 * arrives (object reuse is safe), and a row that a later one of the same key supersedes ({@link
 * Supersession}) is replaced by it, in its place, so the batch holds each key's rows in the order they
 * came, less the pointless ones.
 */
final class BufferingWriter<T> implements CommittingSinkWriter<T, RowBatch> {

    private final TypeSerializer<T> serializer;
    private final Supersession<T> supersession;
    private final Counter superseded;
    private final DataOutputSerializer buffer = new DataOutputSerializer(256);
    private List<T> rows = new ArrayList<>();
    /** The index in {@link #rows} of each key's last row; only with a supersession. */
    private Map<Object, Integer> lastOfKey = new HashMap<>();

    /** @param supersession null: every row is kept */
    BufferingWriter(TypeSerializer<T> serializer, Supersession<T> supersession, Counter superseded) {
        this.serializer = serializer;
        this.supersession = supersession;
        this.superseded = superseded;
    }

    @Override
    public void write(T element, Context context) {
        T row = serializer.copy(element);
        if (supersession == null) {
            rows.add(row);
            return;
        }
        Object key = supersession.key(row);
        Integer last = lastOfKey.get(key);
        if (last != null && supersession.supersedes(row, rows.get(last))) {
            rows.set(last, row);
            superseded.inc();
            return;
        }
        lastOfKey.put(key, rows.size());
        rows.add(row);
    }

    @Override
    public void flush(boolean endOfInput) {}

    @Override
    public Collection<RowBatch> prepareCommit() throws IOException {
        if (rows.isEmpty()) {
            return List.of();
        }
        List<byte[]> serialized = new ArrayList<>(rows.size());
        for (T row : rows) {
            buffer.clear();
            serializer.serialize(row, buffer);
            serialized.add(buffer.getCopyOfBuffer());
        }
        clear();
        return List.of(new RowBatch(serialized));
    }

    @Override
    public void close() {
        clear();
    }

    private void clear() {
        rows = new ArrayList<>();
        lastOfKey = new HashMap<>();
    }
}
