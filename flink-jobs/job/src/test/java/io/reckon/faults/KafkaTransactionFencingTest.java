package io.reckon.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reckon.connectors.embedded.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.connector.kafka.sink.internal.FlinkKafkaInternalProducer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Why the Kafka committer logs {@code ProducerFencedException} after a restart, reproduced with the
 * connector's own producer against the embedded broker, step by step as the sink does it.
 *
 * <p>After a restore from checkpoint N the committer commits again every transaction of checkpoint
 * N: it cannot know whether the commit that followed that checkpoint went through before the failure.
 * It resumes each transaction with the producer id and epoch stored in the checkpoint. Kafka 4
 * brokers run transaction protocol version 2 (KIP-890), which bumps the producer epoch when a
 * transaction ends; a transaction already committed therefore answers the repeated commit with
 * PRODUCER_FENCED, while a transaction that was only pre-committed still commits. With protocol
 * version 1 the repeated commit of a completed transaction succeeded silently.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaTransactionFencingTest {

    private static final String TOPIC = "fencing";

    @TempDir
    static Path work;

    private EmbeddedKafka kafka;

    @BeforeAll
    void start() {
        kafka = EmbeddedKafka.start(work.resolve("kafka"));
    }

    @AfterAll
    void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void theBrokerRunsTransactionProtocolVersion2() throws Exception {
        assertThat(transactionVersion()).isEqualTo((short) 2);
    }

    @Test
    void committingAgainATransactionThatWasCommittedBeforeTheFailureIsFenced() throws Exception {
        FlinkKafkaInternalProducer<String, String> writer = begin("sink-0-7", "committed-before-failure");
        long[] ids = {writer.getProducerId(), writer.getEpoch()};
        // The live committer commits with the writer's own producer, which speaks protocol version 2:
        // the broker ends the transaction and bumps the epoch.
        writer.commitTransaction();
        writer.close(Duration.ZERO);
        // The restored committer: same transactional id, producer id and epoch from the checkpoint.
        try (FlinkKafkaInternalProducer<String, String> recovering = resumed("sink-0-7", ids)) {
            assertThatThrownBy(recovering::commitTransaction).isInstanceOf(ProducerFencedException.class);
        }
        assertThat(committedValues("committed-before-failure")).containsOnlyOnce("committed-before-failure");
    }

    @Test
    void committingAfterRecoveryATransactionThatWasOnlyPrecommittedSucceeds() throws Exception {
        long[] ids = writeAndPrecommit("sink-1-8", "precommitted-only");
        // The task failed before the checkpoint's commit: nobody committed, nobody aborted.
        try (FlinkKafkaInternalProducer<String, String> recovering = resumed("sink-1-8", ids)) {
            recovering.commitTransaction();
        }
        assertThat(committedValues("precommitted-only")).containsOnlyOnce("precommitted-only");
    }

    /** Begins a transaction, writes one record and flushes it (the sink's pre-commit). */
    private FlinkKafkaInternalProducer<String, String> begin(String transactionalId, String value) throws Exception {
        FlinkKafkaInternalProducer<String, String> producer =
                new FlinkKafkaInternalProducer<>(producerProperties(), transactionalId);
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(TOPIC, value, value)).get();
        producer.flush();
        return producer;
    }

    /** As {@link #begin}, then the writer dies; returns {producer id, epoch} as the checkpoint holds them. */
    private long[] writeAndPrecommit(String transactionalId, String value) throws Exception {
        FlinkKafkaInternalProducer<String, String> producer = begin(transactionalId, value);
        long[] ids = {producer.getProducerId(), producer.getEpoch()};
        // Leaves the transaction open on the broker, as a crashed writer does.
        producer.close(Duration.ZERO);
        return ids;
    }

    private FlinkKafkaInternalProducer<String, String> resumed(String transactionalId, long[] ids) {
        FlinkKafkaInternalProducer<String, String> p =
                new FlinkKafkaInternalProducer<>(producerProperties(), transactionalId);
        p.resumeTransaction(ids[0], (short) ids[1]);
        return p;
    }

    private Properties producerProperties() {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        p.put("transaction.timeout.ms", "600000");
        p.put("max.block.ms", "20000");
        return p;
    }

    /** The committed values of the topic, read until {@code expected} is among them (or 20 s passed). */
    private List<String> committedValues(String expected) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        p.put("isolation.level", "read_committed");
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", StringDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(TOPIC, Duration.ofSeconds(20)).stream()
                    .map(i -> new TopicPartition(TOPIC, i.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            // commitTransaction returns once the coordinator has decided; the commit markers reach the
            // partitions a moment later, and until then the read_committed end offset (the last stable
            // offset) stops before the transaction. So read until the expected value has arrived and
            // the end offset, asked again, is reached.
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(r.value().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
                }
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                if (values.contains(expected)
                        && partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp))) {
                    break;
                }
            }
        }
        return values;
    }

    private short transactionVersion() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            FinalizedVersionRange range = admin.describeFeatures()
                    .featureMetadata()
                    .get()
                    .finalizedFeatures()
                    .get("transaction.version");
            return range == null ? 0 : range.maxVersionLevel();
        }
    }
}
