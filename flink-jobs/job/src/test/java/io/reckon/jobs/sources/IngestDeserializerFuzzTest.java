package io.reckon.jobs.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.reckon.avro.Contract;
import io.reckon.avro.InvoiceLine;
import io.reckon.avro.MeterTerms;
import io.reckon.avro.Pricing;
import io.reckon.avro.ReportedUsage;
import io.reckon.avro.Tier;
import io.reckon.avro.UsageEvent;
import io.reckon.connectors.registry.ConfluentAvroCodec;
import io.reckon.jobs.records.DeadLetterRecord;
import io.reckon.jobs.records.Ingested;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Valid Avro records of every input, in the Confluent wire format, edited at random (bits flipped,
 * bytes set, inserted and cut, lengths and counts overwritten with extreme varints, the schema id
 * swapped for another input's): each one, fed to the decoder of its input, must end as exactly one
 * valid record or one bounded dead letter whose reason is one the decoder anticipated (never the
 * catch-all reason of an unexpected exception), within a second, without an exception
 * or an error such as an {@link OutOfMemoryError}.
 */
class IngestDeserializerFuzzTest {

    private static final List<InputKind> AVRO_INPUTS =
            List.of(InputKind.USAGE, InputKind.REPORTED, InputKind.INVOICES, InputKind.CONTRACTS);

    private static final ConfluentAvroCodec CODEC =
            ConfluentAvroCodec.forUrl("mock://ingest-fuzz-" + UUID.randomUUID());

    private static final Map<InputKind, byte[]> VALID = validPayloads();

    /** The magic byte and the four bytes of the schema id. */
    private static final int HEADER_BYTES = 5;

    private static final InputValidation VALIDATION =
            new InputValidation(Duration.ofHours(1).toMillis());

    /** A valid record of {@code kind}, edited, its header naming the schema of {@code schemaOf} (null: its own). */
    record Case(InputKind kind, InputKind schemaOf, List<ByteEdits.Edit> edits) {}

    @Property(tries = 3_000)
    void everyEditedRecordEndsValidOrInABoundedDeadLetterWithAnAnticipatedReason(@ForAll("cases") Case c) {
        byte[] payload = edited(c);
        Ingested one = assertTimeoutPreemptively(Duration.ofSeconds(1), () -> decode(c.kind(), payload));
        if (one.deadLetter == null) {
            assertThat(one.meterEvent != null || one.contract != null).isTrue();
            return;
        }
        DeadLetterRecord d = one.deadLetter;
        assertThat(d.reason).as("reason of %s", c).isNotBlank().doesNotStartWith(IngestDeserializer.UNFORESEEN);
        assertThat(d.raw.length).isLessThanOrEqualTo(DeadLetterRecord.MAX_RAW_BYTES);
        assertThat(d.rawLength).isEqualTo(payload.length);
    }

    @Property(tries = 4)
    void theUneditedRecordsAreValid(@ForAll("kinds") InputKind kind) {
        Ingested one = decode(kind, VALID.get(kind));
        assertThat(one.deadLetter).as("%s", kind).isNull();
    }

    private static Ingested decode(InputKind kind, byte[] payload) {
        List<Ingested> out = new ArrayList<>();
        new IngestDeserializer(kind, CODEC, VALIDATION)
                .deserialize(new ConsumerRecord<>(kind.topic(), 0, 7L, null, payload), new ListCollector<>(out));
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    @Provide
    Arbitrary<InputKind> kinds() {
        return Arbitraries.of(AVRO_INPUTS);
    }

    @Provide
    Arbitrary<Case> cases() {
        return Combinators.combine(kinds(), kinds().injectNull(0.8), ByteEdits.edits(ByteEdits.randomBytes()))
                .as(Case::new);
    }

    /**
     * The valid record of the case's input, with the schema id of {@code schemaOf} if given, then with
     * the edits applied to its body: the header's own failures (magic byte, unknown id) have examples
     * in {@code ConfluentAvroCodecDecodeFailureTest}.
     */
    static byte[] edited(Case c) {
        byte[] p = VALID.get(c.kind()).clone();
        if (c.schemaOf() != null) {
            System.arraycopy(VALID.get(c.schemaOf()), 1, p, 1, 4);
        }
        return ByteEdits.applied(p, HEADER_BYTES, c.edits());
    }

    private static Map<InputKind, byte[]> validPayloads() {
        Instant t = Instant.parse("2026-09-14T09:26:53.589Z");
        Map<InputKind, byte[]> valid = new EnumMap<>(InputKind.class);
        valid.put(
                InputKind.USAGE,
                encode(
                        InputKind.USAGE,
                        UsageEvent.newBuilder()
                                .setEventId("e-1")
                                .setAccountId("acct_42")
                                .setMeter("api_calls")
                                .setEventTime(t)
                                .setQuantity(q("12.5"))
                                .setAttributes(Map.of("region", "eu-west-1", "sku", "päckage-ß"))
                                .build()));
        valid.put(
                InputKind.REPORTED,
                encode(
                        InputKind.REPORTED,
                        ReportedUsage.newBuilder()
                                .setReportId("r-1")
                                .setAccountId("acct_42")
                                .setMeter("api_calls")
                                .setEventTime(t)
                                .setQuantity(q("10"))
                                .build()));
        valid.put(
                InputKind.INVOICES,
                encode(
                        InputKind.INVOICES,
                        InvoiceLine.newBuilder()
                                .setInvoiceId("in_1")
                                .setLineId("il_1")
                                .setAccountId("acct_42")
                                .setMeter("api_calls")
                                .setPeriodStart(Instant.parse("2026-09-01T00:00:00Z"))
                                .setPeriodEnd(Instant.parse("2026-10-01T00:00:00Z"))
                                .setQuantity(q("10"))
                                .setAmountMinor(1_234L)
                                .setCurrency("usd")
                                .setStatus("open")
                                .build()));
        valid.put(InputKind.CONTRACTS, encode(InputKind.CONTRACTS, contract()));
        return valid;
    }

    private static Contract contract() {
        Pricing graduated = Pricing.newBuilder()
                .setModel("graduated")
                .setUnitAmountDecimal(null)
                .setPackageSize(null)
                .setPackageAmountDecimal(null)
                .setTiers(List.of(
                        Tier.newBuilder()
                                .setUpTo(q("1000"))
                                .setUnitAmountDecimal(price("0.5"))
                                .setFlatAmountMinor(0L)
                                .build(),
                        Tier.newBuilder()
                                .setUpTo(null)
                                .setUnitAmountDecimal(price("0.25"))
                                .setFlatAmountMinor(null)
                                .build()))
                .build();
        return Contract.newBuilder()
                .setAccountId("acct_42")
                .setVersion(2)
                .setEffectiveFrom(Instant.parse("2026-01-01T00:00:00Z"))
                .setCurrency("usd")
                .setBillingAnchorDay(1)
                .setStripeCustomerId(null)
                .setCrmAccountId(null)
                .setRenewal(null)
                .setMeters(List.of(MeterTerms.newBuilder()
                        .setMeter("api_calls")
                        .setAggregation(null)
                        .setIncludedQuantity(q("100"))
                        .setMinimumAmountMinor(null)
                        .setTolerancePct(null)
                        .setPricing(graduated)
                        .build()))
                .build();
    }

    private static byte[] encode(InputKind kind, org.apache.avro.specific.SpecificRecord value) {
        return CODEC.encode(ConfluentAvroCodec.valueSubject(kind.topic()), value);
    }

    private static BigDecimal q(String value) {
        return new BigDecimal(value).setScale(9);
    }

    private static BigDecimal price(String value) {
        return new BigDecimal(value).setScale(12);
    }
}
