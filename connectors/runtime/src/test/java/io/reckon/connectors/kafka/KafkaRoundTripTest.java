package io.reckon.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.avro.Action;
import io.reckon.avro.UsageEvent;
import io.reckon.connectors.registry.ConfluentAvroCodec;
import io.reckon.connectors.testing.AvroFixtures;
import io.reckon.connectors.testing.KafkaTestBroker;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Topics, codec, sources and sinks against a real KRaft broker and a Flink MiniCluster. */
class KafkaRoundTripTest {

    @RegisterExtension
    @Order(1)
    static final KafkaTestBroker KAFKA = new KafkaTestBroker();

    @RegisterExtension
    @Order(2)
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static final ConfluentAvroCodec CODEC = ConfluentAvroCodec.forUrl("mock://kafka-round-trip");

    private static TopicAdmin admin;

    @BeforeAll
    static void createTopics() {
        admin = TopicAdmin.connect(KAFKA.flinkConfig());
        admin.ensureTopics(2);
    }

    @AfterAll
    static void closeAdmin() {
        admin.close();
    }

    private static String newTopic(String prefix) throws Exception {
        String topic = prefix + "-" + UUID.randomUUID();
        admin.admin()
                .createTopics(List.of(new NewTopic(topic, 2, (short) 1)))
                .all()
                .get();
        return topic;
    }

    private static Configuration conf() {
        Configuration conf = KAFKA.flinkConfig();
        conf.set(KafkaOptions.GROUP_ID, "test-" + UUID.randomUUID());
        conf.set(KafkaOptions.TRANSACTIONAL_ID_PREFIX, "test-" + UUID.randomUUID());
        return conf;
    }

    private static <T> List<T> collect(CloseableIterator<T> results) throws Exception {
        List<T> out = new ArrayList<>();
        try (results) {
            results.forEachRemaining(out::add);
        }
        return out;
    }

