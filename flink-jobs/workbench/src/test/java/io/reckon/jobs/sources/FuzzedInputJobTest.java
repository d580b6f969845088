package io.reckon.jobs.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.avro.Contract;
import io.reckon.avro.DeadLetter;
import io.reckon.avro.InvoiceLine;
import io.reckon.avro.ReportedUsage;
import io.reckon.avro.UsageEvent;
import io.reckon.connectors.embedded.EmbeddedStack;
import io.reckon.connectors.kafka.KafkaOptions;
import io.reckon.connectors.kafka.TopicAdmin;
import io.reckon.connectors.registry.ConfluentAvroCodec;
import io.reckon.jobs.records.DeadLetterRecord;
import io.reckon.jobs.sources.BadInputCorpusTest.Ids;
import io.reckon.replay.Replay;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Random bytes and random field mutations of valid records, written into every input topic of a real
 * broker beside a clean account, through the production job graph with no restart allowed. Whatever
 * the generator makes, the job must end, every record must be either valid or dead-lettered once
 * (read = valid + dead-lettered per input), and the clean account must be reconciled exactly.
 *
 * <p>Each try runs the whole job on a fresh stack (about 15 s), so the tries are few and each carries
 * many records.
 */
class FuzzedInputJobTest {

    private static final String FUZZ_ACCOUNT = "acct_fuzz";
    private static final String CLEAN_ACCOUNT = "acct_clean";
    private static final Instant PERIOD = Instant.parse("2026-09-01T00:00:00Z");

    /** One generated record: where it goes, how it is built from valid ones, and what it mutates. */
    record Fuzz(InputKind input, Mutation mutation, int seed, byte[] random) {}

    enum Mutation {
        RANDOM_BYTES,
        FLIP_BYTES,
        TRUNCATE,
        INSERT_BYTES,
        FIELD
    }

