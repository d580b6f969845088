package io.reckon.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.reckon.connectors.registry.ConfluentAvroCodec;
import io.reckon.connectors.registry.UndecodableRecordException;
import io.reckon.jobs.sources.InputKind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.avro.specific.SpecificRecord;

/**
 * Any line ends valid or dead-lettered with a reason, quickly: random bytes, and valid lines of
 * every input mutated the ways hostile or broken producers mutate them (truncated, bytes flipped,
 * a value replaced by a huge number, a huge exponent, a deep nesting or a long string). A line
 * converted to a record must also encode to Avro, so that nothing fails after the conversion, and read
 * back as the same record.
 */
class LineConversionPropertiesTest {

    /** Generous for 2 shared cores; a line that needs more is a hang or a quadratic cost. */
    private static final Duration PER_LINE = Duration.ofSeconds(3);

    private static final ConfluentAvroCodec CODEC = ConfluentAvroCodec.forUrl("mock://line-conversion-properties");

    private static final String REPORTED =
            "{\"report_id\":\"r-1\",\"account_id\":\"acct_1\",\"meter\":\"api_calls\",\"event_time\":\"2026-03-02T09:59:00Z\",\"quantity\":\"5000\",\"kind\":\"event\",\"updated_at\":\"2026-03-02T10:00:00Z\"}";
    private static final String USAGE_WITH_ATTRIBUTES =
            "{\"event_id\":\"e-1\",\"account_id\":\"acct_1\",\"meter\":\"api_calls\",\"event_time\":\"2026-03-02T09:15:00Z\",\"quantity\":12.5,\"attributes\":{\"region\":\"eu\"}}";
    private static final String GRADUATED_CONTRACT =
            "{\"account_id\":\"acct_1\",\"version\":2,\"effective_from\":\"2026-01-01T00:00:00Z\",\"currency\":\"usd\",\"billing_anchor_day\":15,\"renewal\":{\"term_end\":\"2027-01-01T00:00:00Z\",\"escalator_pct\":\"5\"},\"meters\":[{\"meter\":\"api_calls\",\"included_quantity\":\"1000\",\"minimum_amount_minor\":100,\"tolerance_pct\":\"0.5\",\"pricing\":{\"model\":\"graduated\",\"tiers\":[{\"up_to\":\"10000\",\"unit_amount_decimal\":\"0.5\",\"flat_amount_minor\":0},{\"up_to\":null,\"unit_amount_decimal\":\"0.25\"}]}}]}";

    private static final String[] FIXED = {
        "1e29",
        "1e999999999",
        "-1e999999999",
        "1e-999999999",
        "1e9999999999",
        "\"1e999999999\"",
        "\"-1E-2147483648\"",
        "0e2147483647",
        "1E+38",
        "\"99999999999999999999999999999999999999.99999999999999999999999999999999999999\"",
        "123456789012345678901234567890.123456789",
        "9223372036854775808",
        "-9223372036854775809",
        "NaN",
        "\"NaN\"",
        "Infinity",
        "-0",
        "\"+999999999-12-31T23:59:59.999999999Z\"",
        "\"-999999999-01-01T00:00:00Z\"",
        "\"1969-12-31T23:59:59.999Z\"",
        "\"9999-12-31T23:59:59.999999999Z\"",
        "\"2026-02-30T00:00:00Z\"",
        "\"2026-03-02T09:15:00+01:00\"",
        "\"\"",
        "\" \"",
        "\"\\u0000\"",
        "\"\\ud800\"",
        "\"\u00e9\u20ac\ud83d\ude00\"",
        "{}",
        "[]",
        "[null]",
        "{\"a\":{\"b\":[1,2,{\"c\":null}]}}",
        "true",
        "null"
    };

    /** A JSON value after a colon: a string, a number or a literal. */
    private static final Pattern VALUE = Pattern.compile(":(\"[^\"]*\"|[-+0-9.eE]+|null|true|false)");

    @Property(tries = 300)
    void randomBytesEndValidOrDeadLettered(@ForAll("kinds") InputKind kind, @ForAll("randomBytes") byte[] bytes) {
        check(kind, bytes);
    }

    @Property(tries = 1500)
    void mutatedValidLinesEndValidOrDeadLettered(@ForAll("mutatedLines") Mutated line) {
        check(line.kind(), line.bytes());
    }

