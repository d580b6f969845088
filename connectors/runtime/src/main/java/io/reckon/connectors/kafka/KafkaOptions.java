package io.reckon.connectors.kafka;

import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Kafka settings as Flink {@link ConfigOption}s, plus {@code kafka.properties.*} handed to every Kafka
 * client as they are (security.protocol, sasl.*, ssl.*, ...).
 *
 * <pre>{@code
 * kafka.bootstrap-servers: broker-1:9093,broker-2:9093
 * kafka.group-id: reckon
 * kafka.properties.security.protocol: SASL_SSL
 * kafka.properties.sasl.mechanism: SCRAM-SHA-512
 * }</pre>
 */
public final class KafkaOptions {

    /** Prefix of options handed to the Kafka clients without the prefix. */
    public static final String PROPERTIES_PREFIX = "kafka.properties.";

    public static final ConfigOption<String> BOOTSTRAP_SERVERS = ConfigOptions.key("kafka.bootstrap-servers")
            .stringType()
            .noDefaultValue()
            .withDescription("Comma-separated host:port list of Kafka brokers.");

    public static final ConfigOption<String> GROUP_ID = ConfigOptions.key("kafka.group-id")
            .stringType()
            .defaultValue("reckon")
            .withDescription("Consumer group id of the Kafka sources; offsets are committed on checkpoints.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX = ConfigOptions.key(
                    "kafka.transactional-id-prefix")
            .stringType()
            .defaultValue("reckon")
            .withDescription("Prefix of the transactional ids of exactly-once sinks; each sink appends its own"
                    + " name. Two deployments writing to one cluster need different prefixes.");

    public static final ConfigOption<Integer> TOPIC_PARTITIONS = ConfigOptions.key("kafka.topic-partitions")
            .intType()
            .defaultValue(2)
            .withDescription("Partitions of topics created by TopicAdmin.ensureTopics.");

    public static final ConfigOption<String> STARTING_OFFSETS = ConfigOptions.key("kafka.starting-offsets")
            .stringType()
            .defaultValue(StartingOffsets.COMMITTED_OR_EARLIEST.value)
            .withDescription("Where sources start when the job does not restore from a checkpoint: earliest,"
                    + " latest, committed (the group's committed offsets; fails for partitions without one)"
                    + " or committed-or-earliest (committed, else earliest). recon.contracts, a table, starts at the"
                    + " earliest offset where this says latest.");

    public static final ConfigOption<Boolean> BOUNDED = ConfigOptions.key("kafka.bounded")
            .booleanType()
            .defaultValue(false)
            .withDescription("true: the reconciliation job reads each input up to the end offsets it finds when it"
                    + " starts, then finishes (a reprocessing run; its final watermark closes every period it has"
                    + " read). false: it reads on as records arrive.");

    /**
     * Kafka's producer default (1 minute) is shorter than a checkpoint interval plus a restart, after
     * which the broker would abort transactions Flink still means to commit (data loss under
     * exactly-once). It must also stay at or below the broker's {@code transaction.max.timeout.ms}
     * (15 minutes by default), or the producer is refused. Ten minutes sits between the two.
     */
    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT = ConfigOptions.key("kafka.transaction-timeout")
            .durationType()
            .defaultValue(Duration.ofMinutes(10))
            .withDescription("transaction.timeout.ms of exactly-once sinks. Longer than the checkpoint interval"
                    + " plus the time a restart takes; no longer than the broker's transaction.max.timeout.ms"
                    + " (15 min by default).");

    /** Accepted values of {@link #STARTING_OFFSETS}. */
    public enum StartingOffsets {
        EARLIEST("earliest"),
        LATEST("latest"),
        COMMITTED("committed"),
        COMMITTED_OR_EARLIEST("committed-or-earliest");

        private final String value;

        StartingOffsets(String value) {
            this.value = value;
        }

        public String value() {
            return value;
        }

        public static StartingOffsets parse(String text) {
            String normalized = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            for (StartingOffsets candidate : values()) {
                if (candidate.value.equals(normalized)) {
                    return candidate;
                }
            }
            throw new IllegalArgumentException(STARTING_OFFSETS.key() + " must be one of earliest, latest,"
                    + " committed, committed-or-earliest; was '" + text + "'");
        }

        OffsetsInitializer initializer() {
            return switch (this) {
                case EARLIEST -> OffsetsInitializer.earliest();
                case LATEST -> OffsetsInitializer.latest();
                case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.NONE);
                case COMMITTED_OR_EARLIEST -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            };
        }
    }

    private KafkaOptions() {}

    /** The parsed {@link #STARTING_OFFSETS}. */
    public static StartingOffsets startingOffsets(ReadableConfig conf) {
        return StartingOffsets.parse(conf.get(STARTING_OFFSETS));
    }

    /**
     * Properties shared by every Kafka client: {@code bootstrap.servers} and each {@code
     * kafka.properties.*} entry without the prefix.
     *
     * @throws IllegalArgumentException when {@link #BOOTSTRAP_SERVERS} is not set
     */
    public static Properties clientProperties(ReadableConfig conf) {
        String bootstrap = conf.getOptional(BOOTSTRAP_SERVERS)
                .filter(s -> !s.isBlank())
                .orElseThrow(() -> new IllegalArgumentException(BOOTSTRAP_SERVERS.key() + " is not set"));
        Properties props = new Properties();
        conf.toMap().forEach((key, value) -> {
            if (key.startsWith(PROPERTIES_PREFIX) && key.length() > PROPERTIES_PREFIX.length()) {
                props.setProperty(key.substring(PROPERTIES_PREFIX.length()), value);
            }
        });
        props.setProperty("bootstrap.servers", bootstrap);
        return props;
    }
}