    @Property(tries = 2, shrinking = ShrinkingMode.OFF)
    void randomAndMutatedRecordsNeverStopTheJobAndAreCountedOnce(@ForAll("batches") @Size(150) List<Fuzz> batch)
            throws Exception {
        Path work = Files.createTempDirectory("fuzzed-input-");
        try (EmbeddedStack stack = EmbeddedStack.start(work.resolve("stack"))) {
            var conf = stack.connectorConfig();
            ConfluentAvroCodec codec = ConfluentAvroCodec.fromConfig(conf);
            Ids ids = new Ids(
                    codec,
                    codec.schemaId(
                            ConfluentAvroCodec.valueSubject(InputKind.USAGE.topic()), UsageEvent.getClassSchema()),
                    codec.schemaId(
                            ConfluentAvroCodec.valueSubject(InputKind.REPORTED.topic()),
                            ReportedUsage.getClassSchema()),
                    codec.schemaId(
                            ConfluentAvroCodec.valueSubject(InputKind.INVOICES.topic()), InvoiceLine.getClassSchema()),
                    codec.schemaId(
                            ConfluentAvroCodec.valueSubject(InputKind.CONTRACTS.topic()), Contract.getClassSchema()));

            Map<InputKind, Integer> produced = new EnumMap<>(InputKind.class);
            List<ProducerRecord<byte[], byte[]>> contracts = new ArrayList<>();
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            contracts.add(record(
                    produced,
                    InputKind.CONTRACTS,
                    BadInputCorpusTest.contract(ids, CLEAN_ACCOUNT, 1, "usd", BadInputCorpusTest.goodMeter())));
            for (int h = 0; h < 48; h++) {
                Instant at = PERIOD.plus(Duration.ofHours(h));
                records.add(record(
                        produced,
                        InputKind.USAGE,
                        BadInputCorpusTest.usage(
                                ids, "clean-u-" + h, CLEAN_ACCOUNT, "api_calls", at, q("10"), Map.of())));
                if (h < 40) {
                    records.add(record(
                            produced,
                            InputKind.REPORTED,
                            BadInputCorpusTest.reported(ids, "clean-r-" + h, CLEAN_ACCOUNT, "api_calls", at, q("10"))));
                }
            }
            List<byte[]> fuzzValues = new ArrayList<>();
            for (Fuzz f : batch) {
                byte[] value = build(ids, f);
                fuzzValues.add(value);
                (f.input() == InputKind.CONTRACTS ? contracts : records).add(record(produced, f.input(), value));
            }
            try (TopicAdmin admin = TopicAdmin.connect(conf)) {
                admin.ensureTopics(conf.get(KafkaOptions.TOPIC_PARTITIONS));
                admin.produceAll(contracts);
                admin.produceAll(records);
            }

            Replay.Result result =
                    Replay.run(conf, new Replay.InputFiles(null, null, null, null), BadInputCorpusTest.jobOptions());

            assertThat(result.job().getNetRuntime()).isPositive();
            Map<String, Object> acc = result.job().getAllAccumulatorResults();
            for (InputKind k : InputKind.values()) {
                long read = ((Number) acc.getOrDefault(k.label() + ".read", 0L)).longValue();
                long valid = ((Number) acc.getOrDefault(k.label() + ".valid", 0L)).longValue();
                long dead = ((Number) acc.getOrDefault(k.label() + ".dead_lettered", 0L)).longValue();
                assertThat(read).as("%s read", k).isEqualTo((long) produced.getOrDefault(k, 0));
                assertThat(valid + dead).as("%s valid + dead-lettered", k).isEqualTo(read);
            }
            // Each generated record is dead-lettered at most once (a mutation may leave it valid).
            Map<String, Integer> letters = new HashMap<>();
            for (DeadLetter d : result.deadLetters()) {
                if (d.getRawSha256() != null) {
                    letters.merge(d.getSource() + " " + d.getRawSha256(), 1, Integer::sum);
                }
            }
            Map<String, Integer> generated = new HashMap<>();
            for (int i = 0; i < batch.size(); i++) {
                generated.merge(key(batch.get(i).input(), fuzzValues.get(i)), 1, Integer::sum);
            }
            for (Map.Entry<String, Integer> g : generated.entrySet()) {
                assertThat(letters.getOrDefault(g.getKey(), 0))
                        .as("dead letters of %s", g.getKey())
                        .isLessThanOrEqualTo(g.getValue());
            }
            assertThat(letters.keySet())
                    .as("every dead letter is of a generated record")
                    .allMatch(k -> generated.containsKey(k) || !k.startsWith("recon."));
            long fuzzDead = letters.entrySet().stream()
                    .filter(e -> generated.containsKey(e.getKey()))
                    .mapToLong(Map.Entry::getValue)
                    .sum();
            System.out.printf(
                    "FuzzedInputJobTest: %d generated records, %d dead-lettered, %d valid; job %d ms%n",
                    batch.size(),
                    fuzzDead,
                    batch.size() - fuzzDead,
                    result.job().getNetRuntime());
            // The clean account: 480 used, 400 reported at 0.5 cent: UNDER_REPORTED_USAGE of 40 cents.
            Map<String, io.reckon.avro.Anomaly> last = new HashMap<>();
            for (io.reckon.avro.Anomaly a : result.anomalies()) {
                if (a.getAccountId().equals(CLEAN_ACCOUNT)) {
                    last.merge(a.getAnomalyId(), a, (x, y) -> y.getRevision() > x.getRevision() ? y : x);
                }
            }
            Map<String, Long> leaks = new HashMap<>();
            for (io.reckon.avro.Anomaly a : last.values()) {
                if (!List.of("REPORTING_GAP", "USAGE_SPIKE", "USAGE_DROP").contains(a.getType())) {
                    leaks.put(a.getType(), a.getAmountMinor());
                }
            }
            assertThat(leaks).containsEntry("UNDER_REPORTED_USAGE", 40L).containsEntry("UNBILLED_USAGE", 200L);
            assertThat(leaks).hasSize(2);
        } finally {
            org.apache.commons.io.FileUtils.deleteQuietly(work.toFile());
        }
    }

    @Provide
    Arbitrary<List<Fuzz>> batches() {
        Arbitrary<Fuzz> one = Combinators.combine(
                        Arbitraries.of(InputKind.values()),
                        Arbitraries.of(Mutation.values()),
                        Arbitraries.integers().between(0, Integer.MAX_VALUE),
                        Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(300))
                .as(Fuzz::new);
        return one.list().ofSize(150);
    }

    private static String key(InputKind k, byte[] value) {
        return k.topic() + " " + DeadLetterRecord.of("", null, null, value, "", 0).rawSha256;
    }

    private static ProducerRecord<byte[], byte[]> record(Map<InputKind, Integer> produced, InputKind k, byte[] value) {
        produced.merge(k, 1, Integer::sum);
        return TopicAdmin.record(k.topic(), FUZZ_ACCOUNT, value, null);
    }

