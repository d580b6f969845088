package io.reckon.connectors.jdbc;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.jdbc.datasource.connections.SimpleJdbcConnectionProvider;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.function.SerializableFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the row batches of completed checkpoints, all batches of one call in one transaction.
 *
 * <p>Failures are told apart by their SQLSTATE class. A row PostgreSQL refuses for its content (class
 * 22 data exception, 23 integrity violation, 54 program limit exceeded, e.g. an index row over the
 * btree limit) must not stop the job nor send it into a restart loop: the batches are then written
 * again row by row, each behind a savepoint, and a refused row goes to {@code sink_dead_letters} with
 * the reason, in the same transaction. Anything else (the database unreachable, a connection lost) is
 * the environment's fault: the commit fails, the task restarts, and the committables of the restored
 * checkpoint are committed again, idempotently.
 */
final class RowCommitter<T> implements Committer<RowBatch> {

    private static final Logger LOG = LoggerFactory.getLogger(RowCommitter.class);

    static final String DEAD_LETTER =
            "INSERT INTO sink_dead_letters (target_table, row_summary, reason, sql_state)" + " VALUES (?, ?, ?, ?)";

    /** Characters kept of a refused row's summary and of the reason. */
    static final int MAX_TEXT = 2_048;

    private final SimpleJdbcConnectionProvider connections;
    private final String sql;
    private final JdbcStatementBuilder<T> binder;
    private final TypeSerializer<T> serializer;
    private final String table;
    private final SerializableFunction<T, String> describe;
    private final int batchSize;
    private final Counter rejected;

    RowCommitter(
            JdbcConnectionOptions connection,
            String sql,
            JdbcStatementBuilder<T> binder,
            TypeSerializer<T> serializer,
            String table,
            SerializableFunction<T, String> describe,
            int batchSize,
            Counter rejected) {
        this.connections = new SimpleJdbcConnectionProvider(connection);
        this.sql = sql;
        this.binder = binder;
        this.serializer = serializer;
        this.table = table;
        this.describe = describe;
        this.batchSize = Math.max(1, batchSize);
        this.rejected = rejected;
    }

    @Override
    public void commit(Collection<CommitRequest<RowBatch>> requests) throws IOException {
        List<T> rows = new ArrayList<>();
        for (CommitRequest<RowBatch> r : requests) {
            for (byte[] row : r.getCommittable().rows()) {
                rows.add(serializer.deserialize(new DataInputDeserializer(row)));
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        Connection c;
        try {
            c = connection();
        } catch (SQLException | ClassNotFoundException e) {
            throw new IOException("cannot connect to PostgreSQL to write " + rows.size() + " rows of " + table, e);
        }
        try {
            writeAll(c, rows);
        } catch (SQLException e) {
            rollbackQuietly(c);
            if (!refusesTheRow(e)) {
                connections.closeConnection();
                throw new IOException("writing " + rows.size() + " rows of " + table + " failed", e);
            }
            try {
                writeOneByOne(c, rows);
            } catch (SQLException again) {
                rollbackQuietly(c);
                connections.closeConnection();
                throw new IOException("writing " + rows.size() + " rows of " + table + " one by one failed", again);
            }
        }
    }

    private Connection connection() throws SQLException, ClassNotFoundException {
        Connection c = connections.getOrEstablishConnection();
        if (!connections.isConnectionValid()) {
            c = connections.reestablishConnection();
        }
        c.setAutoCommit(false);
        return c;
    }

    private void writeAll(Connection c, List<T> rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int pending = 0;
            for (T row : rows) {
                binder.accept(ps, row);
                ps.addBatch();
                if (++pending == batchSize) {
                    ps.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                ps.executeBatch();
            }
        }
        c.commit();
    }

    private void writeOneByOne(Connection c, List<T> rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql);
                PreparedStatement dead = c.prepareStatement(DEAD_LETTER)) {
            for (T row : rows) {
                Savepoint before = c.setSavepoint();
                try {
                    binder.accept(ps, row);
                    ps.executeUpdate();
                    c.releaseSavepoint(before);
                } catch (SQLException e) {
                    if (!refusesTheRow(e)) {
                        throw e;
                    }
                    c.rollback(before);
                    rejected.inc();
                    String summary = cut(describe.apply(row));
                    LOG.warn(
                            "PostgreSQL refused a row of {} ({}); kept in sink_dead_letters: {}",
                            table,
                            summary,
                            e.getSQLState());
                    dead.setString(1, table);
                    dead.setString(2, summary);
                    dead.setString(3, cut(String.valueOf(e.getMessage())));
                    dead.setString(4, e.getSQLState());
                    dead.executeUpdate();
                }
            }
        }
        c.commit();
    }

    /** Whether PostgreSQL refused a row for its content rather than failing as a service. */
    static boolean refusesTheRow(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            String state = s.getSQLState();
            if (state != null && (state.startsWith("22") || state.startsWith("23") || state.startsWith("54"))) {
                return true;
            }
        }
        return false;
    }

    private static String cut(String s) {
        String clean = s.replace('\u0000', '\uFFFD');
        return clean.length() <= MAX_TEXT ? clean : clean.substring(0, MAX_TEXT) + "\u2026";
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException | RuntimeException e) {
            LOG.debug("rollback after a failed write failed as well", e);
        }
    }

    @Override
    public void close() {
        try {
            connections.closeConnection();
        } catch (RuntimeException e) {
            LOG.warn("closing the PostgreSQL connection failed", e);
        }
    }
}
