package io.reckon.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.connectors.embedded.EmbeddedStack;
import io.reckon.connectors.kafka.KafkaOptions;
import io.reckon.connectors.kafka.TopicAdmin;
import io.reckon.connectors.kafka.Topics;
import io.reckon.jobs.testing.SinkRows;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.admin.Admin;

/**
 * Resets a running stack between replays: topics deleted and recreated, sink tables truncated, so no
 * record or row of one replay can reach the next.
 */
final class CleanSlate {

    private static final Duration TOPIC_RESET_TIMEOUT = Duration.ofSeconds(60);

    private CleanSlate() {}

    static void reset(EmbeddedStack stack) throws Exception {
        reset(stack, 0);
    }

    /** As {@link #reset(EmbeddedStack)}, with {@code partitions} partitions per topic (0: the default). */
    static void reset(EmbeddedStack stack, int partitions) throws Exception {
        Configuration conf = stack.connectorConfig();
        if (partitions > 0) {
            conf.set(KafkaOptions.TOPIC_PARTITIONS, partitions);
        }
        try (TopicAdmin topics = TopicAdmin.connect(conf)) {
            Admin admin = topics.admin();
            long timeout = TOPIC_RESET_TIMEOUT.toMillis();
            Set<String> existing = admin.listTopics().names().get(timeout, TimeUnit.MILLISECONDS);
            List<String> ours = Topics.ALL.stream().filter(existing::contains).toList();
            if (!ours.isEmpty()) {
                admin.deleteTopics(ours).all().get(timeout, TimeUnit.MILLISECONDS);
            }
            // Deletion completes asynchronously on the broker; a topic still marked for deletion
            // cannot be created again.
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
            while (true) {
                topics.ensureTopics(conf.get(KafkaOptions.TOPIC_PARTITIONS));
                Set<String> now = admin.listTopics().names().get(timeout, TimeUnit.MILLISECONDS);
                if (now.containsAll(Topics.ALL) && allPartitionsReady(admin, conf, timeout)) {
                    break;
                }
                assertThat(System.nanoTime()).as("topics recreated in time").isLessThan(deadline);
                Thread.sleep(100);
            }
        }
        try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUsername(), stack.jdbcPassword());
                Statement s = c.createStatement()) {
            SinkRows.truncate(s);
        }
    }

    private static boolean allPartitionsReady(Admin admin, Configuration conf, long timeoutMs) throws Exception {
        try {
            return admin
                    .describeTopics(Topics.ALL)
                    .allTopicNames()
                    .get(timeoutMs, TimeUnit.MILLISECONDS)
                    .values()
                    .stream()
                    .allMatch(d -> d.partitions().size() == conf.get(KafkaOptions.TOPIC_PARTITIONS)
                            && d.partitions().stream().allMatch(p -> p.leader() != null));
        } catch (ExecutionException e) {
            return false; // metadata of a just-created topic not yet everywhere
        }
    }
}
