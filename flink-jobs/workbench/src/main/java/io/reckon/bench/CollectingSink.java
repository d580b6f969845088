package io.reckon.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Collects a stream into this JVM. The benchmark runs on a local cluster in its own process, so the
 * writers and the reader share a static registry; Flink's collect() would route every record through
 * the job manager and an iterator, which is not the cost being measured.
 */
final class CollectingSink<T> implements Sink<T> {

    private static final long serialVersionUID = 1L;
    private static final Map<String, ConcurrentLinkedQueue<Object>> RESULTS = new ConcurrentHashMap<>();

    private final String id;

    CollectingSink() {
        this.id = UUID.randomUUID().toString();
        RESULTS.put(id, new ConcurrentLinkedQueue<>());
    }

    /** The collected records, in arrival order per writer, and forgets them. */
    @SuppressWarnings("unchecked")
    List<T> drain() {
        ConcurrentLinkedQueue<Object> q = RESULTS.remove(id);
        List<T> out = new ArrayList<>();
        if (q != null) {
            for (Object o : q) {
                out.add((T) o);
            }
        }
        return out;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        ConcurrentLinkedQueue<Object> q = RESULTS.computeIfAbsent(id, k -> new ConcurrentLinkedQueue<>());
        // The queue keeps records past write(). With object reuse an upstream operator may hand on an
        // instance it changes later, so the record is copied then, as the JDBC connector's writer
        // does; without reuse the chaining output has copied it already.
        TypeSerializer<T> copier = context.isObjectReuseEnabled() ? context.createInputSerializer() : null;
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) {
                q.add(copier == null ? element : copier.copy(element));
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
