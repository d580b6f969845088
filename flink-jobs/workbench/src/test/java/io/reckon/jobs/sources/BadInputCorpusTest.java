package io.reckon.jobs.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.avro.Contract;
import io.reckon.avro.DeadLetter;
import io.reckon.avro.InvoiceLine;
import io.reckon.avro.MeterTerms;
import io.reckon.avro.Pricing;
import io.reckon.avro.ReportedUsage;
import io.reckon.avro.Tier;
import io.reckon.avro.UsageEvent;
import io.reckon.connectors.embedded.EmbeddedStack;
import io.reckon.connectors.kafka.KafkaOptions;
import io.reckon.connectors.kafka.TopicAdmin;
import io.reckon.connectors.registry.ConfluentAvroCodec;
import io.reckon.jobs.records.DeadLetterRecord;
import io.reckon.jobs.records.Ingested;
import io.reckon.jobs.testing.AvroBytes;
import io.reckon.replay.InputCounts;
import io.reckon.replay.Replay;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus of inputs a misbehaving producer can send, written byte by byte straight into the input
 * topics of a real broker and read by the production job graph (bounded, like replay), mixed with a
 * few hundred good records. Each bad input must come out of recon.dlq exactly once with its reason;
 * no good record may, and read = valid + dead-lettered must hold per input.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputCorpusTest {

    static final String ACCOUNT = "acct_corpus";
    private static final String HUGE_ACCOUNT = "acct_huge_unpriced";
    /** Two valid invoice lines whose amounts add up beyond a long: the period is dead-lettered. */
    static final String OVERFLOW_ACCOUNT = "acct_overflow";

    /** Lines of {@link #OVERFLOW_ACCOUNT}: each within the input limit, together past a long. */
    static final List<String> OVERFLOW_LINES = java.util.stream.IntStream.rangeClosed(1, 10)
            .mapToObj(n -> "line-max-" + n)
            .toList();

    static final long OVERFLOW_LINE_AMOUNT = 999_999_999_999_999_999L;
    /** A prepaid annual invoice line for a period that starts next week: valid, and moves no time. */
    static final String ANNUAL_ACCOUNT = "acct_annual";

    static final String METER = "api_calls";
    static final Instant PERIOD = Instant.parse("2026-09-01T00:00:00Z");
    static final Instant T = Instant.parse("2026-09-10T12:00:00Z");
    private static final BigDecimal ONE = q("1");

    private static final int GOOD_USAGE = 240;
    private static final int GOOD_REPORTED = 200;

    /**
     * Where a dead letter of a case is found: by its raw bytes on its topic, by the reconciliation
     * (the decoded record), or as a period the reconciliation could not price (source reconcile; the
     * case's records are valid and counted so).
     */
    enum Match {
        RAW,
        RECONCILE,
        PERIOD
    }

    /** One bad input: what it is, where it goes, its bytes, and the reason it must be dead-lettered with. */
    record Case(String name, InputKind input, Function<Ids, byte[]> value, String reason, Match match) {
        Case(String name, InputKind input, Function<Ids, byte[]> value, String reason) {
            this(name, input, value, reason, Match.RAW);
        }
    }

    /** The codec and the schema ids the byte builders frame their bodies with. */
    record Ids(ConfluentAvroCodec codec, int usage, int reported, int invoice, int contract) {}

    // The corpus. Reasons are substrings of what IngestDeserializer, ConfluentAvroCodec,
    // InputValidation, ContractAvro and ReconcileFunction write.
    static final List<Case> CORPUS = new ArrayList<>(List.of(
            // --- framing ---------------------------------------------------------------------------
            new Case("null value (tombstone)", InputKind.USAGE, i -> null, "payload is null"),
            new Case("empty value", InputKind.USAGE, i -> new byte[0], "payload is empty"),
            new Case("one byte", InputKind.USAGE, i -> new byte[] {0}, "shorter than the 5-byte Confluent header"),
            new Case("four bytes", InputKind.REPORTED, i -> new byte[] {0, 0, 0, 1}, "shorter than the 5-byte"),
            new Case(
                    "wrong magic byte 0x01",
                    InputKind.USAGE,
                    i -> withMagic(usage(i, "magic-1"), 1),
                    "magic byte 0x01"),
            new Case(
                    "wrong magic byte 0xff",
                    InputKind.INVOICES,
                    i -> withMagic(invoice(i, "magic-ff"), 0xff),
                    "magic byte 0xff"),
            new Case(
                    "plain JSON instead of Avro",
                    InputKind.USAGE,
                    i -> "{\"event_id\":\"json-1\",\"quantity\":1}".getBytes(StandardCharsets.UTF_8),
                    "magic byte 0x7b"),
            new Case(
                    "unknown schema id 99999",
                    InputKind.USAGE,
                    i -> withId(usage(i, "id-99999"), 99999),
                    "unknown schema id 99999"),
            new Case(
                    "unknown schema id -1",
                    InputKind.REPORTED,
                    i -> withId(reported(i, "id-minus-1"), -1),
                    "unknown schema id -1"),
            new Case(
                    "header only, empty body",
                    InputKind.USAGE,
                    i -> AvroBytes.frame(i.usage(), new byte[0]),
                    "truncated Avro body"),
            new Case(
                    "truncated inside a string",
                    InputKind.USAGE,
                    i -> cut(usage(i, "trunc-string-xxxxxxxx"), 12),
                    "truncated"),
            new Case(
                    "truncated inside the decimal",
                    InputKind.USAGE,
                    i -> cut(usage(i, "trunc-decimal"), 3),
                    "truncated"),
            new Case(
                    "truncated before the attributes",
                    InputKind.USAGE,
                    i -> cut(usage(i, "trunc-attrs"), 1),
                    "truncated"),
            new Case("truncated invoice line", InputKind.INVOICES, i -> cut(invoice(i, "trunc-line"), 6), "truncated"),
            new Case(
                    "truncated contract",
                    InputKind.CONTRACTS,
                    i -> cut(contract(i, ACCOUNT + "_trunc", 1, "usd", goodMeter()), 8),
                    "truncated"),
            new Case(
                    "one trailing byte",
                    InputKind.USAGE,
                    i -> AvroBytes.concat(usage(i, "trail-1"), (byte) 0),
                    "1 trailing bytes"),
            new Case("two records in one payload", InputKind.REPORTED, i -> twoRecords(i), "trailing bytes"),
            // --- wrong record type on a topic ------------------------------------------------------
            new Case(
                    "ReportedUsage with its own id on recon.usage",
                    InputKind.USAGE,
                    i -> reported(i, "type-rep-on-usage"),
                    "incompatible with io.reckon.avro.UsageEvent"),
            new Case(
                    "InvoiceLine with its own id on recon.usage",
                    InputKind.USAGE,
                    i -> invoice(i, "type-inv-on-usage"),
                    "incompatible with io.reckon.avro.UsageEvent"),
            new Case(
                    "UsageEvent with its own id on recon.reported",
                    InputKind.REPORTED,
                    i -> usage(i, "type-usage-on-rep"),
                    "incompatible with io.reckon.avro.ReportedUsage"),
            new Case(
                    "UsageEvent with its own id on recon.contracts",
                    InputKind.CONTRACTS,
                    i -> usage(i, "type-usage-on-contracts"),
                    "incompatible with io.reckon.avro.Contract"),
            new Case(
                    "Contract with its own id on recon.invoices",
                    InputKind.INVOICES,
                    i -> contract(i, "type-contract-on-inv", 1, "usd", goodMeter()),
                    "incompatible with io.reckon.avro.InvoiceLine"),
            new Case(
                    "ReportedUsage body under the UsageEvent id",
                    InputKind.USAGE,
                    i -> withId(reported(i, "body-rep-id-usage"), i.usage()),
                    // The report's kind and updated_at (two null unions) are read as the empty map.
                    "trailing bytes"),
            new Case(
                    "UsageEvent body under the ReportedUsage id",
                    InputKind.REPORTED,
                    i -> withId(usage(i, "body-usage-id-rep"), i.reported()),
                    "truncated"),
            // --- writer schemas with wrong field types ---------------------------------------------
            new Case(
                    "event_time written as a string",
                    InputKind.USAGE,
                    i -> usageVariant(i, "event_time", "\"string\"", "2026-09-10T12:00:00Z", "variant-time"),
                    "incompatible with io.reckon.avro.UsageEvent"),
            new Case(
                    "quantity written as a double",
                    InputKind.USAGE,
                    i -> usageVariant(i, "quantity", "\"double\"", 1.5d, "variant-double"),
                    "incompatible with io.reckon.avro.UsageEvent"),
            new Case(
                    "quantity written as an int",
                    InputKind.USAGE,
                    i -> usageVariant(i, "quantity", "\"int\"", 7, "variant-int"),
                    "incompatible with io.reckon.avro.UsageEvent"),
            new Case(
                    "meter missing from the writer schema",
                    InputKind.USAGE,
                    i -> usageWithoutMeter(i),
                    "incompatible with io.reckon.avro.UsageEvent"),
            // --- corrupt bodies --------------------------------------------------------------------
            new Case(
                    "invalid UTF-8 (0xC3 0x28) in event_id",
                    InputKind.USAGE,
                    i -> usageRawId(i, new byte[] {'b', (byte) 0xC3, 0x28}),
                    "invalid UTF-8"),
            new Case(
                    "overlong UTF-8 NUL in account_id",
                    InputKind.USAGE,
                    i -> usageRawAccount(i, "utf8-overlong", new byte[] {'a', (byte) 0xC0, (byte) 0x80}),
                    "invalid UTF-8"),
            new Case(
                    "UTF-8 encoded surrogate in meter",
                    InputKind.REPORTED,
                    i -> reportedRawMeter(i, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}),
                    "invalid UTF-8"),
            new Case(
                    "string length 2^30",
                    InputKind.USAGE,
                    i -> AvroBytes.frame(
                            i.usage(),
                            new AvroBytes()
                                    .varlong(1L << 30)
                                    .raw("len".getBytes(StandardCharsets.UTF_8))
                                    .bytes()),
                    "corrupt Avro body"),
            new Case(
                    "negative string length",
                    InputKind.USAGE,
                    i -> AvroBytes.frame(
                            i.usage(),
                            new AvroBytes()
                                    .varlong(-3)
                                    .raw("neg".getBytes(StandardCharsets.UTF_8))
                                    .bytes()),
                    "negative length"),
            new Case(
                    "decimal length 2^30",
                    InputKind.REPORTED,
                    i -> AvroBytes.frame(
                            i.reported(),
                            new AvroBytes()
                                    .string("dec-len")
                                    .string(ACCOUNT)
                                    .string(METER)
                                    .varlong(T.toEpochMilli())
                                    .varlong(1L << 30)
                                    .bytes()),
                    "corrupt Avro body"),
            new Case(
                    "attribute map block count 2^40",
                    InputKind.USAGE,
                    i -> AvroBytes.frame(
                            i.usage(), usageBody("map-count").varlong(1L << 40).bytes()),
                    "corrupt Avro body"),
            // --- validation: ids -------------------------------------------------------------------
            new Case(
                    "empty event_id",
                    InputKind.USAGE,
                    i -> usage(i, "", ACCOUNT, METER, T, ONE, Map.of("case", "empty-id")),
                    "event_id is empty"),
            new Case(
                    "blank account_id",
                    InputKind.USAGE,
                    i -> usage(i, "blank-account", "   ", METER, T, ONE, Map.of()),
                    "account_id is blank: it holds only spaces"),
            new Case(
                    "no-break spaces as event_id",
                    InputKind.USAGE,
                    i -> usage(i, "\u00a0\u00a0", ACCOUNT, METER, T, ONE, Map.of()),
                    "event_id is blank: it holds only spaces"),
            new Case(
                    "empty meter",
                    InputKind.USAGE,
                    i -> usage(i, "empty-meter", ACCOUNT, "", T, ONE, Map.of()),
                    "meter is empty"),
            new Case(
                    "control character in event_id",
                    InputKind.USAGE,
                    i -> usage(i, "ctl\u0001id", ACCOUNT, METER, T, ONE, Map.of()),
                    "event_id contains a control character"),
            new Case(
                    "key separator U+001F in account_id",
                    InputKind.USAGE,
                    i -> usage(i, "sep-account", "acct\u001fx", METER, T, ONE, Map.of()),
                    "account_id contains a control character"),
            new Case(
                    "newline in meter",
                    InputKind.REPORTED,
                    i -> reported(i, "nl-meter", ACCOUNT, "api\ncalls", T, ONE),
                    "meter contains a control character"),
            new Case(
                    "empty report_id",
                    InputKind.REPORTED,
                    i -> reported(i, "", ACCOUNT, METER, T, ONE),
                    "report_id is empty"),
            new Case(
                    "empty invoice_id",
                    InputKind.INVOICES,
                    i -> invoice(i, "", "line-empty-invoice", T, T.plusSeconds(60), ONE, 100, "usd", "open"),
                    "invoice_id is empty"),
            new Case(
                    "tab in line_id",
                    InputKind.INVOICES,
                    i -> invoice(i, "inv-1", "line\ttab", T, T.plusSeconds(60), ONE, 100, "usd", "open"),
                    "line_id contains a control character"),
            new Case(
                    "empty contract account_id",
                    InputKind.CONTRACTS,
                    i -> contract(i, "", 1, "usd", goodMeter()),
                    "account_id is empty"),
            // --- validation: quantities and amounts ------------------------------------------------
            new Case(
                    "negative quantity",
                    InputKind.USAGE,
                    i -> usage(i, "neg-qty", ACCOUNT, METER, T, q("-5"), Map.of()),
                    "quantity is negative: -5"),
            new Case(
                    "quantity at the limit of 10^18 units",
                    InputKind.USAGE,
                    i -> usage(i, "huge-limit", ACCOUNT, METER, T, new BigDecimal("1E+18").setScale(9), Map.of()),
                    "is not below the limit of 10^18 units per record"),
            new Case(
                    "quantity of 10^28 units",
                    InputKind.USAGE,
                    i -> usage(i, "huge-28", HUGE_ACCOUNT, METER, T, new BigDecimal("1E+28").setScale(9), Map.of()),
                    "is not below the limit of 10^18 units per record"),
            new Case(
                    "smallest negative quantity",
                    InputKind.REPORTED,
                    i -> reported(i, "neg-tiny", ACCOUNT, METER, T, q("-0.000000001")),
                    "quantity is negative: -0.000000001"),
            new Case(
                    "negative invoice quantity",
                    InputKind.INVOICES,
                    i -> invoice(i, "inv-1", "line-neg-qty", PERIOD, T, q("-1"), 100, "usd", "open"),
                    "quantity is negative"),
            // --- validation: time ------------------------------------------------------------------
            new Case(
                    "event_time one ms before 1970",
                    InputKind.USAGE,
                    i -> usage(i, "pre-epoch", ACCOUNT, METER, Instant.ofEpochMilli(-1), ONE, Map.of()),
                    "is before 1970-01-01"),
            new Case(
                    "event_time in 1900",
                    InputKind.REPORTED,
                    i -> reported(i, "year-1900", ACCOUNT, METER, Instant.parse("1900-01-01T00:00:00Z"), ONE),
                    "is before 1970-01-01"),
            new Case(
                    "event_time 2 years ahead",
                    InputKind.USAGE,
                    i -> usage(i, "future-2y", ACCOUNT, METER, Instant.now().plus(Duration.ofDays(730)), ONE, Map.of()),
                    "ahead of now"),
            new Case(
                    "event_time in year 9999",
                    InputKind.REPORTED,
                    i -> reported(i, "year-9999", ACCOUNT, METER, Instant.parse("9999-12-31T23:59:59Z"), ONE),
                    "ahead of now"),
            new Case(
                    "period_end 401 days ahead",
                    InputKind.INVOICES,
                    i -> invoice(
                            i,
                            "inv-1",
                            "line-future",
                            PERIOD,
                            Instant.now().plus(Duration.ofDays(401)),
                            ONE,
                            100,
                            "usd",
                            "open"),
                    "period_end"),
            new Case(
                    "period_start before 1970",
                    InputKind.INVOICES,
                    i -> invoice(
                            i,
                            "inv-1",
                            "line-pre-epoch",
                            Instant.ofEpochMilli(-86_400_000L),
                            T,
                            ONE,
                            100,
                            "usd",
                            "open"),
                    "period_start"),
            new Case(
                    "period_end before period_start",
                    InputKind.INVOICES,
                    i -> invoice(i, "inv-1", "line-reversed", T, PERIOD, ONE, 100, "usd", "open"),
                    "is not after period_start"),
            new Case(
                    "period_end equal to period_start",
                    InputKind.INVOICES,
                    i -> invoice(i, "inv-1", "line-empty-period", T, T, ONE, 100, "usd", "open"),
                    "is not after period_start"),
            // --- validation: currency and status ---------------------------------------------------
            new Case(
                    "currency usx",
                    InputKind.INVOICES,
                    i -> invoice(i, "inv-1", "line-usx", PERIOD, T, ONE, 100, "usx", "open"),
                    "currency 'usx' is not an ISO 4217 code"),
            new Case(
                    "currency with a symbol",
                    InputKind.INVOICES,
                    i -> invoice(i, "inv-1", "line-symbol", PERIOD, T, ONE, 100, "us$", "open"),
                    "currency 'us$' is not a 3-letter ISO 4217 code"),
            new Case(
                    "currency 12",
                    InputKind.INVOICES,
                    i -> invoice(i, "inv-1", "line-digits", PERIOD, T, ONE, 100, "12", "open"),
                    "currency '12' is not a 3-letter ISO 4217 code"),
            new Case(
                    "empty currency",
                    InputKind.INVOICES,
                    i -> invoice(i, "inv-1", "line-no-currency", PERIOD, T, ONE, 100, "", "open"),
                    "currency '' is not"),
            new Case(
                    "status refunded",
                    InputKind.INVOICES,
                    i -> invoice(i, "inv-1", "line-refunded", PERIOD, T, ONE, 100, "usd", "refunded"),
                    "status 'refunded' is not one of"),
            new Case(
                    "status PAYED misspelt in upper case",
                    InputKind.INVOICES,
                    i -> invoice(i, "inv-1", "line-PAYED", PERIOD, T, ONE, 100, "usd", "PAYED"),
                    "status 'PAYED' is not one of"),
            new Case(
                    "amount_minor of 10^18",
                    InputKind.INVOICES,
                    i -> invoice(i, "inv-1", "line-huge", PERIOD, T, ONE, 1_000_000_000_000_000_000L, "usd", "open"),
                    "amount_minor 1000000000000000000 is not within the limit of 10^18 minor units"),
            new Case(
                    "amount_minor of -2^63",
                    InputKind.INVOICES,
                    i -> invoice(i, "inv-1", "line-min", PERIOD, T, ONE, Long.MIN_VALUE, "usd", "open"),
                    "amount_minor -9223372036854775808 is not within the limit"),
            // --- validation: attributes ------------------------------------------------------------
            new Case(
                    "one attribute of 16385 characters",
                    InputKind.USAGE,
                    i -> usage(i, "attrs-big", ACCOUNT, METER, T, ONE, Map.of("k", "v".repeat(16_384))),
                    "attributes hold 16385 characters"),
            new Case(
                    "many attributes over the limit",
                    InputKind.USAGE,
                    i -> usage(i, "attrs-many", ACCOUNT, METER, T, ONE, manyAttributes()),
                    "more than the limit of 16384"),
            // --- invalid contracts -----------------------------------------------------------------
            new Case(
                    "contract tiers not ascending",
                    InputKind.CONTRACTS,
                    i -> contract(i, "acct_bad_tiers", 1, "usd", tieredMeter(q("100"), q("50"))),
                    "invalid contract"),
            new Case(
                    "contract with unknown pricing model",
                    InputKind.CONTRACTS,
                    i -> contract(i, "acct_bad_model", 1, "usd", meter(METER, "flat_fee", p12("1"))),
                    "invalid contract"),
            new Case(
                    "contract anchor day 31",
                    InputKind.CONTRACTS,
                    i -> contractWithAnchor(i, "acct_anchor_31", 31),
                    "invalid contract"),
            new Case(
                    "contract anchor day 0",
                    InputKind.CONTRACTS,
                    i -> contractWithAnchor(i, "acct_anchor_0", 0),
                    "invalid contract"),
            new Case(
                    "contract currency 12",
                    InputKind.CONTRACTS,
                    i -> contract(i, "acct_bad_currency", 1, "12", goodMeter()),
                    "currency '12' is not a 3-letter ISO 4217 code"),
            new Case(
                    "contract meter with a control character",
                    InputKind.CONTRACTS,
                    i -> contract(i, "acct_ctl_meter", 1, "usd", meter("api\u0007calls", "per_unit", p12("1"))),
                    "contains a control character"),
            // --- rejected by the reconciliation ----------------------------------------------------
            new Case(
                    "invoice line in eur against a usd contract",
                    InputKind.INVOICES,
                    i -> invoice(
                            i,
                            "inv-eur",
                            "line-eur",
                            PERIOD,
                            PERIOD.plus(Duration.ofDays(30)),
                            q("10"),
                            500,
                            "eur",
                            "open"),
                    "invoice line line-eur is in eur but the contract of " + ACCOUNT + " is in usd",
                    Match.RECONCILE)));

    static {
        CORPUS.addAll(HostileCases.all());
    }

    @TempDir
    static Path work;

    private EmbeddedStack stack;
    private Replay.Result result;
    private final Map<InputKind, Integer> good = new EnumMap<>(InputKind.class);
    private final Map<InputKind, List<byte[]>> goodValues = new EnumMap<>(InputKind.class);
    private final Map<Case, byte[]> bad = new HashMap<>();
    private Duration jobTime;

    @BeforeAll
    void produceTheCorpusAndRunTheJob() throws Exception {
        stack = EmbeddedStack.start(work.resolve("stack"));
        Configuration conf = stack.connectorConfig();
        ConfluentAvroCodec codec = ConfluentAvroCodec.fromConfig(conf);
        Ids ids = new Ids(
                codec,
                codec.schemaId(ConfluentAvroCodec.valueSubject(InputKind.USAGE.topic()), UsageEvent.getClassSchema()),
                codec.schemaId(
                        ConfluentAvroCodec.valueSubject(InputKind.REPORTED.topic()), ReportedUsage.getClassSchema()),
                codec.schemaId(
                        ConfluentAvroCodec.valueSubject(InputKind.INVOICES.topic()), InvoiceLine.getClassSchema()),
                codec.schemaId(
                        ConfluentAvroCodec.valueSubject(InputKind.CONTRACTS.topic()), Contract.getClassSchema()));

        for (InputKind k : InputKind.values()) {
            goodValues.put(k, new ArrayList<>());
        }
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        // Good records: a contract, an hourly usage series with a shorter reported series (so the
        // period closes with anomalies), one invoice line, and one usage just below the limit of 10^18
        // units per record, on an account without a contract.
        addGood(records, InputKind.CONTRACTS, ACCOUNT, contract(ids, ACCOUNT, 1, "usd", goodMeter()));
        for (int h = 0; h < GOOD_USAGE; h++) {
            Instant at = PERIOD.plus(Duration.ofHours(h));
            addGood(
                    records,
                    InputKind.USAGE,
                    ACCOUNT,
                    usage(ids, "u-" + h, ACCOUNT, METER, at, q("10"), Map.of("region", "eu")));
        }
        for (int h = 0; h < GOOD_REPORTED; h++) {
            Instant at = PERIOD.plus(Duration.ofHours(h));
            addGood(records, InputKind.REPORTED, ACCOUNT, reported(ids, "r-" + h, ACCOUNT, METER, at, q("10")));
        }
        addGood(
                records,
                InputKind.USAGE,
                HUGE_ACCOUNT,
                usage(ids, "huge-1", HUGE_ACCOUNT, METER, T, new BigDecimal("999999999999999999.999999999"), Map.of()));
        addGood(
                records,
                InputKind.INVOICES,
                ACCOUNT,
                invoice(
                        ids,
                        "inv-1",
                        "line-good",
                        PERIOD,
                        PERIOD.plus(Duration.ofDays(30)),
                        q("2400"),
                        120_000,
                        "usd",
                        "open"));

        addHostileButValid(records, ids);

        for (Case c : CORPUS) {
            if (c.match() == Match.PERIOD) {
                continue;
            }
            byte[] value = c.value().apply(ids);
            bad.put(c, value);
            records.add(TopicAdmin.record(c.input().topic(), ACCOUNT, value, null));
        }
        try (TopicAdmin admin = TopicAdmin.connect(conf)) {
            admin.ensureTopics(conf.get(KafkaOptions.TOPIC_PARTITIONS));
            // Contracts first, in their own batch, so they are on the broker before anything else.
            admin.produceAll(records.stream()
                    .filter(r -> r.topic().equals(InputKind.CONTRACTS.topic()))
                    .collect(Collectors.toList()));
            admin.produceAll(records.stream()
                    .filter(r -> !r.topic().equals(InputKind.CONTRACTS.topic()))
                    .collect(Collectors.toList()));
        }

        long started = System.nanoTime();
        result = Replay.run(conf, new Replay.InputFiles(null, null, null, null), jobOptions());
        jobTime = Duration.ofNanos(System.nanoTime() - started);
        System.out.println("BadInputCorpusTest: " + CORPUS.size() + " bad inputs, job ran " + jobTime.toMillis()
                + " ms, " + result.anomalies().size() + " anomalies, "
                + result.deadLetters().size()
                + " dead letters\n" + Replay.summary(result));
        for (DeadLetter d : result.deadLetters()) {
            System.out.println(
                    "  DLQ " + d.getSource() + "@" + d.getPartition() + "/" + d.getOffset() + ": " + d.getReason());
        }
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    /**
     * No restart allowed (a failure fails the run), CloudEvents usage mapped. The rest are the defaults
     * of production, among them the future skew of 1 h.
     */
    static Configuration jobOptions() {
        Configuration options = new Configuration();
        options.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        options.set(CloudEventsOptions.METERS, HostileCases.CLOUDEVENTS_METERS);
        return options;
    }

    /**
     * Records that look hostile but are valid, and must move nothing: a contract version of the corpus
     * account effective next year, a prepaid annual line of another account whose period starts next
     * week, and ten lines whose amounts overflow a long when added (valid each; their period's billing
     * is dead-lettered by the reconciliation, the case {@code ten invoice lines whose amounts overflow}).
     */
    private void addHostileButValid(List<ProducerRecord<byte[], byte[]>> records, Ids ids) {
        Instant nextYear = Instant.parse("2027-01-01T00:00:00Z");
        addGood(
                records,
                InputKind.CONTRACTS,
                ACCOUNT,
                encodeContract(
                        ids,
                        Contract.newBuilder()
                                .setAccountId(ACCOUNT)
                                .setVersion(2)
                                .setEffectiveFrom(nextYear)
                                .setCurrency("usd")
                                .setMeters(List.of(meter(METER, "per_unit", p12("99"))))
                                .build()));
        addGood(records, InputKind.CONTRACTS, ANNUAL_ACCOUNT, contract(ids, ANNUAL_ACCOUNT, 1, "usd", goodMeter()));
        Instant start = Instant.now().plus(Duration.ofDays(7)).truncatedTo(java.time.temporal.ChronoUnit.DAYS);
        addGood(
                records,
                InputKind.INVOICES,
                ANNUAL_ACCOUNT,
                invoiceOf(
                        ids,
                        ANNUAL_ACCOUNT,
                        "inv-annual",
                        "line-annual",
                        start,
                        start.plus(Duration.ofDays(365)),
                        q("12"),
                        120_000));
        addGood(records, InputKind.CONTRACTS, OVERFLOW_ACCOUNT, contract(ids, OVERFLOW_ACCOUNT, 1, "usd", goodMeter()));
        for (String line : OVERFLOW_LINES) {
            addGood(
                    records,
                    InputKind.INVOICES,
                    OVERFLOW_ACCOUNT,
                    invoiceOf(
                            ids,
                            OVERFLOW_ACCOUNT,
                            "inv-max",
                            line,
                            PERIOD,
                            PERIOD.plus(Duration.ofDays(30)),
                            ONE,
                            OVERFLOW_LINE_AMOUNT));
        }
    }

    @Test
    void theCorpusHasAtLeastTwoHundredDistinctBadInputsAcrossAllInputs() {
        assertThat(CORPUS).hasSizeGreaterThanOrEqualTo(200);
        for (InputKind k : InputKind.values()) {
            assertThat(CORPUS).as("cases on %s", k).anyMatch(c -> c.input() == k);
        }
        assertThat(CORPUS).extracting(Case::name).doesNotHaveDuplicates();
        // Distinct bytes per topic, so that each dead letter can be traced to exactly one case.
        for (InputKind k : InputKind.values()) {
            List<ByteBuffer> raws = CORPUS.stream()
                    .filter(c -> c.input() == k && c.match() == Match.RAW && orEmpty(bad.get(c)).length > 0)
                    .map(c -> ByteBuffer.wrap(orEmpty(bad.get(c))))
                    .collect(Collectors.toList());
            assertThat(raws).as("raw values on %s", k.topic()).doesNotHaveDuplicates();
        }
    }

    @Test
    void everyBadInputIsDeadLetteredExactlyOnceWithItsReason() {
        List<String> failures = new ArrayList<>();
        for (Case c : CORPUS) {
            List<DeadLetter> found =
                    result.deadLetters().stream().filter(d -> matches(c, d)).collect(Collectors.toList());
            if (found.size() != 1) {
                failures.add(c.name() + ": " + found.size() + " dead letters " + reasons(found));
            } else if (!found.get(0).getReason().contains(c.reason())) {
                failures.add(c.name() + ": reason '" + found.get(0).getReason() + "' lacks '" + c.reason() + "'");
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void deadLettersFromKafkaCarryTheirPartitionAndOffset() {
        assertThat(result.deadLetters())
                .filteredOn(d ->
                        d.getSource().startsWith("recon.") && !d.getReason().contains("line-eur"))
                .allSatisfy(d -> {
                    assertThat(d.getPartition()).isNotNull().isBetween(0, 1);
                    assertThat(d.getOffset()).isNotNull().isNotNegative();
                });
    }

    @Test
    void noGoodRecordIsDeadLettered() {
        assertThat(result.deadLetters()).hasSize(CORPUS.size());
        for (InputKind k : InputKind.values()) {
            for (byte[] v : goodValues.get(k)) {
                assertThat(result.deadLetters())
                        .noneMatch(d -> d.getSource().equals(k.topic()) && Arrays.equals(raw(d), v));
            }
        }
    }

    @Test
    void readEqualsValidPlusDeadLetteredPerInputAndMatchesTheCorpus() {
        Map<String, Object> accumulators = result.job().getAllAccumulatorResults();
        for (InputKind k : InputKind.values()) {
            long cases = CORPUS.stream()
                    .filter(c -> c.input() == k && c.match() != Match.PERIOD)
                    .count();
            long goodRecords = good.getOrDefault(k, 0);
            long produced = goodRecords + cases;
            InputCounts c = result.counts().get(k);
            // Replay counts "read" from the files it loads; here the records went to Kafka directly,
            // so the job's own read counter is the figure to balance against.
            long read = ((Number) accumulators.getOrDefault(k.label() + ".read", 0L)).longValue();
            InputCounts counted =
                    new InputCounts(k, read, c.valid(), c.deadLettered(), c.duplicates(), c.unmapped(), c.late());
            assertThat(counted.balanced()).as("%s balanced: %s", k, counted).isTrue();
            assertThat(read).as("%s read", k).isEqualTo(produced);
            assertThat(c.valid()).as("%s valid", k).isEqualTo(goodRecords);
            assertThat(c.deadLettered()).as("%s dead-lettered", k).isEqualTo(cases);
        }
    }

    /**
     * The clean records of the corpus account, reconciled exactly as if no hostile record had been
     * there (per_unit 0.5 cent, nothing included): usage 240 x 10 = 2,400 and reports 200 x 10 = 2,000
     * give UNDER_REPORTED_USAGE of 1,200 - 1,000 = 200 cents; the line bills 120,000 cents against
     * 1,000 priced: OVERBILLED 119,000. Both final, and no other leak type. The contract version of
     * next year (99 cents a unit) and the prepaid annual line of another account change nothing.
     */
    @Test
    void theFindingsOnTheCleanRecordsAreExact() {
        Map<String, io.reckon.avro.Anomaly> last = new HashMap<>();
        for (io.reckon.avro.Anomaly a : result.anomalies()) {
            if (a.getAccountId().equals(ACCOUNT)) {
                last.merge(a.getAnomalyId(), a, (x, y) -> y.getRevision() > x.getRevision() ? y : x);
            }
        }
        Map<String, Long> leaks = new HashMap<>();
        for (io.reckon.avro.Anomaly a : last.values()) {
            assertThat(a.getFinal$()).as("final: %s", a).isTrue();
            assertThat(a.getPeriodStart())
                    .as("only the period of the clean records")
                    .isBetween(PERIOD, PERIOD.plus(Duration.ofDays(30)));
            String type = a.getType().toString();
            if (!List.of("REPORTING_GAP", "USAGE_SPIKE", "USAGE_DROP").contains(type)) {
                leaks.put(type, a.getAmountMinor());
            }
        }
        assertThat(leaks).isEqualTo(Map.of("UNDER_REPORTED_USAGE", 200L, "OVERBILLED", 119_000L));
    }

    @Test
    void theJobFinishedAndReconciledTheGoodRecords() {
        assertThat(result.job().getNetRuntime()).isPositive();
        assertThat(result.anomalies())
                .as("the good usage exceeds the good reported usage of %s", ACCOUNT)
                .anyMatch(a -> a.getAccountId().equals(ACCOUNT) && a.getMeter().equals(METER));
    }

    /*
     * Two writer-side tricks at the decoding step, without the job: they state the correct outcome
     * that a decimal written as a string, or beyond precision 38, never passes as a quantity.
     */

    @Test
    void aQuantityWrittenAsAStringIsDeadLettered() {
        Ids ids = mockIds();
        byte[] value = usageVariant(ids, "quantity", "\"string\"", "12.5", "variant-string");
        assertThat(ingest(ids, value).deadLetter)
                .as("quantity read as %s", quantityOf(ids, value))
                .isNotNull();
    }

    @Test
    void aQuantityBeyondPrecision38IsDeadLettered() {
        Ids ids = mockIds();
        byte[] value = AvroBytes.frame(
                ids.usage(),
                new AvroBytes()
                        .string("precision-40")
                        .string(ACCOUNT)
                        .string(METER)
                        .varlong(T.toEpochMilli())
                        .unscaled(BigInteger.TEN.pow(49))
                        .varlong(0)
                        .bytes());
        assertThat(ingest(ids, value).deadLetter)
                .as("quantity read as %s", quantityOf(ids, value))
                .isNotNull();
    }

    private static Ids mockIds() {
        ConfluentAvroCodec codec = ConfluentAvroCodec.forUrl("mock://bad-input-corpus-gaps");
        return new Ids(
                codec,
                codec.schemaId(ConfluentAvroCodec.valueSubject(InputKind.USAGE.topic()), UsageEvent.getClassSchema()),
                0,
                0,
                0);
    }

    private static Ingested ingest(Ids ids, byte[] value) {
        List<Ingested> out = new ArrayList<>();
        new IngestDeserializer(
                        InputKind.USAGE,
                        ids.codec(),
                        new InputValidation(Duration.ofDays(400).toMillis()))
                .deserialize(
                        new ConsumerRecord<>(InputKind.USAGE.topic(), 0, 0L, null, value), new ListCollector<>(out));
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    private static String quantityOf(Ids ids, byte[] value) {
        Ingested in = ingest(ids, value);
        return in.meterEvent == null ? "(dead-lettered)" : in.meterEvent.quantity.toPlainString();
    }

    // ---------------------------------------------------------------------------------------------

    private void addGood(List<ProducerRecord<byte[], byte[]>> records, InputKind k, String key, byte[] value) {
        good.merge(k, 1, Integer::sum);
        goodValues.get(k).add(value);
        records.add(TopicAdmin.record(k.topic(), key, value, null));
    }

    private boolean matches(Case c, DeadLetter d) {
        if (c.match() == Match.PERIOD) {
            return d.getSource().equals("reconcile") && d.getReason().contains(c.reason());
        }
        if (c.match() == Match.RECONCILE) {
            // Rejected after decoding: the decoded record as JSON, and why. Where it was read is known
            // when the line is rejected on arrival; a line that came before its contract is rejected
            // from state, whose lines do not keep their partition and offset (see the report).
            return d.getSource().equals(c.input().topic())
                    && new String(raw(d), java.nio.charset.StandardCharsets.UTF_8).contains("\"line_id\":\"line-eur\"")
                    && d.getReason().contains("line-eur");
        }
        byte[] value = orEmpty(bad.get(c));
        if (value.length > DeadLetterRecord.MAX_RAW_BYTES) {
            // A dead letter keeps the first 64 KiB, with the whole record's length and SHA-256.
            return d.getSource().equals(c.input().topic())
                    && d.getRawLength() == value.length
                    && d.getRawSha256().equals(DeadLetterRecord.of("", null, null, value, "", 0).rawSha256)
                    && Arrays.equals(raw(d), Arrays.copyOf(value, DeadLetterRecord.MAX_RAW_BYTES));
        }
        // A null and an empty value are both dead-lettered with empty raw bytes: the reason tells them apart.
        return d.getSource().equals(c.input().topic())
                && Arrays.equals(raw(d), value)
                && (value.length > 0 || d.getReason().contains(c.reason()));
    }

    private static String reasons(List<DeadLetter> ds) {
        return ds.stream()
                .map(DeadLetter::getReason)
                .collect(Collectors.toList())
                .toString();
    }

    private static byte[] raw(DeadLetter d) {
        ByteBuffer b = d.getRaw().duplicate();
        byte[] r = new byte[b.remaining()];
        b.get(r);
        return r;
    }

    private static byte[] orEmpty(byte[] b) {
        return b == null ? new byte[0] : b;
    }

    private static BigDecimal q(String v) {
        return new BigDecimal(v).setScale(9);
    }

    private static BigDecimal p12(String v) {
        return new BigDecimal(v).setScale(12);
    }

    // --- byte builders -----------------------------------------------------------------------------

    static byte[] usage(Ids i, String eventId) {
        return usage(i, eventId, ACCOUNT, METER, T, ONE, Map.of());
    }

    static byte[] usage(
            Ids i, String eventId, String account, String meter, Instant at, BigDecimal q, Map<String, String> attrs) {
        UsageEvent u = UsageEvent.newBuilder()
                .setEventId(eventId)
                .setAccountId(account)
                .setMeter(meter)
                .setEventTime(at)
                .setQuantity(q)
                .setAttributes(attrs)
                .build();
        return i.codec().encode(ConfluentAvroCodec.valueSubject(InputKind.USAGE.topic()), u);
    }

    static byte[] reported(Ids i, String reportId) {
        return reported(i, reportId, ACCOUNT, METER, T, ONE);
    }

    static byte[] reported(Ids i, String reportId, String account, String meter, Instant at, BigDecimal q) {
        ReportedUsage r = ReportedUsage.newBuilder()
                .setReportId(reportId)
                .setAccountId(account)
                .setMeter(meter)
                .setEventTime(at)
                .setQuantity(q)
                .build();
        return i.codec().encode(ConfluentAvroCodec.valueSubject(InputKind.REPORTED.topic()), r);
    }

    static byte[] invoiceOf(
            Ids i,
            String account,
            String invoiceId,
            String lineId,
            Instant start,
            Instant end,
            BigDecimal q,
            long amount) {
        InvoiceLine l = InvoiceLine.newBuilder()
                .setInvoiceId(invoiceId)
                .setLineId(lineId)
                .setAccountId(account)
                .setMeter(METER)
                .setPeriodStart(start)
                .setPeriodEnd(end)
                .setQuantity(q)
                .setAmountMinor(amount)
                .setCurrency("usd")
                .setStatus("open")
                .build();
        return i.codec().encode(ConfluentAvroCodec.valueSubject(InputKind.INVOICES.topic()), l);
    }

    static byte[] invoice(Ids i, String lineId) {
        return invoice(i, "inv-x", lineId, PERIOD, T, ONE, 100, "usd", "open");
    }

    static byte[] invoice(
            Ids i,
            String invoiceId,
            String lineId,
            Instant start,
            Instant end,
            BigDecimal q,
            long amountMinor,
            String currency,
            String status) {
        InvoiceLine l = InvoiceLine.newBuilder()
                .setInvoiceId(invoiceId)
                .setLineId(lineId)
                .setAccountId(ACCOUNT)
                .setMeter(METER)
                .setPeriodStart(start)
                .setPeriodEnd(end)
                .setQuantity(q)
                .setAmountMinor(amountMinor)
                .setCurrency(currency)
                .setStatus(status)
                .build();
        return i.codec().encode(ConfluentAvroCodec.valueSubject(InputKind.INVOICES.topic()), l);
    }

    static MeterTerms goodMeter() {
        return meter(METER, "per_unit", p12("0.5"));
    }

    static MeterTerms meter(String name, String model, BigDecimal unit) {
        return MeterTerms.newBuilder()
                .setMeter(name)
                .setPricing(Pricing.newBuilder()
                        .setModel(model)
                        .setUnitAmountDecimal(unit)
                        .build())
                .build();
    }

    static MeterTerms tieredMeter(BigDecimal firstUpTo, BigDecimal secondUpTo) {
        List<Tier> tiers = List.of(
                Tier.newBuilder()
                        .setUpTo(firstUpTo)
                        .setUnitAmountDecimal(p12("2"))
                        .build(),
                Tier.newBuilder()
                        .setUpTo(secondUpTo)
                        .setUnitAmountDecimal(p12("1"))
                        .build(),
                Tier.newBuilder().setUpTo(null).setUnitAmountDecimal(p12("0.5")).build());
        return MeterTerms.newBuilder()
                .setMeter(METER)
                .setPricing(Pricing.newBuilder()
                        .setModel("graduated")
                        .setTiers(tiers)
                        .build())
                .build();
    }

    static byte[] contract(Ids i, String account, int version, String currency, MeterTerms meter) {
        return encodeContract(
                i,
                Contract.newBuilder()
                        .setAccountId(account)
                        .setVersion(version)
                        .setEffectiveFrom(Instant.parse("2026-01-01T00:00:00Z"))
                        .setCurrency(currency)
                        .setMeters(List.of(meter))
                        .build());
    }

    static byte[] contractWithAnchor(Ids i, String account, int anchorDay) {
        return encodeContract(
                i,
                Contract.newBuilder()
                        .setAccountId(account)
                        .setVersion(1)
                        .setEffectiveFrom(Instant.parse("2026-01-01T00:00:00Z"))
                        .setCurrency("usd")
                        .setBillingAnchorDay(anchorDay)
                        .setMeters(List.of(goodMeter()))
                        .build());
    }

    static byte[] encodeContract(Ids i, Contract c) {
        return i.codec().encode(ConfluentAvroCodec.valueSubject(InputKind.CONTRACTS.topic()), c);
    }

    static byte[] withMagic(byte[] framed, int magic) {
        byte[] b = framed.clone();
        b[0] = (byte) magic;
        return b;
    }

    static byte[] withId(byte[] framed, int id) {
        byte[] b = framed.clone();
        ByteBuffer.wrap(b, 1, 4).putInt(id);
        return b;
    }

    /** The payload without its last {@code bytes} bytes. */
    static byte[] cut(byte[] framed, int bytes) {
        return Arrays.copyOf(framed, framed.length - bytes);
    }

    static byte[] twoRecords(Ids i) {
        byte[] first = reported(i, "two-a");
        byte[] second = reported(i, "two-b");
        return AvroBytes.concat(first, Arrays.copyOfRange(second, 5, second.length));
    }

    static Map<String, String> manyAttributes() {
        Map<String, String> m = new HashMap<>();
        for (int n = 0; n < 300; n++) {
            m.put("key-" + n, "x".repeat(50));
        }
        return m;
    }

    /** The UsageEvent fields up to and excluding the attributes map. */
    static AvroBytes usageBody(String eventId) {
        return new AvroBytes()
                .string(eventId)
                .string(ACCOUNT)
                .string(METER)
                .varlong(T.toEpochMilli())
                .decimal9(ONE);
    }

    static byte[] usageRawId(Ids i, byte[] eventId) {
        return AvroBytes.frame(
                i.usage(),
                new AvroBytes()
                        .rawString(eventId)
                        .string(ACCOUNT)
                        .string(METER)
                        .varlong(T.toEpochMilli())
                        .decimal9(ONE)
                        .varlong(0)
                        .bytes());
    }

    static byte[] usageRawAccount(Ids i, String eventId, byte[] account) {
        return AvroBytes.frame(
                i.usage(),
                new AvroBytes()
                        .string(eventId)
                        .rawString(account)
                        .string(METER)
                        .varlong(T.toEpochMilli())
                        .decimal9(ONE)
                        .varlong(0)
                        .bytes());
    }

    static byte[] reportedRawMeter(Ids i, byte[] meter) {
        return AvroBytes.frame(
                i.reported(),
                new AvroBytes()
                        .string("utf8-surrogate")
                        .string(ACCOUNT)
                        .rawString(meter)
                        .varlong(T.toEpochMilli())
                        .decimal9(ONE)
                        .bytes());
    }

    /** A UsageEvent written with a writer schema whose {@code field} has type {@code typeJson}. */
    static byte[] usageVariant(Ids i, String field, String typeJson, Object value, String eventId) {
        String json = UsageEvent.getClassSchema().toString();
        Schema original = UsageEvent.getClassSchema();
        String fieldJson = original.getField(field).schema().toString();
        Schema variant = new Schema.Parser()
                .parse(json.replace(
                        "\"name\":\"" + field + "\",\"type\":" + fieldJson,
                        "\"name\":\"" + field + "\",\"type\":" + typeJson));
        assertThat(variant.getField(field).schema().toString()).isEqualTo(typeJson);
        GenericRecord r = new GenericData.Record(variant);
        r.put("event_id", eventId);
        r.put("account_id", ACCOUNT);
        r.put("meter", METER);
        r.put("event_time", field.equals("event_time") ? value : T.toEpochMilli());
        r.put(
                "quantity",
                field.equals("quantity")
                        ? value
                        : ByteBuffer.wrap(ONE.unscaledValue().toByteArray()));
        r.put("attributes", Map.of());
        return i.codec().encodeGeneric("corpus.usage-" + eventId + "-value", r);
    }

    /** A UsageEvent written with a writer schema that lacks the required field meter. */
    static byte[] usageWithoutMeter(Ids i) {
        Schema variant = new Schema.Parser()
                .parse(
                        """
                {"type":"record","name":"UsageEvent","namespace":"io.reckon.avro","fields":[
                  {"name":"event_id","type":"string"},{"name":"account_id","type":"string"},
                  {"name":"event_time","type":{"type":"long","logicalType":"timestamp-millis"}},
                  {"name":"quantity","type":{"type":"bytes","logicalType":"decimal","precision":38,"scale":9}}]}
                """);
        GenericRecord r = new GenericData.Record(variant);
        r.put("event_id", "no-meter");
        r.put("account_id", ACCOUNT);
        r.put("event_time", T);
        r.put("quantity", ONE);
        return i.codec().encodeGeneric("corpus.usage-no-meter-value", r);
    }
}