    /** The bytes of one generated record, from a valid record of the fuzz account of its input. */
    static byte[] build(Ids ids, Fuzz f) {
        java.util.Random r = new java.util.Random(f.seed());
        if (f.mutation() == Mutation.RANDOM_BYTES) {
            return f.random();
        }
        if (f.mutation() == Mutation.FIELD) {
            return mutatedField(ids, f.input(), r);
        }
        byte[] valid = valid(ids, f.input(), "fuzz-" + f.seed());
        return switch (f.mutation()) {
            case FLIP_BYTES -> {
                byte[] b = valid.clone();
                int flips = 1 + r.nextInt(4);
                for (int i = 0; i < flips; i++) {
                    b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
                }
                yield b;
            }
            case TRUNCATE -> java.util.Arrays.copyOf(valid, r.nextInt(valid.length));
            case INSERT_BYTES -> {
                int at = r.nextInt(valid.length + 1);
                ByteBuffer b = ByteBuffer.allocate(valid.length + f.random().length);
                b.put(valid, 0, at).put(f.random()).put(valid, at, valid.length - at);
                yield b.array();
            }
            default -> throw new IllegalStateException(f.mutation().name());
        };
    }

    private static byte[] valid(Ids ids, InputKind k, String id) {
        Instant at = PERIOD.plus(Duration.ofHours(3));
        return switch (k) {
            case USAGE -> BadInputCorpusTest.usage(ids, id, FUZZ_ACCOUNT, "api_calls", at, q("1"), Map.of());
            case REPORTED -> BadInputCorpusTest.reported(ids, id, FUZZ_ACCOUNT, "api_calls", at, q("1"));
            case INVOICES ->
                BadInputCorpusTest.invoiceOf(
                        ids, FUZZ_ACCOUNT, "inv-" + id, id, PERIOD, PERIOD.plus(Duration.ofDays(30)), q("1"), 50);
            case CONTRACTS ->
                BadInputCorpusTest.contract(ids, FUZZ_ACCOUNT + "_" + id, 1, "usd", BadInputCorpusTest.goodMeter());
            case USAGE_CLOUDEVENTS -> HostileCases.ce(id, FUZZ_ACCOUNT, at.toString(), "{\"value\":1}");
        };
    }

    /** A valid record of {@code k} with one field replaced by a hostile value. */
    private static byte[] mutatedField(Ids ids, InputKind k, java.util.Random r) {
        String[] strings = {"", " ", "x".repeat(3_000), "a\u0000b", "\u00e9".repeat(200), "acct\u001fmeter"};
        String s = strings[r.nextInt(strings.length)];
        Instant[] times = {
            Instant.now().plus(Duration.ofDays(365)), Instant.ofEpochMilli(-5), Instant.parse("9999-12-31T23:59:59Z")
        };
        Instant t = times[r.nextInt(times.length)];
        String[] decimals = {"-1", "1e17", "1e18", "123456789.123456789", "0"};
        BigDecimal d = new BigDecimal(decimals[r.nextInt(decimals.length)]).setScale(9);
        String id = "field-" + r.nextInt(1_000_000);
        int which = r.nextInt(3);
        return switch (k) {
            case USAGE ->
                BadInputCorpusTest.usage(
                        ids,
                        which == 0 ? s : id,
                        FUZZ_ACCOUNT,
                        "api_calls",
                        which == 1 ? t : PERIOD,
                        which == 2 ? d : q("1"),
                        Map.of());
            case REPORTED ->
                BadInputCorpusTest.reported(
                        ids,
                        id,
                        which == 0 ? s : FUZZ_ACCOUNT,
                        "api_calls",
                        which == 1 ? t : PERIOD,
                        which == 2 ? d : q("1"));
            case INVOICES ->
                BadInputCorpusTest.invoiceOf(
                        ids,
                        FUZZ_ACCOUNT,
                        which == 0 ? s : "inv-" + id,
                        id,
                        PERIOD,
                        which == 1 ? t : PERIOD.plusSeconds(86_400),
                        which == 2 ? d : q("1"),
                        r.nextLong());
            case CONTRACTS ->
                BadInputCorpusTest.contract(
                        ids,
                        which == 0 ? s : FUZZ_ACCOUNT + "_" + id,
                        1,
                        which == 1 ? s : "usd",
                        BadInputCorpusTest.goodMeter());
            case USAGE_CLOUDEVENTS ->
                HostileCases.ce(
                        which == 0 ? s : id,
                        FUZZ_ACCOUNT,
                        which == 1 ? t.toString() : PERIOD.toString(),
                        "{\"value\":" + (which == 2 ? decimals[r.nextInt(decimals.length)] : "1") + "}");
        };
    }

    private static BigDecimal q(String v) {
        return new BigDecimal(v).setScale(9);
    }
}
