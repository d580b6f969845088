package io.reckon.demo;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;

/** Jackson settings shared by the generator and the scorer: exact decimals, insertion-ordered fields. */
final class DemoJson {

    static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private DemoJson() {}

    static String line(ObjectNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (Exception e) {
            throw new IllegalStateException("cannot serialize " + node, e);
        }
    }

    /** A quantity as the spec writes it: a JSON string, no exponent. */
    static String quantity(BigDecimal q) {
        return q.toPlainString();
    }

    /**
     * A time written either as ISO-8601 or as epoch milliseconds (the Avro timestamp-millis form);
     * null when absent or unparseable.
     */
    static Instant time(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isNumber()) {
            return Instant.ofEpochMilli(node.asLong());
        }
        String text = node.asText();
        try {
            return Instant.parse(text);
        } catch (RuntimeException notIso) {
            try {
                return Instant.ofEpochMilli(Long.parseLong(text));
            } catch (NumberFormatException notMillis) {
                return null;
            }
        }
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
