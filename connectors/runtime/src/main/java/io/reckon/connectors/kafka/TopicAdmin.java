package io.reckon.connectors.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Plain Kafka clients for set-up and inspection outside a Flink job: creating the topics, loading
 * records (replay, dev stack, tests) and reading a whole topic back.
 *
 * <pre>{@code
 * try (TopicAdmin admin = TopicAdmin.connect(conf)) {
 *     admin.ensureTopics(conf.get(KafkaOptions.TOPIC_PARTITIONS));
 *     admin.produce(Topics.USAGE, "acct-1", codec.encode(ConfluentAvroCodec.valueSubject(Topics.USAGE), event));
 *     List<ConsumerRecord<byte[], byte[]>> anomalies = admin.readAll(Topics.ANOMALIES, true);
 * }
 * }</pre>
 *
 * <p>Failures surface as unchecked {@link KafkaException}s.
 */
public final class TopicAdmin implements AutoCloseable {

    /** How long a record of a compacted topic stays readable before a newer one may replace it. */
    public static final java.time.Duration MIN_COMPACTION_LAG = java.time.Duration.ofDays(7);

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** How long a read_committed {@link #readAll} waits for transactions open at its call to be decided. */
    static final Duration SETTLE = Duration.ofSeconds(10);

    private final Properties clientProps;
    private final Admin admin;
    private KafkaProducer<byte[], byte[]> producer;

    private TopicAdmin(Properties clientProps) {
        this.clientProps = clientProps;
        this.admin = Admin.create(clientProps);
    }

    /** Connects to the cluster of {@link KafkaOptions#BOOTSTRAP_SERVERS}, with {@code kafka.properties.*}. */
    public static TopicAdmin connect(ReadableConfig conf) {
        return new TopicAdmin(KafkaOptions.clientProperties(conf));
    }

    /**
     * Creates every topic of {@link Topics#ALL} that does not exist yet, with {@code partitions}
     * partitions and the broker's default replication factor; {@link Topics#COMPACTED} topics get
     * {@code cleanup.policy=compact}. Existing topics are left as they are.
     */
    public void ensureTopics(int partitions) {
        if (partitions <= 0) {
            throw new IllegalArgumentException("partitions must be positive, was " + partitions);
        }
        try {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = Topics.ALL.stream()
                    .filter(topic -> !existing.contains(topic))
                    .map(topic -> {
                        NewTopic newTopic = new NewTopic(topic, Optional.of(partitions), Optional.empty());
                        if (Topics.COMPACTED.contains(topic)) {
                            newTopic.configs(Map.of(
                                    TopicConfig.CLEANUP_POLICY_CONFIG,
                                    TopicConfig.CLEANUP_POLICY_COMPACT,
                                    // Compaction keeps the latest record per key forever, but only
                                    // after every subscriber had a week to read each revision.
                                    TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG,
                                    String.valueOf(MIN_COMPACTION_LAG.toMillis())));
                        }
                        return newTopic;
                    })
                    .collect(Collectors.toList());
            if (missing.isEmpty()) {
                return;
            }
            for (var result : admin.createTopics(missing).values().entrySet()) {
                try {
                    result.getValue().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    // Another process (a second job, the dev stack) created it meanwhile: that is fine.
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new KafkaException("cannot create topic " + result.getKey(), e.getCause());
                    }
                }
            }
        } catch (ExecutionException e) {
            throw new KafkaException("cannot list topics", e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("timed out creating topics after " + TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while creating topics", e);
        }
    }

    /** Writes one record and waits until the broker has it (acks=all). {@code key} may be null. */
    public void produce(String topic, String key, byte[] value) {
        produce(topic, key, value, null);
    }

    /** Like {@link #produce(String, String, byte[])} with an explicit record timestamp (epoch millis). */
    public void produce(String topic, String key, byte[] value, Long timestampMillis) {
        produceAll(List.of(record(topic, key, value, timestampMillis)));
    }

    /** Writes many records, then waits for all: one flush instead of one per record. */
    public void produceAll(List<ProducerRecord<byte[], byte[]>> records) {
        KafkaProducer<byte[], byte[]> p = producer();
        List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
        for (ProducerRecord<byte[], byte[]> r : records) {
            sent.add(p.send(r));
        }
        p.flush();
        try {
            for (Future<RecordMetadata> f : sent) {
                f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (ExecutionException e) {
            throw new KafkaException("cannot produce to Kafka", e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("timed out producing to Kafka after " + TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while producing", e);
        }
    }

    /** A producer record with a UTF-8 key (or none). */
    public static ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value, Long timestampMillis) {
        Objects.requireNonNull(topic, "topic");
        return new ProducerRecord<>(
                topic, null, timestampMillis, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
    }

    /**
     * Every record of {@code topic} from the beginning to the end offsets at the time of the call,
     * ordered by partition and offset. With {@code readCommitted}, records of aborted transactions are
     * left out, and a transaction still open at the call is waited for up to {@link #SETTLE}: it is
     * read if it commits within that time and left out otherwise.
     */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic, boolean readCommitted) {
        return readAll(topic, readCommitted, SETTLE);
    }

    /**
     * {@link #readAll(String, boolean)} waiting at most {@code settle} for open transactions.
     *
     * <p>Why the wait: a producer's commit returns once the transaction coordinator has decided it;
     * the commit markers reach the partitions afterwards. A read_committed end offset (the last stable
     * offset) taken right after a job finished can therefore still stop before the job's last
     * transaction. The target is the log end instead, and the read stops short of it only at what is
     * still undecided after {@code settle}.
     */
    List<ConsumerRecord<byte[], byte[]>> readAll(String topic, boolean readCommitted, Duration settle) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(readCommitted)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .collect(Collectors.toList());
            if (partitions.isEmpty()) {
                throw new KafkaException("topic " + topic + " does not exist");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = logEnd(partitions);
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            long started = System.nanoTime();
            long deadline = started + TIMEOUT.toNanos();
            boolean settled = !readCommitted;
            // Compare positions, not record counts: transaction markers and aborted records take offsets
            // without yielding records.
            while (!reachedEnd(consumer, end)) {
                if (!settled && System.nanoTime() - started > settle.toNanos()) {
                    end = stableEnd(consumer, partitions, end);
                    settled = true;
                    continue;
                }
                if (System.nanoTime() > deadline) {
                    throw new KafkaException("timed out reading " + topic + " to offsets " + end);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        out.add(r);
                    }
                }
            }
            out.sort(Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(ConsumerRecord::partition)
                    .thenComparingLong(ConsumerRecord::offset));
            return out;
        }
    }

    /**
     * The records of {@code topic} at the given offsets of each partition (read uncommitted), by
     * partition and offset; an offset without a record (past the end, or a transaction marker) has
     * none.
     */
    public Map<TopicPartition, Map<Long, ConsumerRecord<byte[], byte[]>>> readAt(
            String topic, Map<Integer, java.util.SortedSet<Long>> offsets) {
        Map<TopicPartition, Map<Long, ConsumerRecord<byte[], byte[]>>> out = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(false)) {
            for (Map.Entry<Integer, java.util.SortedSet<Long>> e : offsets.entrySet()) {
                TopicPartition tp = new TopicPartition(topic, e.getKey());
                consumer.assign(List.of(tp));
                long end = consumer.endOffsets(List.of(tp), TIMEOUT).get(tp);
                Map<Long, ConsumerRecord<byte[], byte[]>> found = new HashMap<>();
                long deadline = System.nanoTime() + TIMEOUT.toNanos();
                for (long wanted : e.getValue()) {
                    if (wanted >= end || found.containsKey(wanted)) {
                        continue;
                    }
                    consumer.seek(tp, wanted);
                    // Reads on from the offset until it is passed; later wanted offsets often come along.
                    while (consumer.position(tp, TIMEOUT) <= wanted) {
                        if (System.nanoTime() > deadline) {
                            throw new KafkaException("timed out reading " + tp + " at offset " + wanted);
                        }
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                            if (e.getValue().contains(r.offset())) {
                                found.put(r.offset(), r);
                            }
                        }
                    }
                }
                out.put(tp, found);
            }
        }
        return out;
    }

    private KafkaConsumer<byte[], byte[]> consumer(boolean readCommitted) {
        Properties props = new Properties();
        props.putAll(clientProps);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return new KafkaConsumer<>(props);
    }

    /** The end of each partition's log, open transactions included (a read_uncommitted end offset). */
    private Map<TopicPartition, Long> logEnd(List<TopicPartition> partitions) {
        try (KafkaConsumer<byte[], byte[]> uncommitted = consumer(false)) {
            return uncommitted.endOffsets(partitions, TIMEOUT);
        }
    }

    /** The target once the wait is over: per partition, the log end or the last stable offset before it. */
    private static Map<TopicPartition, Long> stableEnd(
            KafkaConsumer<byte[], byte[]> committed, List<TopicPartition> partitions, Map<TopicPartition, Long> end) {
        Map<TopicPartition, Long> stable = committed.endOffsets(partitions, TIMEOUT);
        Map<TopicPartition, Long> out = new HashMap<>();
        end.forEach((p, e) -> out.put(p, Math.min(e, stable.get(p))));
        return out;
    }

    private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), TIMEOUT) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** The admin client, for what this class does not cover. */
    public Admin admin() {
        return admin;
    }

    private synchronized KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            Properties props = new Properties();
            props.putAll(clientProps);
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            // One request in flight: callers produce right after ensureTopics, and with several, a
            // first request refused because the broker had not opened the new partition yet can be
            // overtaken by the next; its retries then fail with OUT_OF_ORDER_SEQUENCE_NUMBER until the
            // delivery timeout (KAFKA-15591, seen here as a 120 s stall loading test data). The
            // records are sent in batches and flushed per call, so this costs little.
            props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            producer = new KafkaProducer<>(props);
        }
        return producer;
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(TIMEOUT);
        }
        admin.close(TIMEOUT);
    }
}
