package io.reckon.connectors.jdbc;

import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.util.function.SerializableFunction;

/**
 * A PostgreSQL sink whose table holds exactly what the completed checkpoints hold, like the topics
 * the exactly-once Kafka sinks commit on the same checkpoints: rows are written only once the
 * checkpoint after them has completed, so rows of an attempt that a restart rolled back never reach
 * the table.
 *
 * <p>How: the writer only buffers each row (serialized at once, so object reuse is safe); at each
 * checkpoint the rows since the last one become one committable, stored in the checkpoint; when the
 * checkpoint completes, the committer writes them in one database transaction ({@link RowCommitter}).
 * If that fails (the database is down), the task fails, and after the restart Flink hands the
 * committables of the restored checkpoint to the committer again: the statements are idempotent
 * upserts, so writing a batch twice changes nothing.
 *
 * <p>With a {@link Supersession}, a buffered row that a later row of the same key supersedes is
 * dropped from the interval's rows (metric {@code <table>.superseded_rows}): the table ends the same,
 * one write instead of several. The one difference: when PostgreSQL refuses the later row for its
 * content, the earlier one was not written either, and the refused row is dead-lettered as before.
 *
 * <p>Why not the connector's XA exactly-once sink: it needs prepared transactions on the server
 * ({@code max_prepared_transactions}), and a prepared transaction of a lost task manager keeps its row
 * locks until someone resolves it; nor reading the committed anomalies topic back: two of the tables
 * (hourly usage, unmapped usage) have no topic. The cost of this sink: rows appear one checkpoint
 * interval later, and the rows of one interval are held in the checkpoint.
 *
 * <pre>{@code
 * stream.sinkTo(PostgresSinks.committedOnCheckpoint(conf, "INSERT ... ON CONFLICT ... DO UPDATE ...",
 *         binder, TypeInformation.of(Row.class).createSerializer(new SerializerConfigImpl()),
 *         "unmapped_usage", Row::key));
 * }</pre>
 */
final class CheckpointCommittedJdbcSink<T> implements Sink<T>, SupportsCommitter<RowBatch> {

    private static final long serialVersionUID = 1L;

    private final JdbcConnectionOptions connection;
    private final String sql;
    private final JdbcStatementBuilder<T> binder;
    private final TypeSerializer<T> serializer;
    private final String table;
    private final SerializableFunction<T, String> describe;
    private final int batchSize;
    /** Null: every row is written. */
    private final Supersession<T> supersession;

    CheckpointCommittedJdbcSink(
            JdbcConnectionOptions connection,
            String sql,
            JdbcStatementBuilder<T> binder,
            TypeSerializer<T> serializer,
            String table,
            SerializableFunction<T, String> describe,
            int batchSize,
            Supersession<T> supersession) {
        this.connection = connection;
        this.sql = sql;
        this.binder = binder;
        this.serializer = serializer;
        this.table = table;
        this.describe = describe;
        this.batchSize = batchSize;
        this.supersession = supersession;
    }

    @Override
    public BufferingWriter<T> createWriter(WriterInitContext context) {
        return new BufferingWriter<>(
                serializer.duplicate(), supersession, context.metricGroup().counter(table + ".superseded_rows"));
    }

    @Override
    public Committer<RowBatch> createCommitter(CommitterInitContext context) {
        return new RowCommitter<>(
                connection,
                sql,
                binder,
                serializer.duplicate(),
                table,
                describe,
                batchSize,
                context.metricGroup().counter(table + ".rejected_rows"));
    }

    @Override
    public SimpleVersionedSerializer<RowBatch> getCommittableSerializer() {
        return RowBatch.SERIALIZER;
    }
}
