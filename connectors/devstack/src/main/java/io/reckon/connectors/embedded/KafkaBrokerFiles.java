package io.reckon.connectors.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.common.Uuid;

/** The files {@link EmbeddedKafka} writes for its broker: the cluster id, server.properties and the log configuration. */
final class KafkaBrokerFiles {

    private KafkaBrokerFiles() {}

    /** The cluster id kept in {@code file}, made and written there on the first start. */
    static String clusterId(Path file) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        }
        String id = Uuid.randomUuid().toString();
        Files.writeString(file, id, StandardCharsets.UTF_8);
        return id;
    }

    /** A one-node KRaft broker and controller on 127.0.0.1, sized for a developer's machine. */
    static Properties serverProperties(Path logDir, int port, int controllerPort) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", logDir.toString());
        // One node: every internal topic has one replica, and fewer partitions start faster.
        p.setProperty("num.partitions", "2");
        p.setProperty("default.replication.factor", "1");
        p.setProperty("min.insync.replicas", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "4");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "4");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // After a kill the controller refuses the restarted broker until the old registration's
        // session expires (default 9 s); a short session makes kill() and restart() quick.
        p.setProperty("broker.heartbeat.interval.ms", "500");
        p.setProperty("broker.session.timeout.ms", "4000");
        // Flink's exactly-once Kafka sink keeps a transaction open from one checkpoint to the next
        // and asks for a transaction timeout well above the checkpoint interval; the broker default
        // (15 min) is also the ceiling we allow.
        p.setProperty(
                "transaction.max.timeout.ms",
                String.valueOf(Duration.ofMinutes(15).toMillis()));
        p.setProperty("auto.create.topics.enable", "true");
        // Small segments and a small cleaner keep disk and heap use low for a dev broker.
        p.setProperty("log.segment.bytes", String.valueOf(8 * 1024 * 1024));
        p.setProperty("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        p.setProperty("log.cleaner.threads", "1");
        p.setProperty("num.network.threads", "2");
        p.setProperty("num.io.threads", "2");
        p.setProperty("background.threads", "2");
        p.setProperty("num.recovery.threads.per.data.dir", "1");
        p.setProperty("num.replica.fetchers", "1");
        return p;
    }

    static void writeServerProperties(Path file, Properties properties) throws IOException {
        StringBuilder text = new StringBuilder("# Written by EmbeddedKafka on every start.\n");
        properties.stringPropertyNames().stream().sorted().forEach(key -> text.append(key)
                .append('=')
                .append(properties.getProperty(key))
                .append('\n'));
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /** Writes the broker's log configuration to {@code file}. */
    static void writeLog4j(Path file) throws IOException {
        Files.writeString(file, LOG4J2_PROPERTIES, StandardCharsets.UTF_8);
    }

    /** The broker's log configuration: INFO to standard output, which goes to broker.log. */
    private static final String LOG4J2_PROPERTIES = String.join(
            "\n",
            "status = warn",
            "appender.out.type = Console",
            "appender.out.name = out",
            "appender.out.layout.type = PatternLayout",
            "appender.out.layout.pattern = [%d] %p %m (%c)%n",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.out.ref = out",
            "logger.state.name = state.change.logger",
            "logger.state.level = WARN",
            "logger.request.name = kafka.request.logger",
            "logger.request.level = WARN",
            "logger.storage.name = org.apache.kafka.storage.internals.log",
            "logger.storage.level = WARN",
            "logger.clients.name = org.apache.kafka.clients",
            "logger.clients.level = WARN",
            "");
}
