package io.reckon.connectors.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

    private static final String TOPIC = "probe";

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path dataDir;

    @Test
    void keepsRecordsAndAddressAcrossStopAndRestart() throws Exception {
        long started = System.nanoTime();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir)) {
            System.out.printf("EmbeddedKafka started in %d ms%n", (System.nanoTime() - started) / 1_000_000);
            String bootstrap = kafka.bootstrapServers();
            assertThat(bootstrap).startsWith("127.0.0.1:");
            assertThat(kafka.isRunning()).isTrue();

            produce(bootstrap, "k1", "before-stop");
            assertThat(consumeAll(bootstrap, 1)).containsExactly("k1=before-stop");

            long stopping = System.nanoTime();
            kafka.stop();
            System.out.printf("EmbeddedKafka stopped in %d ms%n", (System.nanoTime() - stopping) / 1_000_000);
            assertThat(kafka.isRunning()).isFalse();

            long restarting = System.nanoTime();
            kafka.restart();
            System.out.printf("EmbeddedKafka restarted in %d ms%n", (System.nanoTime() - restarting) / 1_000_000);
            assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);

            produce(bootstrap, "k2", "after-restart");
            assertThat(consumeAll(bootstrap, 2)).containsExactly("k1=before-stop", "k2=after-restart");
        }
        assertThat(Files.readString(dataDir.resolve("broker.log"))).contains("Kafka Server started");
    }

    @Test
    void recoversItsLogAfterBeingKilled() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir)) {
            produce(kafka.bootstrapServers(), "k1", "before-crash");
            kafka.kill();
            assertThat(kafka.isRunning()).isFalse();
            long restarting = System.nanoTime();
            kafka.restart();
            System.out.printf(
                    "EmbeddedKafka restarted after kill in %d ms%n", (System.nanoTime() - restarting) / 1_000_000);
            long consuming = System.nanoTime();
            assertThat(consumeAll(kafka.bootstrapServers(), 1)).containsExactly("k1=before-crash");
            System.out.printf("consumed after kill in %d ms%n", (System.nanoTime() - consuming) / 1_000_000);
        }
    }

    @Test
    void brokerDiesWithAParentThatIsKilled() throws Exception {
        Process parent = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx128m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        KafkaParentProcess.class.getName(),
                        dataDir.toString())
                .redirectErrorStream(true)
                .start();
        try {
            int port;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream()))) {
                String line;
                while ((line = out.readLine()) != null && !line.startsWith("READY ")) {
                    // Skip log lines until the broker is up.
                }
                assertThat(line).as("parent JVM reported a started broker").isNotNull();
                port = Integer.parseInt(line.substring("READY ".length()).strip());
            }
            List<ProcessHandle> brokers = parent.children().toList();
            assertThat(brokers).hasSize(1);

            parent.destroyForcibly().waitFor();

            // No shutdown hook ran in the killed parent: only the broker's own watchdog can stop it.
            assertThat(brokers.get(0).onExit().get(60, TimeUnit.SECONDS).isAlive())
                    .isFalse();
            try (java.net.Socket probe = new java.net.Socket()) {
                assertThatThrownBy(() -> probe.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500))
                        .isInstanceOf(java.io.IOException.class);
            }
        } finally {
            parent.descendants().forEach(ProcessHandle::destroyForcibly);
            parent.destroyForcibly();
        }
    }

    private static void produce(String bootstrap, String key, String value) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            // One partition keeps the order of the assertion independent of key hashing.
            producer.send(new ProducerRecord<>(TOPIC, 0, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    /** Reads partition 0 from the beginning until {@code expected} records arrived (or 30 s passed). */
    private static List<String> consumeAll(String bootstrap, int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<String> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            TopicPartition partition = new TopicPartition(TOPIC, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (seen.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(r.key() + "=" + r.value());
                }
            }
        }
        return seen;
    }
}
