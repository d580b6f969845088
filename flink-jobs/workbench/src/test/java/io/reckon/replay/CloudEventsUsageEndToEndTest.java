package io.reckon.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.avro.Anomaly;
import io.reckon.avro.DeadLetter;
import io.reckon.connectors.embedded.EmbeddedStack;
import io.reckon.connectors.kafka.KafkaOptions;
import io.reckon.connectors.kafka.TopicAdmin;
import io.reckon.connectors.kafka.Topics;
import io.reckon.jobs.sources.CloudEventsOptions;
import io.reckon.jobs.sources.InputKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Usage sent as CloudEvents JSON through a real broker and the production job graph: the events go
 * to recon.usage.cloudevents as raw JSON bytes, contracts and reported usage through the Avro path
 * of replay, and the anomalies and dead letters are read back from their topics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CloudEventsUsageEndToEndTest {

    private static final String ACCT_1_CONTRACT =
            "{\"account_id\":\"acct_1\",\"version\":1,\"effective_from\":\"2026-01-01T00:00:00Z\",\"currency\":\"usd\","
                    + "\"meters\":[{\"meter\":\"api_calls\",\"included_quantity\":\"1000\",\"pricing\":{\"model\":"
                    + "\"graduated\",\"tiers\":[{\"up_to\":\"10000\",\"unit_amount_decimal\":\"0.5\"},"
                    + "{\"up_to\":null,\"unit_amount_decimal\":\"0.25\"}]}}]}";

    @TempDir
    static Path work;

    private EmbeddedStack stack;
    private Replay.Result result;

    private static String cloudEvent(String type, String id, String time, String data) {
        return cloudEvent("gateway", type, id, time, data);
    }

    private static String cloudEvent(String source, String type, String id, String time, String data) {
        return "{\"specversion\":\"1.0\",\"type\":\"" + type + "\",\"id\":\"" + id + "\",\"source\":\"" + source
                + "\",\"subject\":\"acct_1\",\"time\":\"" + time + "\",\"data\":" + data + "}";
    }

    @BeforeAll
    void replayWithCloudEventsUsage() throws Exception {
        stack = EmbeddedStack.start(work.resolve("stack"));
        Configuration connectors = stack.connectorConfig();
        List<String> events = List.of(
                cloudEvent("api-calls", "ev-1", "2026-03-02T09:15:00Z", "{\"value\":\"5000\"}"),
                cloudEvent("api-calls", "ev-2", "2026-03-02T10:40:00Z", "{\"value\":4000}"),
                // A redelivery of ev-2: counts once.
                cloudEvent("api-calls", "ev-2", "2026-03-02T10:40:00Z", "{\"value\":4000}"),
                cloudEvent("api-calls", "ev-3", "2026-03-02T11:05:00Z", "{\"value\":3000.125}"),
                // Another producer numbering its events alike: (source, id) differs, so it counts.
                cloudEvent("batch-exporter", "api-calls", "ev-1", "2026-03-02T11:10:00Z", "{\"value\":700}"),
                cloudEvent("page-views", "ev-4", "2026-03-02T11:06:00Z", "{\"value\":1}"),
                cloudEvent("api-calls", "ev-5", "2026-03-02T11:07:00Z", "{\"value\":\"-5\"}"));
        try (TopicAdmin admin = TopicAdmin.connect(connectors)) {
            admin.ensureTopics(connectors.get(KafkaOptions.TOPIC_PARTITIONS));
            admin.produceAll(events.stream()
                    .map(e -> (ProducerRecord<byte[], byte[]>) TopicAdmin.record(
                            Topics.USAGE_CLOUDEVENTS, "acct_1", e.getBytes(StandardCharsets.UTF_8), null))
                    .toList());
        }
        Path contracts = Files.writeString(work.resolve("contracts.jsonl"), ACCT_1_CONTRACT + "\n");
        Path reported = Files.writeString(
                work.resolve("reported.jsonl"),
                "{\"report_id\":\"r-1\",\"account_id\":\"acct_1\",\"meter\":\"api_calls\","
                        + "\"event_time\":\"2026-03-02T09:59:00Z\",\"quantity\":\"5000\"}\n"
                        + "{\"report_id\":\"r-2\",\"account_id\":\"acct_1\",\"meter\":\"api_calls\","
                        + "\"event_time\":\"2026-03-02T10:59:00Z\",\"quantity\":\"4000\"}\n");

        Configuration overrides = new Configuration();
        overrides.set(CloudEventsOptions.METERS, "api-calls:api_calls:$.value");
        result = Replay.run(connectors, new Replay.InputFiles(contracts, null, reported, null), overrides);
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void cloudEventsUsageRaisesUnderReportedUsageWithTheExactQuantityCountingTheDuplicateOnceAndOtherSourcesApart() {
        List<Anomaly> underReported = result.anomalies().stream()
                .filter(a -> a.getType().equals("UNDER_REPORTED_USAGE"))
                .toList();
        assertThat(underReported).isNotEmpty();
        Anomaly last = underReported.get(underReported.size() - 1);
        assertThat(last.getAccountId()).isEqualTo("acct_1");
        assertThat(last.getMeter()).isEqualTo("api_calls");
        assertThat(last.getFinal$()).isTrue();
        // 5000 + 4000 (once, despite the redelivery) + 3000.125 + 700 (ev-1 of the other source); with
        // ev-2 twice it would be 16700.125, with ids alone deduplicated 12000.125.
        assertThat(last.getActualQuantity()).isEqualByComparingTo("12700.125");
        assertThat(last.getReportedQuantity()).isEqualByComparingTo("9000");
    }

    @Test
    void everyCloudEventIsAccountedForAndTheDuplicateIsCountedWithUsage() {
        InputCounts cloudEvents = result.counts().get(InputKind.USAGE_CLOUDEVENTS);
        assertThat(cloudEvents.read()).isEqualTo(7);
        assertThat(cloudEvents.valid()).isEqualTo(5);
        assertThat(cloudEvents.deadLettered()).isEqualTo(2);
        assertThat(result.counts().get(InputKind.USAGE).duplicates()).isEqualTo(1);
        assertThat(result.counts().values()).allMatch(InputCounts::balanced);
        assertThat(Replay.summary(result)).contains("usage_cloudevents");
    }

    @Test
    void badCloudEventsAreDeadLetteredWithTheirReason() {
        List<DeadLetter> dead = result.deadLetters().stream()
                .filter(d -> d.getSource().equals(Topics.USAGE_CLOUDEVENTS))
                .toList();
        assertThat(dead)
                .extracting(DeadLetter::getReason)
                .containsExactlyInAnyOrder(
                        "CloudEvent type 'page-views' is not mapped in cloudevents.meters",
                        "value at $.value is negative: -5");
        assertThat(dead).allSatisfy(d -> {
            assertThat(d.getPartition()).isNotNull();
            assertThat(d.getOffset()).isNotNull();
            assertThat(StandardCharsets.UTF_8.decode(d.getRaw().duplicate()).toString())
                    .startsWith("{\"specversion\":\"1.0\"");
        });
    }
}
