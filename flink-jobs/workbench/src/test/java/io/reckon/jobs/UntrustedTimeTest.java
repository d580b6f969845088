package io.reckon.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.avro.Anomaly;
import io.reckon.connectors.embedded.EmbeddedStack;
import io.reckon.connectors.kafka.KafkaOptions;
import io.reckon.connectors.kafka.TopicAdmin;
import io.reckon.connectors.kafka.Topics;
import io.reckon.connectors.registry.ConfluentAvroCodec;
import io.reckon.jobs.reconcile.ReconSettings;
import io.reckon.jobs.sources.InputKind;
import io.reckon.replay.JsonInputs;
import io.reckon.replay.Replay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Time that cannot be trusted (spec v1.1): the production job, live (unbounded sources, idleness of
 * 1 s), over a real broker. Two accounts have October usage and reports up to October 20, so October is
 * open. Then a usage record dated a year ahead, three invoice lines for a period of next year, and a
 * contract version effective next year arrive, and the metering partitions go quiet for several idle
 * timeouts (the situation in which one record used to decide the job's event time). No October
 * anomaly may become final, and a record of October 21 that arrives after them must not be late.
 * Then usage and reports of November 6 arrive: October becomes final, so the check above could fail.
 */
class UntrustedTimeTest {

    private static final String A = "acct_time_a";
    private static final String B = "acct_time_b";
    private static final String C = "acct_time_c";
    private static final Instant OCTOBER = Instant.parse("2026-10-01T00:00:00Z");

    @TempDir
    Path work;

    @Test
    @Timeout(240)
    void recordsFromTheFutureMakeNoPeriodFinalAndNoRecordLate() throws Exception {
        try (EmbeddedStack stack = EmbeddedStack.start(work.resolve("stack"))) {
            Configuration conf = stack.connectorConfig();
            conf.set(KafkaOptions.GROUP_ID, "untrusted-time");
            conf.set(KafkaOptions.TRANSACTIONAL_ID_PREFIX, "untrusted-time");
            conf.set(KafkaOptions.STARTING_OFFSETS, KafkaOptions.StartingOffsets.EARLIEST.value());
            conf.set(ReconOptions.SOURCE_IDLE_TIMEOUT, Duration.ofSeconds(1));
            conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(500));
            ConfluentAvroCodec codec = ConfluentAvroCodec.fromConfig(conf);
            try (TopicAdmin admin = TopicAdmin.connect(conf)) {
                admin.ensureTopics(conf.get(KafkaOptions.TOPIC_PARTITIONS));
            }

            // October 1 to 20: 10 used and 8 reported per hour, for A and B.
            List<ProducerRecord<byte[], byte[]>> october = new ArrayList<>();
            for (String account : List.of(A, B)) {
                october.add(contract(codec, account, 1, "2026-01-01T00:00:00Z", "0.5"));
            }
            produce(conf, october);
            october.clear();
            for (int h = 0; h < 20 * 24; h++) {
                Instant at = OCTOBER.plus(Duration.ofHours(h));
                for (String account : List.of(A, B)) {
                    october.add(usage(codec, account + "-u-" + h, account, at, "10"));
                    october.add(reported(codec, account + "-r-" + h, account, at, "8"));
                }
            }
            produce(conf, october);

            Path checkpoints = Files.createDirectories(work.resolve("checkpoints"));
            Configuration flink = Replay.jobConfiguration(conf, checkpoints);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, flink);
            ReconciliationJob.defineWorkflow(
                    env,
                    ReconSettings.from(flink),
                    ReconciliationJob.Watermarks.from(flink),
                    ReconciliationWiring.kafkaInputs(flink, false),
                    ReconciliationWiring.kafkaAndPostgresOutputs(flink));
            JobClient job = env.executeAsync("untrusted-time");
            try {
                awaitAnomalies(conf, codec, a -> a.getAccountId().equals(A) && !a.getFinal$());
                awaitAnomalies(conf, codec, a -> a.getAccountId().equals(B) && !a.getFinal$());

                // The records from the future, then several idle timeouts of quiet metering.
                Instant nextOctober = Instant.parse("2027-10-01T00:00:00Z");
                produce(
                        conf,
                        List.of(
                                usage(codec, "c-future", C, Instant.now().plus(Duration.ofDays(365)), "1"),
                                line(codec, "annual-1", C, nextOctober, "100"),
                                line(codec, "annual-2", C, nextOctober, "200"),
                                line(codec, "annual-3", C, nextOctober, "300"),
                                contract(codec, A, 2, "2027-01-01T00:00:00Z", "9")));
                awaitCount(job, "invoices.read", 3);
                Thread.sleep(5_000);
                // A record of October 21 after them: October is still open, so it is not late.
                produce(
                        conf,
                        List.of(
                                usage(codec, "b-probe", B, OCTOBER.plus(Duration.ofDays(20)), "50"),
                                reported(codec, "b-probe-r", B, OCTOBER.plus(Duration.ofDays(20)), "50")));
                awaitCount(job, "usage.read", 2 * 20 * 24 + 2);
                Thread.sleep(3_000);

                Map<String, Object> counts = job.getAccumulators().get();
                assertThat(count(counts, "usage.dead_lettered"))
                        .as("the usage record of next year")
                        .isEqualTo(1);
                assertThat(count(counts, "invoices.valid"))
                        .as("the lines of next year are valid")
                        .isEqualTo(3);
                assertThat(count(counts, "usage.late")).isZero();
                assertThat(count(counts, "reported.late")).isZero();
                assertThat(count(counts, "invoices.late")).isZero();
                assertThat(committedAnomalies(conf, codec))
                        .as("no anomaly is final while October's data has not all arrived")
                        .noneMatch(Anomaly::getFinal$);

                // Now time really passes: usage and reports of November 6, several per account.
                List<ProducerRecord<byte[], byte[]>> november = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    Instant at = Instant.parse("2026-11-06T00:00:00Z").plus(Duration.ofMinutes(i));
                    for (String account : List.of(A, B)) {
                        november.add(usage(codec, account + "-nov-" + i, account, at, "1"));
                        november.add(reported(codec, account + "-nov-r-" + i, account, at, "1"));
                    }
                }
                produce(conf, november);
                Anomaly finalB = awaitAnomalies(
                        conf,
                        codec,
                        a -> a.getAccountId().equals(B)
                                && a.getFinal$()
                                && a.getType().equals("UNDER_REPORTED_USAGE")
                                && a.getPeriodStart().equals(OCTOBER));
                // 480 hours of 10 plus the probe's 50; 480 of 8 plus 50 reported.
                assertThat(finalB.getActualQuantity()).isEqualByComparingTo("4850");
                assertThat(finalB.getReportedQuantity()).isEqualByComparingTo("3890");
                awaitAnomalies(
                        conf,
                        codec,
                        a -> a.getAccountId().equals(A)
                                && a.getFinal$()
                                && a.getPeriodStart().equals(OCTOBER));
                assertThat(count(job.getAccumulators().get(), "usage.late")).isZero();
            } finally {
                job.cancel().get();
            }
        }
    }

    private static long count(Map<String, Object> accumulators, String name) {
        return ((Number) accumulators.getOrDefault(name, 0L)).longValue();
    }

    private static void awaitCount(JobClient job, String name, long atLeast) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (count(job.getAccumulators().get(), name) >= atLeast) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(name + " did not reach " + atLeast);
    }

    private static Anomaly awaitAnomalies(Configuration conf, ConfluentAvroCodec codec, Predicate<Anomaly> wanted)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            for (Anomaly a : committedAnomalies(conf, codec)) {
                if (wanted.test(a)) {
                    return a;
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no such anomaly within 90 s");
    }

    private static List<Anomaly> committedAnomalies(Configuration conf, ConfluentAvroCodec codec) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", conf.get(KafkaOptions.BOOTSTRAP_SERVERS));
        p.put("isolation.level", "read_committed");
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        List<Anomaly> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.ANOMALIES, Duration.ofSeconds(10)).stream()
                    .map(i -> new TopicPartition(Topics.ANOMALIES, i.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(codec.decode(r.value(), Anomaly.class));
                }
            }
        }
        return out;
    }

    private static void produce(Configuration conf, List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        try (TopicAdmin admin = TopicAdmin.connect(conf)) {
            admin.produceAll(records);
        }
    }

    private static ProducerRecord<byte[], byte[]> usage(
            ConfluentAvroCodec codec, String id, String account, Instant at, String quantity) throws Exception {
        return json(
                codec,
                InputKind.USAGE,
                "{\"event_id\":\"" + id + "\",\"account_id\":\"" + account
                        + "\",\"meter\":\"api_calls\",\"event_time\":\"" + at + "\",\"quantity\":\"" + quantity
                        + "\"}");
    }

    private static ProducerRecord<byte[], byte[]> reported(
            ConfluentAvroCodec codec, String id, String account, Instant at, String quantity) throws Exception {
        return json(
                codec,
                InputKind.REPORTED,
                "{\"report_id\":\"" + id + "\",\"account_id\":\"" + account
                        + "\",\"meter\":\"api_calls\",\"event_time\":\"" + at + "\",\"quantity\":\"" + quantity
                        + "\"}");
    }

    private static ProducerRecord<byte[], byte[]> line(
            ConfluentAvroCodec codec, String id, String account, Instant start, String amount) throws Exception {
        Instant end = start.plus(Duration.ofDays(31));
        return json(
                codec,
                InputKind.INVOICES,
                "{\"invoice_id\":\"in-" + id + "\",\"line_id\":\"" + id
                        + "\",\"account_id\":\"" + account + "\",\"meter\":\"api_calls\",\"period_start\":\"" + start
                        + "\",\"period_end\":\"" + end + "\",\"quantity\":\"1\",\"amount_minor\":" + amount
                        + ",\"currency\":\"usd\",\"status\":\"open\"}");
    }

    private static ProducerRecord<byte[], byte[]> contract(
            ConfluentAvroCodec codec, String account, int version, String from, String unit) throws Exception {
        return json(
                codec,
                InputKind.CONTRACTS,
                "{\"account_id\":\"" + account + "\",\"version\":" + version
                        + ",\"effective_from\":\"" + from
                        + "\",\"currency\":\"usd\",\"meters\":[{\"meter\":\"api_calls\","
                        + "\"pricing\":{\"model\":\"per_unit\",\"unit_amount_decimal\":\"" + unit + "\"}}]}");
    }

    private static ProducerRecord<byte[], byte[]> json(ConfluentAvroCodec codec, InputKind kind, String line)
            throws Exception {
        JsonInputs.Converted c = JsonInputs.convert(kind, line);
        return TopicAdmin.record(
                kind.topic(), c.key(), codec.encode(ConfluentAvroCodec.valueSubject(kind.topic()), c.value()), null);
    }
}
