package io.reckon.connectors.jdbc;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;
import org.apache.flink.connector.jdbc.core.datastream.sink.committer.JdbcCommitable;
import org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriter;
import org.apache.flink.connector.jdbc.core.datastream.sink.writer.JdbcWriterState;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connector's {@link JdbcSink}, except that closing its writer never throws.
 *
 * <p>When a task fails while PostgreSQL is unreachable, Flink closes the writer during the task's
 * cleanup; {@code JdbcWriter.close()} then tries to flush its buffer, fails again and throws. Flink
 * treats an exception thrown while it handles a task failure as fatal and terminates the whole
 * TaskManager (seen in the fault-injection suite: the local cluster lost its only TaskManager and the
 * job waited for slots for ever). Swallowing that exception loses nothing: a checkpoint completes
 * only after a successful flush of every writer, so the records still buffered at close are after the
 * last checkpoint and are written again, idempotently, after the restart. On a normal end of input
 * the writer has already flushed before close.
 *
 * <p>Same interfaces, operator topology and state as {@link JdbcSink}, so savepoints stay compatible.
 */
final class CleanupSafeJdbcSink<T>
        implements Sink<T>, SupportsWriterState<T, JdbcWriterState>, SupportsCommitter<JdbcCommitable> {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(CleanupSafeJdbcSink.class);

    private final JdbcSink<T> delegate;

    CleanupSafeJdbcSink(JdbcSink<T> delegate) {
        this.delegate = delegate;
    }

    @Override
    public Writer<T> createWriter(WriterInitContext context) throws IOException {
        return new Writer<>(delegate.createWriter(context));
    }

    @Override
    public Writer<T> restoreWriter(WriterInitContext context, Collection<JdbcWriterState> recoveredState)
            throws IOException {
        return new Writer<>(delegate.restoreWriter(context, recoveredState));
    }

    @Override
    public SimpleVersionedSerializer<JdbcWriterState> getWriterStateSerializer() {
        return delegate.getWriterStateSerializer();
    }

    @Override
    public Committer<JdbcCommitable> createCommitter(CommitterInitContext context) throws IOException {
        return delegate.createCommitter(context);
    }

    @Override
    public SimpleVersionedSerializer<JdbcCommitable> getCommittableSerializer() {
        return delegate.getCommittableSerializer();
    }

    static final class Writer<T>
            implements StatefulSinkWriter<T, JdbcWriterState>, CommittingSinkWriter<T, JdbcCommitable> {

        private final JdbcWriter<T> delegate;

        Writer(JdbcWriter<T> delegate) {
            this.delegate = delegate;
        }

        @Override
        public void write(T element, Context context) throws IOException, InterruptedException {
            delegate.write(element, context);
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
            delegate.flush(endOfInput);
        }

        @Override
        public Collection<JdbcCommitable> prepareCommit() throws IOException, InterruptedException {
            return delegate.prepareCommit();
        }

        @Override
        public List<JdbcWriterState> snapshotState(long checkpointId) throws IOException {
            return delegate.snapshotState(checkpointId);
        }

        @Override
        public void close() {
            try {
                delegate.close();
            } catch (Exception | AssertionError e) {
                // AssertionError too: with -ea, pgjdbc asserts on a connection that died mid-batch.
                LOG.warn(
                        "Closing the PostgreSQL writer failed; records after the last checkpoint are written"
                                + " again after the restart",
                        e);
            }
        }
    }
}
