package io.reckon.jobs.records;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * Typed, exact reads of the JSON input format of the spec, with reasons that name the field.
 *
 * <p>Every read is bounded before any arithmetic, so no input can cost unbounded time or memory:
 * the parser refuses numbers over {@link #MAX_NUMBER_CHARS} characters, nesting deeper than {@link
 * #MAX_NESTING_DEPTH} and strings over {@link #MAX_STRING_CHARS} characters; a decimal is refused
 * when it has more than {@link #MAX_DECIMAL_DIGITS} digits before or after the decimal point, which
 * is checked on its precision and scale alone ({@code 1e999999999} is refused without writing it
 * out, which would take a gigabyte). These bounds are wider than anything an Avro contract can carry
 * (decimals of precision 38), so the contracts the job keeps in state as JSON always read back.
 */
public final class JsonFields {

    /** Longest JSON number token, and longest decimal written as a string, in characters. */
    public static final int MAX_NUMBER_CHARS = InputLimits.MAX_NUMBER_CHARS;

    /** Deepest nesting of objects and arrays; the deepest record of the spec (a contract) has 6. */
    public static final int MAX_NESTING_DEPTH = 64;

    /**
     * Longest JSON string, in characters: far above any record Kafka accepts by default (1 MB), and
     * replay lines are cut at 1 MiB before they are parsed.
     */
    public static final int MAX_STRING_CHARS = 16 * 1024 * 1024;

    /** Most digits of a decimal before, and after, its decimal point: the precision of the Avro decimals. */
    public static final int MAX_DECIMAL_DIGITS = InputLimits.MAX_DECIMAL_DIGITS;

    /** The parser's limits, set explicitly rather than left to the defaults of a Jackson version. */
    public static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxNumberLength(MAX_NUMBER_CHARS)
            .maxNestingDepth(MAX_NESTING_DEPTH)
            .maxStringLength(MAX_STRING_CHARS)
            .build();

    /**
     * Numbers are read as BigDecimal: a JSON number must never pass through a double. A field named
     * twice in one object is refused: parsers differ on which of the two values counts, so such a
     * record means different things to different readers of the same topic or file.
     */
    public static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(LIMITS)
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private JsonFields() {}

    public static JsonNode parse(String line) throws InvalidRecordException {
        try {
            JsonNode node = MAPPER.readTree(line);
            if (node == null || !node.isObject()) {
                throw new InvalidRecordException("not a JSON object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidRecordException("invalid JSON: " + e.getOriginalMessage());
        } catch (NumberFormatException e) {
            // Jackson lets this through for a number it cannot read as a BigDecimal, e.g. 1e9999999999.
            throw new InvalidRecordException("invalid JSON: " + e.getMessage());
        }
    }

    public static boolean present(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    public static String text(JsonNode node, String field) throws InvalidRecordException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new InvalidRecordException("missing required field " + field);
        }
        if (!v.isTextual()) {
            throw new InvalidRecordException(field + " must be a string, was " + v.getNodeType());
        }
        return InputLimits.unicode(field, v.asText());
    }

    public static String optionalText(JsonNode node, String field) throws InvalidRecordException {
        return present(node, field) ? text(node, field) : null;
    }

    /**
     * An exact decimal given as a JSON string or number, with at most {@link #MAX_DECIMAL_DIGITS}
     * digits before and after its decimal point (trailing zeros after it do not count).
     */
    public static BigDecimal decimal(JsonNode node, String field) throws InvalidRecordException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new InvalidRecordException("missing required field " + field);
        }
        if (v.isNumber()) {
            return bounded(field, v.decimalValue());
        }
        if (v.isTextual()) {
            return InputLimits.decimalText(field, v.asText());
        }
        throw new InvalidRecordException(field + " must be a decimal string or number, was " + v.getNodeType());
    }

    /**
     * {@code d} if it lies within the bounds, judged on its precision and scale only: neither is
     * arithmetic on the value, whose exponent may be in the billions. Stripping trailing zeros costs
     * at most one step per digit, and a value here has at most {@link #MAX_NUMBER_CHARS} of them.
     * Reasons show the value in scientific notation when it is large, never written out in full.
     */
    static BigDecimal bounded(String field, BigDecimal d) throws InvalidRecordException {
        return InputLimits.decimal(field, d);
    }

    public static BigDecimal optionalDecimal(JsonNode node, String field) throws InvalidRecordException {
        return present(node, field) ? decimal(node, field) : null;
    }

    public static long integer(JsonNode node, String field) throws InvalidRecordException {
        BigDecimal d = decimal(node, field);
        try {
            return d.longValueExact();
        } catch (ArithmeticException e) {
            if (d.stripTrailingZeros().scale() > 0) {
                throw new InvalidRecordException(field + " must be a whole number, was " + d.toPlainString());
            }
            throw new InvalidRecordException(
                    field + " " + d.toPlainString() + " is out of the range of a 64-bit integer");
        }
    }

    public static Long optionalInteger(JsonNode node, String field) throws InvalidRecordException {
        return present(node, field) ? integer(node, field) : null;
    }

    /**
     * An ISO-8601 time, kept to the millisecond: the resolution of the Avro contracts' timestamps, so
     * that a record read from a file is the record the job reads from Avro. The digits past it are
     * dropped (the time floored), which never moves a record into another hour or billing period.
     */
    public static Instant time(JsonNode node, String field) throws InvalidRecordException {
        return exactTime(node, field).truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * A time compared with the starts of billing periods only (a contract's {@code effective_from} and
     * {@code renewal.term_end}), kept to the millisecond as {@link #time} keeps times, but rounded up:
     * a version effective 100 ns after a period starts does not apply to that period, as it would if
     * its time were floored to the start. Against any start (a whole millisecond) the rounded time
     * compares as the exact one.
     */
    public static Instant boundaryTime(JsonNode node, String field) throws InvalidRecordException {
        Instant exact = exactTime(node, field);
        Instant floor = exact.truncatedTo(ChronoUnit.MILLIS);
        return floor.equals(exact) ? floor : floor.plusMillis(1);
    }

    private static Instant exactTime(JsonNode node, String field) throws InvalidRecordException {
        String s = text(node, field);
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new InvalidRecordException(field + " is not an ISO-8601 UTC time: '" + shown(s) + "'");
        }
    }

    public static Instant optionalTime(JsonNode node, String field) throws InvalidRecordException {
        return present(node, field) ? time(node, field) : null;
    }

    /** A value as shown in a reason: cut to 64 characters, so a reason stays readable. */
    public static String shown(String value) {
        return io.reckon.pricing.ShownValue.of(value);
    }
}
