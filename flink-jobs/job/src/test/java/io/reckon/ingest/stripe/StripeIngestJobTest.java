package io.reckon.ingest.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.reckon.avro.Contract;
import io.reckon.avro.DeadLetter;
import io.reckon.avro.InvoiceLine;
import io.reckon.avro.MeterTerms;
import io.reckon.avro.Pricing;
import io.reckon.avro.ReportedUsage;
import io.reckon.connectors.embedded.EmbeddedKafka;
import io.reckon.connectors.embedded.FakeStripeReads;
import io.reckon.connectors.embedded.FakeStripeReads.Line;
import io.reckon.connectors.kafka.KafkaOptions;
import io.reckon.connectors.kafka.TopicAdmin;
import io.reckon.connectors.kafka.Topics;
import io.reckon.connectors.registry.ConfluentAvroCodec;
import io.reckon.connectors.registry.SchemaRegistryOptions;
import io.reckon.connectors.stripe.source.StripeSourceOptions;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest job end to end on a real broker: contracts in {@code recon.contracts}, Stripe's side only
 * through the stand-in's API; invoice lines land in {@code recon.invoices}, hourly summaries in {@code
 * recon.reported} as kind=summary records, unmappable lines in {@code recon.dlq} with their reason, each
 * once, through the exactly-once sinks (read_committed), with Flink's own serializers (no Kryo).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StripeIngestJobTest {

    @TempDir
    static Path work;

    private EmbeddedKafka kafka;
    private FakeStripeReads stripe;

    @BeforeAll
    void start() {
        kafka = EmbeddedKafka.start(work.resolve("kafka"));
        stripe = FakeStripeReads.start();
    }

    @AfterAll
    void stop() {
        stripe.close();
        kafka.close();
    }

    @Test
    void linesSummariesAndDeadLettersReachTheirTopicsOnce() throws Exception {
        Instant now = Instant.now();
        long periodStart =
                now.truncatedTo(ChronoUnit.DAYS).minus(3, ChronoUnit.DAYS).getEpochSecond();
        long periodEnd = now.truncatedTo(ChronoUnit.DAYS).getEpochSecond();
        long created = now.minus(1, ChronoUnit.HOURS).getEpochSecond();
        stripe.price("price_api", "mtr_api");
        stripe.invoice(
                "in_1",
                "cus_1",
                "usd",
                created,
                "open",
                List.of(
                        new Line("il_1", "price_api", periodStart, periodEnd, new BigDecimal("1200"), 1200),
                        new Line("il_2", "price_api", periodStart, periodEnd, BigDecimal.ONE, -100),
                        // More digits before the point than the input contracts' decimal(38, 9) holds: a
                        // dead letter, not a record that fails the Kafka sink and restarts the job forever.
                        new Line("il_4", "price_api", periodStart, periodEnd, new BigDecimal("1E+40"), 5)));
        stripe.event("invoice.finalized", "in_1", created);
        stripe.invoice(
                "in_2",
                "cus_nobody",
                "usd",
                created,
                "open",
                List.of(new Line("il_3", "price_api", periodStart, periodEnd, BigDecimal.TEN, 10)));
        stripe.event("invoice.finalized", "in_2", created + 1);
        long hour = now.truncatedTo(ChronoUnit.HOURS).minus(2, ChronoUnit.HOURS).getEpochSecond();
        stripe.summary("mtr_api", "cus_1", hour, new BigDecimal("40"));
        stripe.summary("mtr_api", "cus_1", hour + 3600, new BigDecimal("2.5"));
        stripe.summary("mtr_api", "cus_1", hour - 3600, new BigDecimal("123456789012345678901234567890"));
        stripe.rateLimitNext(3, 0);

        Path key = work.resolve("stripe-key");
        Files.writeString(key, "rk_test_ingest\n", StandardCharsets.UTF_8);
        Configuration conf = new Configuration();
        conf.set(KafkaOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        conf.set(SchemaRegistryOptions.URL, "mock://stripe-ingest");
        conf.set(StripeSourceOptions.API_BASE, stripe.apiBase());
        conf.set(StripeSourceOptions.API_KEY_FILE, key.toString());
        conf.set(StripeSourceOptions.BOUNDED, true);
        conf.set(StripeSourceOptions.BASE_BACKOFF, Duration.ofMillis(10));
        // A record that fails the job fails this test, instead of restarting it without end.
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        try (TopicAdmin admin = TopicAdmin.connect(conf)) {
            admin.ensureTopics(2);
            ConfluentAvroCodec codec = ConfluentAvroCodec.fromConfig(conf);
            admin.produce(Topics.CONTRACTS, "acct_1", codec.encode(Topics.CONTRACTS + "-value", contract()));
        }

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.enableCheckpointing(200);
        StripeIngestWiring.define(env, conf);
        env.execute("stripe-ingest-test");

        ConfluentAvroCodec codec = ConfluentAvroCodec.fromConfig(conf);
        List<InvoiceLine> lines = read(conf, Topics.INVOICES, codec, InvoiceLine.class).stream()
                .filter(l -> !l.getInvoiceId().equals("in_old"))
                .toList();
        assertThat(lines).extracting(InvoiceLine::getLineId).containsExactlyInAnyOrder("il_1", "il_2");
        InvoiceLine credit = lines.stream()
                .filter(l -> l.getLineId().equals("il_2"))
                .findFirst()
                .orElseThrow();
        assertThat(credit.getAmountMinor()).isEqualTo(-100);
        assertThat(credit.getAccountId()).isEqualTo("acct_1");
        assertThat(credit.getMeter()).isEqualTo("api_calls");
        assertThat(credit.getStatus()).isEqualTo("open");
        assertThat(credit.getUpdatedAt()).isEqualTo(Instant.ofEpochSecond(created));

        List<ReportedUsage> reported = read(conf, Topics.REPORTED, codec, ReportedUsage.class);
        assertThat(reported).hasSize(2).allSatisfy(r -> {
            assertThat(r.getKind()).isEqualTo("summary");
            assertThat(r.getAccountId()).isEqualTo("acct_1");
        });
        assertThat(reported)
                .extracting(r -> r.getQuantity().stripTrailingZeros().toPlainString())
                .containsExactlyInAnyOrder("40", "2.5");
        assertThat(reported).extracting(ReportedUsage::getReportId).contains("stripe-summary:mtr_api:cus_1:" + hour);

        List<DeadLetter> dead = read(conf, Topics.DLQ, codec, DeadLetter.class);
        assertThat(dead)
                .extracting(DeadLetter::getSource, d -> d.getReason().replaceAll(": .*", ""))
                .containsExactlyInAnyOrder(
                        tuple("stripe.invoice_line", "invoice in_2 line il_3"),
                        tuple(
                                "stripe.invoice_line",
                                "quantity 10000000000000000000000000000000000000000 is out of range"),
                        tuple(
                                "stripe.meter_event_summary",
                                "quantity 123456789012345678901234567890 has more"
                                        + " than 29 digits before the decimal point"));
        assertThat(dead).anySatisfy(d -> assertThat(d.getReason()).contains("cus_nobody"));
    }

    @Test
    void theBackfillWritesTheLinesOfInvoicesCreatedInTheRange() throws Exception {
        long created = Instant.parse("2025-06-10T00:00:00Z").getEpochSecond();
        long june = Instant.parse("2025-06-01T00:00:00Z").getEpochSecond();
        stripe.price("price_api", "mtr_api");
        List<Line> many = new ArrayList<>();
        for (int i = 0; i < 13; i++) {
            many.add(new Line("il_old_" + i, "price_api", june - 30 * 86400L, june, BigDecimal.TEN, 10));
        }
        // A quantity the input contracts cannot hold: dead-lettered, the backfill goes on.
        many.add(new Line("il_old_huge", "price_api", june - 30 * 86400L, june, new BigDecimal("1E+29"), 10));
        stripe.invoice("in_old", "cus_1", "usd", created, "paid", many);
        stripe.invoice(
                "in_older",
                "cus_1",
                "usd",
                created - 90 * 86400L,
                "paid",
                List.of(new Line("il_outside", "price_api", june, june, BigDecimal.ONE, 1)));
        Path key = work.resolve("backfill-key");
        Files.writeString(key, "rk_test_backfill", StandardCharsets.UTF_8);
        Configuration conf = new Configuration();
        conf.set(KafkaOptions.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        conf.set(SchemaRegistryOptions.URL, "mock://stripe-ingest");
        conf.set(StripeSourceOptions.API_BASE, stripe.apiBase());
        conf.set(StripeSourceOptions.API_KEY_FILE, key.toString());
        conf.set(StripeSourceOptions.PAGE_SIZE, 5);
        ConfluentAvroCodec codec = ConfluentAvroCodec.fromConfig(conf);
        try (TopicAdmin admin = TopicAdmin.connect(conf)) {
            admin.ensureTopics(2);
            admin.produce(Topics.CONTRACTS, "acct_1", codec.encode(Topics.CONTRACTS + "-value", contract()));
        }

        StripeBackfill.Result result =
                StripeBackfill.run(conf, Instant.parse("2025-06-01T00:00:00Z"), Instant.parse("2025-07-01T00:00:00Z"));

        assertThat(result.invoices()).isEqualTo(1);
        assertThat(result.lines()).isEqualTo(13);
        assertThat(result.deadLetters()).isEqualTo(1);
        assertThat(read(conf, Topics.DLQ, codec, DeadLetter.class))
                .extracting(DeadLetter::getReason)
                .contains("quantity 100000000000000000000000000000 has more than 29 digits before the decimal point");
        List<InvoiceLine> lines = read(conf, Topics.INVOICES, codec, InvoiceLine.class).stream()
                .filter(l -> l.getInvoiceId().equals("in_old"))
                .toList();
        assertThat(lines).hasSize(13).allSatisfy(l -> {
            assertThat(l.getStatus()).isEqualTo("paid");
            assertThat(l.getMeter()).isEqualTo("api_calls");
        });
    }

    private static Contract contract() {
        return Contract.newBuilder()
                .setAccountId("acct_1")
                .setVersion(1)
                .setEffectiveFrom(Instant.parse("2026-01-01T00:00:00Z"))
                .setCurrency("usd")
                .setStripeCustomerId("cus_1")
                .setMeters(List.of(MeterTerms.newBuilder()
                        .setMeter("api_calls")
                        .setStripeMeterId("mtr_api")
                        .setPricing(Pricing.newBuilder()
                                .setModel("per_unit")
                                .setUnitAmountDecimal(new BigDecimal("0.010000000000"))
                                .build())
                        .build()))
                .build();
    }

    private static <T extends SpecificRecord> List<T> read(
            Configuration conf, String topic, ConfluentAvroCodec codec, Class<T> type) throws Exception {
        Properties p = KafkaOptions.clientProperties(conf);
        p.put("isolation.level", "read_committed");
        List<T> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline
                    && partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(codec.decode(r.value(), type));
                }
            }
        }
        return out;
    }
}
