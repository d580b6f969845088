package io.reckon.jobs.records;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Typed, exact reads of the JSON input format of the spec, with reasons that name the field. */
public final class JsonFields {

    /** Numbers are read as BigDecimal: a JSON number must never pass through a double. */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

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
        return v.asText();
    }

    public static String optionalText(JsonNode node, String field) throws InvalidRecordException {
        return present(node, field) ? text(node, field) : null;
    }

    /** An exact decimal given as a JSON string or number. */
    public static BigDecimal decimal(JsonNode node, String field) throws InvalidRecordException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new InvalidRecordException("missing required field " + field);
        }
        if (v.isNumber()) {
            return v.decimalValue();
        }
        if (v.isTextual()) {
            try {
                return new BigDecimal(v.asText().trim());
            } catch (NumberFormatException e) {
                throw new InvalidRecordException(field + " is not a number: '" + v.asText() + "'");
            }
        }
        throw new InvalidRecordException(field + " must be a decimal string or number, was " + v.getNodeType());
    }

    public static BigDecimal optionalDecimal(JsonNode node, String field) throws InvalidRecordException {
        return present(node, field) ? decimal(node, field) : null;
    }

    public static long integer(JsonNode node, String field) throws InvalidRecordException {
        BigDecimal d = decimal(node, field);
        try {
            return d.longValueExact();
        } catch (ArithmeticException e) {
            throw new InvalidRecordException(field + " must be a whole number, was " + d.toPlainString());
        }
    }

    public static Long optionalInteger(JsonNode node, String field) throws InvalidRecordException {
        return present(node, field) ? integer(node, field) : null;
    }

    public static Instant time(JsonNode node, String field) throws InvalidRecordException {
        String s = text(node, field);
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new InvalidRecordException(field + " is not an ISO-8601 UTC time: '" + s + "'");
        }
    }

    public static Instant optionalTime(JsonNode node, String field) throws InvalidRecordException {
        return present(node, field) ? time(node, field) : null;
    }
}
