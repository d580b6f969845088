package io.reckon.faults;

import io.reckon.connectors.kafka.KafkaConnectors;
import io.reckon.jobs.records.HourlyRollup;
import io.reckon.jobs.records.UnmappedUsage;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A copy of the rollups and unmapped usage into exactly-once test topics, as "key -> figures" text,
 * and the same text read back from the sink tables: the tables must hold the last committed copy of
 * each row, nothing of an attempt a restart rolled back.
 */
final class CommittedCopies {

    private CommittedCopies() {}

    static String rollupTopic(String run) {
        return "test.rollups." + run;
    }

    static String unmappedTopic(String run) {
        return "test.unmapped." + run;
    }

    static void create(FaultHarness harness, String run) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", harness.stack.bootstrapServers()))) {
            admin.createTopics(List.of(
                            new NewTopic(rollupTopic(run), 2, (short) 1),
                            new NewTopic(unmappedTopic(run), 2, (short) 1)))
                    .all()
                    .get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the copy topics of " + run, e);
        }
    }

    static void rollups(FaultHarness harness, String run, DataStream<HourlyRollup> rollups) {
        String topic = rollupTopic(run);
        KafkaRecordSerializationSchema<HourlyRollup> schema = (r, context, timestamp) -> new ProducerRecord<>(
                topic,
                utf8(r.accountId + "|" + r.meter + "|" + r.hourStart),
                utf8(rollup(r.actualQuantity, r.reportedQuantity, r.usageRecords, r.reportedRecords)));
        rollups.sinkTo(KafkaConnectors.exactlyOnceSink(harness.jobConfig(run), schema, "copy-rollups-" + run))
                .name("rollups-copy")
                .uid("rollups-copy");
    }

    static void unmapped(FaultHarness harness, String run, DataStream<UnmappedUsage> unmapped) {
        String topic = unmappedTopic(run);
        KafkaRecordSerializationSchema<UnmappedUsage> schema = (u, context, timestamp) -> new ProducerRecord<>(
                topic,
                utf8(u.accountId + "|" + u.meter + "|" + u.periodStart),
                utf8(unmapped(
                        u.periodEnd,
                        u.reason,
                        u.usageRecords,
                        u.reportedRecords,
                        u.usageQuantity,
                        u.reportedQuantity)));
        unmapped.sinkTo(KafkaConnectors.exactlyOnceSink(harness.jobConfig(run), schema, "copy-unmapped-" + run))
                .name("unmapped-copy")
                .uid("unmapped-copy");
    }

    /** The last committed value of every key of {@code topic}. */
    static Map<String, String> lastCommitted(FaultHarness harness, String topic) {
        Properties p = new Properties();
        p.put("bootstrap.servers", harness.stack.bootstrapServers());
        p.put("isolation.level", "read_committed");
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        Map<String, String> out = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.put(text(r.key()), text(r.value()));
                }
            }
        }
        return out;
    }

    static Map<String, String> rollupRows(FaultHarness harness) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(
                        harness.stack.jdbcUrl(), harness.stack.jdbcUsername(), harness.stack.jdbcPassword());
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT account_id, meter, hour_start, actual_quantity,"
                        + " reported_quantity, usage_records, reported_records FROM hourly_usage")) {
            while (r.next()) {
                out.put(
                        r.getString(1) + "|" + r.getString(2) + "|"
                                + r.getTimestamp(3).getTime(),
                        rollup(r.getBigDecimal(4), r.getBigDecimal(5), r.getLong(6), r.getLong(7)));
            }
        }
        return out;
    }

    static Map<String, String> unmappedRows(FaultHarness harness) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(
                        harness.stack.jdbcUrl(), harness.stack.jdbcUsername(), harness.stack.jdbcPassword());
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT account_id, meter, period_start, period_end, reason,"
                        + " usage_records, reported_records, usage_quantity, reported_quantity FROM unmapped_usage")) {
            while (r.next()) {
                out.put(
                        r.getString(1) + "|" + r.getString(2) + "|"
                                + r.getTimestamp(3).getTime(),
                        unmapped(
                                r.getTimestamp(4).getTime(),
                                r.getString(5),
                                r.getLong(6),
                                r.getLong(7),
                                r.getBigDecimal(8),
                                r.getBigDecimal(9)));
            }
        }
        return out;
    }

    private static String rollup(BigDecimal actual, BigDecimal reported, long usage, long reports) {
        return plain(actual) + "|" + plain(reported) + "|" + usage + "|" + reports;
    }

    private static String unmapped(
            long end, String reason, long usage, long reports, BigDecimal usageQuantity, BigDecimal reportedQuantity) {
        return end + "|" + reason + "|" + usage + "|" + reports + "|" + plain(usageQuantity) + "|"
                + plain(reportedQuantity);
    }

    private static String plain(BigDecimal d) {
        return d == null ? "null" : d.stripTrailingZeros().toPlainString();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
