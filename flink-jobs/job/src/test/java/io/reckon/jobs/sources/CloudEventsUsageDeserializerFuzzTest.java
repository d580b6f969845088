package io.reckon.jobs.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.reckon.connectors.kafka.Topics;
import io.reckon.jobs.records.DeadLetterRecord;
import io.reckon.jobs.records.Ingested;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Valid structured-mode CloudEvents, edited at random (bytes flipped, set, cut, inserted, and JSON
 * pieces inserted: deep nesting, extreme numbers, lone surrogates, duplicate keys, nulls), or with one
 * value replaced by such a piece: each one must end as exactly one valid usage record or one bounded
 * dead letter whose reason is one the decoder anticipated (never the catch-all of an unexpected
 * exception), within a second.
 */
class CloudEventsUsageDeserializerFuzzTest {

    private static final CloudEventsUsageDeserializer DESERIALIZER = new CloudEventsUsageDeserializer(
            CloudEventsMapping.parse("api-calls:api_calls:$.value,llm-tokens:tokens:$.usage.tokens"),
            new InputValidation(Duration.ofHours(1).toMillis()));

    private static final List<byte[]> VALID = List.of(
            utf8(CloudEventsUsageDeserializerTest.event(
                    "api-calls", "ev-1", "acct_1", "2026-09-01T10:00:00Z", "{\"value\":\"12\",\"path\":\"/x\"}")),
            utf8(CloudEventsUsageDeserializerTest.event(
                    "llm-tokens", "ev-2", "acct_2", "2026-09-01T10:05:30.250+02:00", "{\"usage\":{\"tokens\":0.1}}")),
            utf8("{\"specversion\":\"1.0\",\"type\":\"api-calls\",\"id\":\"ev-3\",\"source\":\"svc\","
                    + "\"subject\":\"acct_3\",\"time\":\"2026-09-01T11:00:00Z\","
                    + "\"datacontenttype\":\"application/json\",\"data_base64\":\"eyJ2YWx1ZSI6N30=\"}"));

    /** A JSON value after a colon: a string, a number or a literal. */
    private static final Pattern VALUE = Pattern.compile(":(\"[^\"]*\"|[-+0-9.eE]+|null|true|false)");

    /** JSON pieces that parsers and number readers have limits for. */
    private static final List<String> PIECES = List.of(
            "[".repeat(2_000),
            "{\"a\":".repeat(1_500),
            "1e999999999",
            "1e9999999999",
            "1E-2147483649",
            "-1e-999999999",
            "9".repeat(5_000),
            "0." + "0".repeat(3_000) + "1",
            "\"\\ud800\"",
            "\"\\u0000\"",
            "null",
            ",\"id\":\"other\"",
            ",\"data\":null",
            ",\"specversion\":\"0.3\"",
            ",\"time\":\"not a time\"",
            "\"",
            "}",
            "\uD83D\uDCA5");

    record Case(int valid, List<ByteEdits.Edit> edits) {}

    @Property(tries = 2_000)
    void everyEditedEventEndsValidOrInABoundedDeadLetterWithAnAnticipatedReason(@ForAll("cases") Case c) {
        byte[] payload = ByteEdits.applied(VALID.get(c.valid()), 0, c.edits());
        Ingested one = assertTimeoutPreemptively(Duration.ofSeconds(1), () -> decode(payload));
        if (one.deadLetter == null) {
            assertThat(one.meterEvent).isNotNull();
            return;
        }
        DeadLetterRecord d = one.deadLetter;
        assertThat(d.reason)
                .as("reason of %s", c)
                .isNotBlank()
                .doesNotStartWith(CloudEventsUsageDeserializer.UNFORESEEN);
        assertThat(d.raw.length).isLessThanOrEqualTo(DeadLetterRecord.MAX_RAW_BYTES);
        assertThat(d.rawLength).isEqualTo(payload.length);
    }

    /** A scalar value of a valid event (a string, a number or a literal, the data's too) replaced by a piece. */
    @Property(tries = 1_000)
    void anyValueReplacedByAnyPieceEndsValidOrInADeadLetterWithAnAnticipatedReason(
            @ForAll("validIndexes") int valid,
            @ForAll @IntRange(min = 0, max = 99) int value,
            @ForAll("pieces") String piece) {
        String event = new String(VALID.get(valid), StandardCharsets.UTF_8);
        List<MatchResult> values = VALUE.matcher(event).results().toList();
        MatchResult at = values.get(value % values.size());
        byte[] payload = utf8(event.substring(0, at.start(1)) + piece + event.substring(at.end(1)));
        Ingested one = assertTimeoutPreemptively(Duration.ofSeconds(1), () -> decode(payload));
        if (one.deadLetter != null) {
            assertThat(one.deadLetter.reason)
                    .as("reason of %s", new String(payload, StandardCharsets.UTF_8))
                    .doesNotStartWith(CloudEventsUsageDeserializer.UNFORESEEN);
        }
    }

    @Property(tries = 3)
    void theUneditedEventsAreValid(@ForAll("validIndexes") int valid) {
        assertThat(decode(VALID.get(valid)).deadLetter).isNull();
    }

    private static Ingested decode(byte[] payload) {
        List<Ingested> out = new ArrayList<>();
        DESERIALIZER.deserialize(
                new ConsumerRecord<>(Topics.USAGE_CLOUDEVENTS, 0, 7L, null, payload), new ListCollector<>(out));
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    @Provide
    Arbitrary<Integer> validIndexes() {
        return Arbitraries.integers().between(0, VALID.size() - 1);
    }

    @Provide
    Arbitrary<String> pieces() {
        return Arbitraries.of(PIECES);
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<byte[]> inserted = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, ByteEdits.randomBytes()),
                net.jqwik.api.Tuple.of(1, pieces().map(CloudEventsUsageDeserializerFuzzTest::utf8)));
        return Combinators.combine(validIndexes(), ByteEdits.edits(inserted)).as(Case::new);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
