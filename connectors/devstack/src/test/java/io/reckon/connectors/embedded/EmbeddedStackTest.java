package io.reckon.connectors.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedStackTest {

    @TempDir
    Path workDir;

    @Test
    void startsKafkaAndMigratedPostgresAndStopsBothOnClose() throws Exception {
        long started = System.nanoTime();
        EmbeddedStack stack = EmbeddedStack.start(workDir);
        long startMillis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("EmbeddedStack started in %d ms%n", startMillis);
        int kafkaPort;
        int postgresPort;
        try (stack) {
            Map<String, String> conf = stack.connectorConfig().toMap();
            assertThat(conf)
                    .containsEntry("kafka.bootstrap-servers", stack.bootstrapServers())
                    .containsEntry("jdbc.url", stack.jdbcUrl())
                    .as("jobs connect as the writer role, not as the tables' owner")
                    .containsEntry("jdbc.username", "reckon_writer")
                    .containsEntry("jdbc.password", stack.jdbcWriter().password())
                    .containsEntry("schema-registry.url", stack.schemaRegistryUrl());
            assertThat(stack.schemaRegistryUrl())
                    .isEqualTo(EmbeddedSchemaRegistry.shared().url())
                    .matches("http://127\\.0\\.0\\.1:\\d+/apis/ccompat/v7");
            assertThat(stack.startupTime().toMillis()).isLessThanOrEqualTo(startMillis);

            try (Admin admin =
                    Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
                assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                        .hasSize(1);
            }
            try (Connection c =
                            DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUsername(), stack.jdbcPassword());
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_name IN"
                            + " ('hourly_usage', 'anomalies', 'anomaly_revisions', 'unmapped_usage')")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(4);
            }
            kafkaPort = stack.kafka().port();
            postgresPort = stack.postgres().port();
            assertThat(stack.kafka().logFile()).startsWith(workDir);
            assertThat(stack.postgres().logFile()).startsWith(workDir);
        }
        long closed = System.nanoTime() - started;
        System.out.printf("EmbeddedStack started, checked and closed in %d ms%n", closed / 1_000_000);

        assertThat(stack.kafka().isRunning()).isFalse();
        assertThat(stack.postgres().isRunning()).isFalse();
        assertThat(accepts(kafkaPort)).as("Kafka port closed").isFalse();
        assertThat(accepts(postgresPort)).as("PostgreSQL port closed").isFalse();
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
