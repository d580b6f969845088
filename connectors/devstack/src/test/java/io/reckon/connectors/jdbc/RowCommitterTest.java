package io.reckon.connectors.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reckon.connectors.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.metrics.SimpleCounter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committer of the checkpoint-committed sink against a real PostgreSQL: a batch is written in one
 * transaction; a row PostgreSQL refuses for its content (here a key too large for the btree index)
 * goes to sink_dead_letters while the rest are written; committing the same batch again changes
 * nothing; a database that cannot be reached fails the commit.
 */
class RowCommitterTest {

    private static final String UPSERT =
            "INSERT INTO t (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v";

    @TempDir
    static Path dataDir;

    static EmbeddedPostgres postgres;

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgres.start(dataDir);
        SchemaMigrations.migrate(postgres.jdbcUrl(), postgres.username(), postgres.password());
        try (Connection c = connect();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT NOT NULL)");
        }
    }

    @AfterAll
    static void stop() {
        postgres.close();
    }

    @Test
    void aRefusedRowIsDeadLetteredAndTheOthersWrittenOnceWhateverTheRepeats() throws Exception {
        TypeSerializer<String> serializer = Types.STRING.createSerializer(new SerializerConfigImpl());
        SimpleCounter rejected = new SimpleCounter();
        RowCommitter<String> committer = committer(postgres.jdbcUrl(), serializer, rejected);
        // A random 10,000-character key: PostgreSQL compresses repetitive text, so it must be random.
        StringBuilder huge = new StringBuilder();
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < 10_000; i++) {
            huge.append((char) ('a' + r.nextInt(26)));
        }
        RowBatch batch = batch(serializer, List.of("a", huge.toString(), "b"));

        committer.commit(List.of(request(batch)));
        committer.commit(List.of(request(batch)));

        assertThat(query("SELECT k FROM t ORDER BY k")).containsExactly("a", "b");
        assertThat(query("SELECT target_table || ' ' || sql_state FROM sink_dead_letters"))
                .as("one dead letter per commit of the refused row")
                .containsExactly("t 54000", "t 54000");
        assertThat(rejected.getCount()).isEqualTo(2);
        committer.close();
    }

    @Test
    void anUnreachableDatabaseFailsTheCommit() {
        TypeSerializer<String> serializer = Types.STRING.createSerializer(new SerializerConfigImpl());
        RowCommitter<String> committer =
                committer("jdbc:postgresql://127.0.0.1:9/reckon", serializer, new SimpleCounter());
        assertThatThrownBy(() -> committer.commit(List.of(request(batch(serializer, List.of("x"))))))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot connect to PostgreSQL");
    }

    private static RowCommitter<String> committer(String url, TypeSerializer<String> serializer, SimpleCounter c) {
        JdbcConnectionOptions options = new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                .withUrl(url)
                .withDriverName("org.postgresql.Driver")
                .withUsername(postgres.username())
                .withPassword(postgres.password())
                .build();
        return new RowCommitter<>(
                options,
                UPSERT,
                (ps, row) -> {
                    ps.setString(1, row);
                    ps.setString(2, "v");
                },
                serializer,
                "t",
                row -> "k of " + row.length() + " characters",
                100,
                c);
    }

    private static RowBatch batch(TypeSerializer<String> serializer, List<String> rows) throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (String row : rows) {
            DataOutputSerializer buffer = new DataOutputSerializer(64);
            serializer.serialize(row, buffer);
            out.add(buffer.getCopyOfBuffer());
        }
        RowBatch batch = new RowBatch(out);
        return RowBatch.SERIALIZER.deserialize(1, RowBatch.SERIALIZER.serialize(batch));
    }

    private static Committer.CommitRequest<RowBatch> request(RowBatch batch) {
        return new Committer.CommitRequest<>() {
            @Override
            public RowBatch getCommittable() {
                return batch;
            }

            @Override
            public int getNumberOfRetries() {
                return 0;
            }

            @Override
            public void signalFailedWithKnownReason(Throwable t) {}

            @Override
            public void signalFailedWithUnknownReason(Throwable t) {}

            @Override
            public void retryLater() {}

            @Override
            public void updateAndRetryLater(RowBatch committable) {}

            @Override
            public void signalAlreadyCommitted() {}
        };
    }

    private static List<String> query(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = connect();
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                out.add(r.getString(1));
            }
        }
        return out;
    }

    private static Connection connect() throws Exception {
        return DriverManager.getConnection(postgres.jdbcUrl(), postgres.username(), postgres.password());
    }
}
