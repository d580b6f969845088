package io.reckon.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks Strimzi objects against Strimzi's own model classes ({@code io.strimzi:api}, the version in the
 * parent POM). Those classes are Java 21 bytecode, so {@link ChartSchemaTest} runs this in a child JVM on
 * a JDK 21+; nothing here may be loaded by the Java 17 test JVM beyond this class.
 *
 * <p>Input: a JSON array of {@code {"label": ..., "object": {...}}}. Output: one line per entry, {@code
 * <label>\tOK} or {@code <label>\t<what is wrong>}.
 */
public final class StrimziModelCheck {

    private static final Map<String, String> MODELS = Map.of(
            "KafkaTopic", "io.strimzi.api.kafka.model.topic.KafkaTopic",
            "KafkaUser", "io.strimzi.api.kafka.model.user.KafkaUser");

    private StrimziModelCheck() {}

    public static void main(String[] args) throws Exception {
        JsonNode entries = StrictModels.MAPPER.readTree(new File(args[0]));
        for (JsonNode entry : entries) {
            System.out.println(entry.path("label").asText() + "\t" + check(entry.path("object")));
        }
    }

    static String check(JsonNode object) {
        String kind = object.path("kind").asText();
        String modelClass = MODELS.get(kind);
        if (modelClass == null) {
            return "no Strimzi model for kind " + kind;
        }
        try {
            Class<?> model = Class.forName(modelClass);
            String group = (String) model.getField("RESOURCE_GROUP").get(null);
            @SuppressWarnings("unchecked")
            List<String> versions = (List<String>) model.getField("VERSIONS").get(null);
            List<String> served = new ArrayList<>();
            versions.forEach(v -> served.add(group + "/" + v));
            String apiVersion = object.path("apiVersion").asText();
            if (!served.contains(apiVersion)) {
                return "apiVersion " + apiVersion + " is not served; Strimzi serves " + served;
            }
            Object read = StrictModels.MAPPER.treeToValue(object, model);
            List<String> unknown = StrictModels.unknownFields(read);
            if (!unknown.isEmpty()) {
                return "unknown fields " + unknown;
            }
            List<String> changed = StrictModels.roundTripDifferences(object, read);
            return changed.isEmpty() ? "OK" : "not read as written: " + changed;
        } catch (Exception e) {
            return e.getClass().getSimpleName() + ": "
                    + String.valueOf(e.getMessage()).replace('\n', ' ');
        }
    }
}
