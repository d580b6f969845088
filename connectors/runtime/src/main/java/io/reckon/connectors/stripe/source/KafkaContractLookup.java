package io.reckon.connectors.stripe.source;

import io.reckon.avro.Contract;
import io.reckon.connectors.kafka.KafkaOptions;
import io.reckon.connectors.kafka.Topics;
import io.reckon.connectors.registry.ConfluentAvroCodec;
import io.reckon.connectors.registry.UndecodableRecordException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The contracts of the compacted {@code recon.contracts} topic, read from the earliest offset with
 * {@code read_committed} and without a consumer group (nothing is committed: every reader reads the
 * whole, small, compacted topic when it opens, then only what is new).
 *
 * <p>Why not Flink broadcast state: a broadcast stream gives no order between contracts and the Stripe
 * objects they map, so at every start lines would be dead-lettered as unmapped before the contracts
 * arrived; and the summaries source needs the list of mapped customers before it can call Stripe at
 * all. {@link #refresh} reads up to the end offsets it finds, so a mapping is decided on every contract
 * written before the call. Contracts that do not decode are skipped here: the reconciliation job
 * dead-letters them with their reason.
 */
public final class KafkaContractLookup implements ContractLookup {

    private record AccountVersion(String accountId, int version) {}

    private static final Logger LOG = LoggerFactory.getLogger(KafkaContractLookup.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ConfluentAvroCodec codec;
    private final String topic;
    private final Map<AccountVersion, Contract> byAccountVersion = new HashMap<>();
    private ContractIndex index = ContractIndex.empty();

    private KafkaContractLookup(Properties props, ConfluentAvroCodec codec, String topic) {
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.codec = codec;
        this.topic = topic;
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** A factory reading {@link Topics#CONTRACTS} of the Kafka and registry in {@code conf}. */
    public static Factory factory(ReadableConfig conf) {
        Properties props = KafkaOptions.clientProperties(conf);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        ConfluentAvroCodec codec = ConfluentAvroCodec.fromConfig(conf);
        Map<String, String> copy = new TreeMap<>();
        props.forEach((k, v) -> copy.put(String.valueOf(k), String.valueOf(v)));
        return () -> {
            Properties p = new Properties();
            p.putAll(copy);
            return new KafkaContractLookup(p, codec, Topics.CONTRACTS);
        };
    }

    /** As {@link #factory(ReadableConfig)}, for a configuration given as a map (tests). */
    public static Factory factory(Map<String, String> conf) {
        return factory(Configuration.fromMap(conf));
    }

    @Override
    public ContractIndex refresh() {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment(), Duration.ofSeconds(30));
        boolean changed = false;
        while (!caughtUp(end)) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.value() == null) {
                    continue;
                }
                try {
                    Contract c = codec.decode(record.value(), Contract.class);
                    byAccountVersion.put(new AccountVersion(c.getAccountId(), c.getVersion()), c);
                    changed = true;
                } catch (UndecodableRecordException e) {
                    LOG.warn(
                            "skipping an undecodable contract at {}-{}@{}: {}",
                            topic,
                            record.partition(),
                            record.offset(),
                            e.getMessage());
                }
            }
        }
        if (changed) {
            index = ContractIndex.of(byAccountVersion.values());
        }
        return index;
    }

    private boolean caughtUp(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), Duration.ofSeconds(30)) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
