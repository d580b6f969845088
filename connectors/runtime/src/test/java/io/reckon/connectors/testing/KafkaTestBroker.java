package io.reckon.connectors.testing;

import io.reckon.connectors.kafka.KafkaOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node KRaft Kafka (combined broker and controller) for one test class, from Kafka's own
 * {@code KafkaClusterTestKit}. Internal topics use replication factor 1 so transactions and consumer
 * groups work on one node.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KafkaTestBroker KAFKA = new KafkaTestBroker();
 *
 * Configuration conf = KAFKA.flinkConfig();   // kafka.bootstrap-servers set
 * }</pre>
 */
public final class KafkaTestBroker implements BeforeAllCallback, AfterAllCallback {

    private KafkaClusterTestKit cluster;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        stop();
    }

    public void start() throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .build();
        cluster = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("transaction.state.log.num.partitions", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
    }

    public void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    public String bootstrapServers() {
        if (cluster == null) {
            throw new IllegalStateException("broker not started");
        }
        return cluster.bootstrapServers();
    }

    /** A Flink configuration pointing {@link KafkaOptions#BOOTSTRAP_SERVERS} at this broker. */
    public Configuration flinkConfig() {
        Configuration conf = new Configuration();
        conf.set(KafkaOptions.BOOTSTRAP_SERVERS, bootstrapServers());
        return conf;
    }
}