    @Property(tries = 1500)
    void anyValueOfAnyFieldEndsValidOrDeadLettered(
            @ForAll("kinds") InputKind kind,
            @ForAll("fieldIndexes") int field,
            @ForAll("numbersAndTimes") String value) {
        for (String base : validLines(kind)) {
            check(kind, replaceValue(base.getBytes(StandardCharsets.UTF_8), field, value));
        }
    }

    @Property(tries = 50)
    void theValidLinesThemselvesAreValid(@ForAll("kinds") InputKind kind) {
        for (String line : validLines(kind)) {
            assertThat(outcome(kind, line.getBytes(StandardCharsets.UTF_8)))
                    .as(line)
                    .isInstanceOf(LineConversion.Valid.class);
        }
    }

    private static void check(InputKind kind, byte[] bytes) {
        LineConversion.Outcome o = outcome(kind, bytes);
        if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
            // Nothing but white space: no record, and still a line that is counted.
            assertThat(o).isEqualTo(new LineConversion.Invalid("line 1 is blank"));
        } else if (o instanceof LineConversion.Invalid invalid) {
            assertThat(invalid.reason()).isNotBlank().doesNotStartWith(LineConversion.UNFORESEEN);
        } else {
            LineConversion.Valid valid = (LineConversion.Valid) o;
            byte[] encoded = assertTimeoutPreemptively(
                    PER_LINE,
                    () -> CODEC.encode(
                            ConfluentAvroCodec.valueSubject(kind.topic()),
                            valid.converted().value()));
            assertThat(encoded).isNotEmpty();
            // What the job reads back is what the line said: an encoder that had to replace a character
            // (an unpaired surrogate becomes '?') would have made the line another record.
            SpecificRecord value = valid.converted().value();
            try {
                assertThat(CODEC.decode(encoded, value.getClass()).toString())
                        .as("the record read back from Avro")
                        .isEqualTo(value.toString());
            } catch (UndecodableRecordException e) {
                throw new AssertionError("a converted line does not read back from Avro", e);
            }
            assertThat(valid.converted().key()).isNotNull();
            if (kind != InputKind.CONTRACTS) {
                assertThat(valid.converted().eventTime()).isNotNull();
            }
        }
    }

    private static LineConversion.Outcome outcome(InputKind kind, byte[] bytes) {
        JsonLineReader.Line line = new JsonLineReader.Line(1, bytes, bytes.length, null);
        return assertTimeoutPreemptively(PER_LINE, () -> LineConversion.convert(kind, line));
    }

    record Mutated(InputKind kind, byte[] bytes) {
        @Override
        public String toString() {
            String s = new String(bytes, StandardCharsets.UTF_8);
            return kind + ": " + (s.length() > 300 ? s.substring(0, 300) + "... (" + bytes.length + " bytes)" : s);
        }
    }

    @Provide
    Arbitrary<InputKind> kinds() {
        return Arbitraries.of(InputKind.USAGE, InputKind.REPORTED, InputKind.INVOICES, InputKind.CONTRACTS);
    }

    @Provide
    Arbitrary<Integer> fieldIndexes() {
        return Arbitraries.integers().between(0, 40);
    }

    /** Numbers and times that are huge, tiny, of huge exponents, or out of range. */
    @Provide
    Arbitrary<String> numbersAndTimes() {
        return Arbitraries.oneOf(hostileNumbers(), Arbitraries.of(FIXED));
    }

    @Provide
    Arbitrary<byte[]> randomBytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(3000);
    }

    @Provide
    Arbitrary<Mutated> mutatedLines() {
        return kinds().flatMap(kind -> Arbitraries.of(validLines(kind))
                .flatMap(base -> mutation(base).list().ofMinSize(1).ofMaxSize(3).map(steps -> {
                    byte[] bytes = base.getBytes(StandardCharsets.UTF_8);
                    for (Mutation m : steps) {
                        bytes = m.apply(bytes);
                    }
                    return new Mutated(kind, bytes);
                })));
    }

    private static List<String> validLines(InputKind kind) {
        return switch (kind) {
            case USAGE -> List.of(LineConversionTest.USAGE, USAGE_WITH_ATTRIBUTES);
            case REPORTED -> List.of(REPORTED);
            case INVOICES -> List.of(LineConversionTest.INVOICE);
            case CONTRACTS -> List.of(LineConversionTest.CONTRACT, GRADUATED_CONTRACT);
            case USAGE_CLOUDEVENTS -> throw new IllegalArgumentException("no JSON Lines form");
        };
    }

    interface Mutation {
        byte[] apply(byte[] line);
    }

    private static Arbitrary<Mutation> mutation(String base) {
        int length = base.length();
        Arbitrary<Mutation> truncate = Arbitraries.integers()
                .between(0, length)
                .map(at -> line -> Arrays.copyOf(line, Math.min(at, line.length)));
        Arbitrary<Mutation> flip = Combinators.combine(
                        Arbitraries.integers().between(0, length - 1), Arbitraries.bytes())
                .as((at, b) -> line -> {
                    byte[] copy = line.clone();
                    if (copy.length > 0) {
                        copy[at % copy.length] = b;
                    }
                    return copy;
                });
        Arbitrary<Mutation> replaceValue = Combinators.combine(
                        Arbitraries.integers().between(0, 40), hostileValues())
                .as((which, value) -> line -> replaceValue(line, which, value));
        Arbitrary<Mutation> insert = Combinators.combine(Arbitraries.integers().between(0, length), hostileValues())
                .as((at, value) -> line -> {
                    int p = Math.min(at, line.length);
                    byte[] v = value.getBytes(StandardCharsets.UTF_8);
                    byte[] out = new byte[line.length + v.length];
                    System.arraycopy(line, 0, out, 0, p);
                    System.arraycopy(v, 0, out, p, v.length);
                    System.arraycopy(line, p, out, p + v.length, line.length - p);
                    return out;
                });
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, truncate),
                net.jqwik.api.Tuple.of(2, flip),
                net.jqwik.api.Tuple.of(6, replaceValue),
                net.jqwik.api.Tuple.of(1, insert));
    }

    private static byte[] replaceValue(byte[] line, int which, String value) {
        String s = new String(line, StandardCharsets.UTF_8);
        Matcher m = VALUE.matcher(s);
        List<int[]> spans = new ArrayList<>();
        while (m.find()) {
            spans.add(new int[] {m.start(1), m.end(1)});
        }
        if (spans.isEmpty()) {
            return line;
        }
        int[] span = spans.get(which % spans.size());
        return (s.substring(0, span[0]) + value + s.substring(span[1])).getBytes(StandardCharsets.UTF_8);
    }

    /** Values a hostile or broken producer writes where a field's value belongs. */
    private static Arbitrary<String> hostileValues() {
        Arbitrary<String> fixed = Arbitraries.of(FIXED);
        Arbitrary<String> numbers = hostileNumbers();
        Arbitrary<String> deep = Combinators.combine(
                        Arbitraries.integers().between(1, 20_000),
                        Arbitraries.of("[", "{\"a\":"),
                        Arbitraries.of(true, false))
                .as((depth, open, closed) -> {
                    String close = open.equals("[") ? "]" : "}";
                    return open.repeat(depth) + "1" + (closed ? close.repeat(depth) : "");
                });
        Arbitrary<String> longStrings = Combinators.combine(
                        Arbitraries.integers().between(1, 300_000),
                        Arbitraries.chars().all())
                .as((n, c) -> "\"" + (c == '"' || c == '\\' || c < 0x20 ? "x" : String.valueOf(c)).repeat(n) + "\"");
        Arbitrary<String> randomStrings =
                Arbitraries.strings().all().ofMaxLength(200).map(s -> "\"" + s + "\"");
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, fixed),
                net.jqwik.api.Tuple.of(3, numbers),
                net.jqwik.api.Tuple.of(1, deep),
                net.jqwik.api.Tuple.of(1, longStrings),
                net.jqwik.api.Tuple.of(1, randomStrings));
    }

    /** Up to 120 digits with an exponent far beyond an int either way, as a JSON number or string. */
    private static Arbitrary<String> hostileNumbers() {
        return Combinators.combine(
                        Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(120),
                        Arbitraries.oneOf(
                                Arbitraries.longs().between(-5_000_000_000L, 5_000_000_000L),
                                Arbitraries.longs().between(-60, 60)),
                        Arbitraries.of("", "-", "0.", "-0."),
                        Arbitraries.of(true, false))
                .as((digits, exponent, prefix, quoted) -> {
                    String n = prefix + digits + "e" + exponent;
                    return quoted ? "\"" + n + "\"" : n;
                });
    }
}