    private static List<String> actionIds(Collection<ConsumerRecord<byte[], byte[]>> records) throws Exception {
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            ids.add(CODEC.decode(r.value(), Action.class).getActionId());
        }
        return ids;
    }

    @Test
    void ensureTopicsCreatesEveryTopicOnceWithCompactionForKeyedState() throws Exception {
        admin.ensureTopics(5); // a second call leaves existing topics alone

        Map<String, TopicDescription> topics =
                admin.admin().describeTopics(Topics.ALL).allTopicNames().get();
        assertThat(topics).containsOnlyKeys(Topics.ALL);
        topics.values().forEach(t -> assertThat(t.partitions()).as(t.name()).hasSize(2));

        Map<ConfigResource, Config> configs = admin.admin()
                .describeConfigs(Topics.ALL.stream()
                        .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
                        .toList())
                .all()
                .get();
        Map<String, String> cleanup = configs.entrySet().stream()
                .collect(Collectors.toMap(
                        e -> e.getKey().name(),
                        e -> e.getValue().get(TopicConfig.CLEANUP_POLICY_CONFIG).value()));
        assertThat(cleanup)
                .containsEntry(Topics.CONTRACTS, "compact")
                .containsEntry(Topics.ANOMALIES, "compact")
                .containsEntry(Topics.USAGE, "delete")
                .containsEntry(Topics.DLQ, "delete");
        // Every revision stays readable for a week before compaction may drop it.
        assertThat(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, Topics.ANOMALIES))
                        .get(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG)
                        .value())
                .isEqualTo(String.valueOf(java.time.Duration.ofDays(7).toMillis()));
    }

    @Test
    void producedRecordsAreReadBackByReadAllAndByABoundedSource() throws Exception {
        String topic = newTopic("usage");
        List<UsageEvent> events = IntStream.range(0, 20)
                .mapToObj(i -> {
                    UsageEvent e = AvroFixtures.usageEvent("ev-" + i);
                    e.setAccountId("acct-" + (i % 3));
                    e.setQuantity(new BigDecimal(i + ".000000001"));
                    return e;
                })
                .toList();
        admin.produceAll(events.stream()
                .map(e -> TopicAdmin.record(
                        topic,
                        e.getAccountId(),
                        CODEC.encode(ConfluentAvroCodec.valueSubject(topic), e),
                        e.getEventTime().toEpochMilli()))
                .toList());
        admin.produce(
                topic, null, CODEC.encode(ConfluentAvroCodec.valueSubject(topic), AvroFixtures.usageEvent("ev-x")));

        List<ConsumerRecord<byte[], byte[]>> records = admin.readAll(topic, false);
        assertThat(records).hasSize(21);
        for (ConsumerRecord<byte[], byte[]> r : records) {
            UsageEvent e = CODEC.decode(r.value(), UsageEvent.class);
            if (e.getEventId().equals("ev-x")) {
                assertThat(r.key()).isNull();
            } else {
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(e.getAccountId());
                assertThat(r.timestamp()).isEqualTo(e.getEventTime().toEpochMilli());
                assertThat(e).isIn(events);
            }
        }

        Configuration conf = conf();
        conf.set(KafkaOptions.STARTING_OFFSETS, "earliest");
        KafkaSource<String> source = KafkaConnectors.source(
                conf,
                topic,
                new ConfluentAvroRecordDeserializer<>(
                        CODEC,
                        UsageEvent.class,
                        e -> e.getEventId() + "|" + e.getQuantity().toPlainString(),
                        Types.STRING),
                true);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        List<String> read = collect(env.fromSource(source, WatermarkStrategy.noWatermarks(), "usage")
                .executeAndCollect());

        List<String> expected = new ArrayList<>(events.stream()
                .map(e -> e.getEventId() + "|" + e.getQuantity().toPlainString())
                .toList());
        expected.add("ev-x|12345678901234567890.123456789");
        assertThat(read).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void aReadCommittedReadWaitsForATransactionCommittedWhileItReads() throws Exception {
        String topic = newTopic("settling");
        admin.produce(topic, "k", utf8("before"));
        try (KafkaProducer<byte[], byte[]> producer = inOpenTransaction(topic, "in the transaction")) {
            // Committed while the read is under way, as a job's last transaction may still be when the
            // job has returned: its commit markers are written after the commit call returns.
            CompletableFuture<Void> commit = CompletableFuture.runAsync(() -> {
                sleep(Duration.ofMillis(1_500));
                producer.commitTransaction();
            });
            List<ConsumerRecord<byte[], byte[]>> read = admin.readAll(topic, true);
            commit.get();
            assertThat(values(read)).containsExactly("before", "in the transaction");
        }
    }

    @Test
    void aReadCommittedReadLeavesOutATransactionStillOpenOnceItHasWaited() throws Exception {
        String topic = newTopic("open");
        admin.produce(topic, "k", utf8("before"));
        try (KafkaProducer<byte[], byte[]> producer = inOpenTransaction(topic, "never committed")) {
            admin.produce(topic, "k", utf8("after, behind the open transaction"));
            long started = System.nanoTime();
            List<ConsumerRecord<byte[], byte[]>> read = admin.readAll(topic, true, Duration.ofSeconds(1));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
            assertThat(values(read)).containsExactly("before");
            assertThat(values(admin.readAll(topic, false)))
                    .containsExactly("before", "never committed", "after, behind the open transaction");
            producer.abortTransaction();
        }
        assertThat(values(admin.readAll(topic, true))).containsExactly("before", "after, behind the open transaction");
    }

    /** A transactional producer whose open transaction holds {@code value}, sent and flushed to {@code topic}. */
    private static KafkaProducer<byte[], byte[]> inOpenTransaction(String topic, String value) {
        Properties props = KafkaOptions.clientProperties(KAFKA.flinkConfig());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "read-all-" + UUID.randomUUID());
        KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(topic, utf8("k"), utf8(value)));
        producer.flush();
        return producer;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .toList();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Fails once, after at least 20 elements went downstream since the last checkpoint. */
    static final class FailOnceAfterACheckpoint implements MapFunction<Long, Long>, CheckpointedFunction {
        static final AtomicBoolean FAILED = new AtomicBoolean();
        private final long failFrom;
        private long sinceSnapshot;
        private long processed;

        FailOnceAfterACheckpoint(long failFrom) {
            this.failFrom = failFrom;
        }

        @Override
        public Long map(Long value) throws Exception {
            Thread.sleep(3);
            processed++;
            sinceSnapshot++;
            if (processed >= failFrom && sinceSnapshot > 20 && FAILED.compareAndSet(false, true)) {
                // Let the sink send what it has of the open transaction, so the abort is observable.
                Thread.sleep(300);
                throw new IllegalStateException("injected failure at element " + value);
            }
            return value;
        }

        @Override
        public void snapshotState(FunctionSnapshotContext context) {
            sinceSnapshot = 0;
        }

        @Override
        public void initializeState(FunctionInitializationContext context) {}
    }

    @Test
    void exactlyOnceSinkWritesEveryElementOnceAcrossAFailureAndRestart() throws Exception {
        int n = 300;
        String topic = newTopic("eos");
        Configuration conf = conf();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration restart = new Configuration();
        restart.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        restart.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        restart.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        env.configure(restart);
        env.enableCheckpointing(200);
        env.setParallelism(2);
        FailOnceAfterACheckpoint.FAILED.set(false);
        env.fromData(LongStream.range(0, n).boxed().toList())
                .map(new FailOnceAfterACheckpoint(n / 2))
                .setParallelism(1)
                .sinkTo(KafkaConnectors.exactlyOnceSink(
                        conf,
                        new ConfluentAvroRecordSerializer<Long>(
                                topic, CODEC, i -> "k" + (i % 7), i -> AvroFixtures.action("act-" + i)),
                        "actions"));
        env.execute("exactly-once sink");

        assertThat(FailOnceAfterACheckpoint.FAILED)
                .as("the job failed once and recovered")
                .isTrue();
        List<String> expected = LongStream.range(0, n).mapToObj(i -> "act-" + i).toList();
        List<ConsumerRecord<byte[], byte[]>> committed = admin.readAll(topic, true);
        assertThat(actionIds(committed)).hasSize(n).containsExactlyInAnyOrderElementsOf(expected);
        List<ConsumerRecord<byte[], byte[]>> everything = admin.readAll(topic, false);
        assertThat(everything.size())
                .as("records of the aborted transaction are in the log, invisible to read_committed")
                .isGreaterThan(n);

        // A bounded source (as replay uses) stops at the end of a transactional topic and sees each once.
        Configuration replay = conf();
        replay.set(KafkaOptions.STARTING_OFFSETS, "earliest");
        StreamExecutionEnvironment readEnv = StreamExecutionEnvironment.getExecutionEnvironment();
        List<String> read = collect(readEnv.fromSource(
                        KafkaConnectors.source(
                                replay,
                                topic,
                                new ConfluentAvroRecordDeserializer<>(
                                        CODEC, Action.class, Action::getActionId, Types.STRING),
                                true),
                        WatermarkStrategy.noWatermarks(),
                        "actions")
                .executeAndCollect());
        assertThat(read).hasSize(n).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void atLeastOnceSinkWritesEveryElement() throws Exception {
        int n = 50;
        String topic = newTopic("alo");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.enableCheckpointing(200);
        env.fromData(LongStream.range(0, n).boxed().toList())
                .sinkTo(KafkaConnectors.atLeastOnceSink(
                        conf(),
                        new ConfluentAvroRecordSerializer<Long>(
                                topic, CODEC, i -> null, i -> AvroFixtures.action("act-" + i))));
        env.execute("at-least-once sink");

        List<ConsumerRecord<byte[], byte[]>> records = admin.readAll(topic, true);
        assertThat(Set.copyOf(actionIds(records)))
                .isEqualTo(LongStream.range(0, n).mapToObj(i -> "act-" + i).collect(Collectors.toSet()));
        assertThat(records).allSatisfy(r -> assertThat(r.key()).isNull());
        assertThat(Optional.ofNullable(records.get(0).value())).isPresent();
    }
}
