package io.reckon.connectors.jdbc;

import java.util.Locale;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Sink V2 writers into PostgreSQL for the dashboard tables.
 *
 * <p>Delivery is at-least-once: after a failure Flink replays the records since the last
 * checkpoint, so every statement must be idempotent — an {@code INSERT ... ON CONFLICT ... DO
 * UPDATE} keyed by the natural identity of the row (or {@code DO NOTHING} for append-only audit
 * rows). A replay then rewrites the same rows with the same values. This is cheaper and simpler
 * than the connector's XA exactly-once mode, which needs prepared transactions enabled on the
 * server and holds them open across checkpoints.
 *
 * <p>The writer never throws from {@code close()} (see {@link CleanupSafeJdbcSink}): a task failing
 * while the database is down would otherwise take its whole TaskManager with it.
 *
 * <pre>{@code
 * stream.sinkTo(PostgresSinks.upsert(conf,
 *         "INSERT INTO unmapped_usage (account_id, meter, period_start, ...) VALUES (?, ?, ?, ...)"
 *                 + " ON CONFLICT (account_id, meter, period_start) DO UPDATE SET reason = EXCLUDED.reason, ...",
 *         (ps, row) -> {
 *             ps.setString(1, row.accountId());
 *             ps.setString(2, row.meter());
 *             ps.setObject(3, OffsetDateTime.ofInstant(row.periodStart(), ZoneOffset.UTC));
 *             ...
 *         }))
 *     .name("unmapped-usage-postgres").uid("unmapped-usage-postgres");
 * }</pre>
 */
public final class PostgresSinks {

    private static final String DRIVER = "org.postgresql.Driver";

    private PostgresSinks() {}

    /**
     * An at-least-once JDBC sink executing {@code sql} for every record, batched per {@link
     * JdbcOptions#BATCH_SIZE} and {@link JdbcOptions#BATCH_INTERVAL}, with the connection from
     * {@code conf}.
     *
     * <p>Records of one subtask are written in arrival order, so with the stream keyed by the row's
     * primary key the last update wins. Do not set {@code reWriteBatchedInserts=true} on the URL:
     * it folds a batch into one multi-row INSERT, which PostgreSQL rejects when the batch updates
     * the same key twice.
     *
     * @throws IllegalArgumentException if {@code sql} is an INSERT without ON CONFLICT (a replay
     *     would then fail on, or duplicate, rows already written)
     */
    public static <T> Sink<T> upsert(ReadableConfig conf, String sql, JdbcStatementBuilder<T> binder) {
        requireIdempotent(sql);
        String url = conf.getOptional(JdbcOptions.URL)
                .orElseThrow(() -> new IllegalArgumentException(JdbcOptions.URL.key() + " is not set"));
        // The password travels inside the serialized sink to the task managers, like any connector
        // credential in Flink; it is never part of a log line or toString().
        JdbcConnectionOptions connection = new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                .withUrl(url)
                .withDriverName(DRIVER)
                .withUsername(conf.get(JdbcOptions.USERNAME))
                .withPassword(JdbcOptions.password(conf))
                .build();
        return new CleanupSafeJdbcSink<>(JdbcSink.<T>builder()
                .withExecutionOptions(executionOptions(conf))
                .withQueryStatement(sql, binder)
                .buildAtLeastOnce(connection));
    }

    /**
     * A sink whose table holds exactly the rows of completed checkpoints ({@link
     * CheckpointCommittedJdbcSink}): rows are written when the checkpoint after them completes, in
     * one transaction per subtask and checkpoint, so a restart never leaves rows of an attempt it
     * rolled back. A row PostgreSQL refuses for its content goes to {@code sink_dead_letters},
     * described by {@code describe}.
     *
     * @param serializer serializes the buffered rows into the checkpoint
     * @throws IllegalArgumentException as {@link #upsert}
     */
    public static <T> Sink<T> committedOnCheckpoint(
            ReadableConfig conf,
            String sql,
            JdbcStatementBuilder<T> binder,
            TypeSerializer<T> serializer,
            String table,
            SerializableFunction<T, String> describe) {
        return committedOnCheckpoint(conf, sql, binder, serializer, table, describe, null);
    }

    /**
     * As {@link #committedOnCheckpoint(ReadableConfig, String, JdbcStatementBuilder, TypeSerializer,
     * String, SerializableFunction)}, writing of the rows of one checkpoint interval only those no later
     * row of the same key supersedes ({@link Supersession}, which must match the upsert's guard).
     *
     * @param supersession null: every row is written
     */
    public static <T> Sink<T> committedOnCheckpoint(
            ReadableConfig conf,
            String sql,
            JdbcStatementBuilder<T> binder,
            TypeSerializer<T> serializer,
            String table,
            SerializableFunction<T, String> describe,
            Supersession<T> supersession) {
        requireIdempotent(sql);
        return new CheckpointCommittedJdbcSink<>(
                connectionOptions(conf),
                sql,
                binder,
                serializer,
                table,
                describe,
                conf.get(JdbcOptions.BATCH_SIZE),
                supersession);
    }

    static JdbcConnectionOptions connectionOptions(ReadableConfig conf) {
        String url = conf.getOptional(JdbcOptions.URL)
                .orElseThrow(() -> new IllegalArgumentException(JdbcOptions.URL.key() + " is not set"));
        return new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                .withUrl(url)
                .withDriverName(DRIVER)
                .withUsername(conf.get(JdbcOptions.USERNAME))
                .withPassword(JdbcOptions.password(conf))
                .build();
    }

    static JdbcExecutionOptions executionOptions(ReadableConfig conf) {
        return JdbcExecutionOptions.builder()
                .withBatchSize(conf.get(JdbcOptions.BATCH_SIZE))
                .withBatchIntervalMs(conf.get(JdbcOptions.BATCH_INTERVAL).toMillis())
                .withMaxRetries(conf.get(JdbcOptions.MAX_RETRIES))
                .build();
    }

    static void requireIdempotent(String sql) {
        String normalized = sql.strip().toUpperCase(Locale.ROOT).replaceAll("\\s+", " ");
        if (normalized.startsWith("INSERT") && !normalized.contains(" ON CONFLICT ")) {
            throw new IllegalArgumentException("PostgreSQL sinks are at-least-once: an INSERT must carry"
                    + " ON CONFLICT ... DO UPDATE/DO NOTHING so a replay after a failure is idempotent");
        }
    }
}
