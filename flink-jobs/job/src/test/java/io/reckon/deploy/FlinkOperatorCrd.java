package io.reckon.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The FlinkDeployment CRD as the Flink Kubernetes Operator publishes it: the OpenAPI v3 schema that the
 * operator's own build generates into {@code flink-kubernetes-operator-api} ({@code
 * META-INF/fabric8/flinkdeployments.flink.apache.org-v1.yml}), validated with a JSON-schema validator.
 *
 * <p>Two adjustments, both stated in docs/operations.md:
 *
 * <ul>
 *   <li>Unknown fields are refused: every object schema that lists its properties and does not say
 *       {@code x-kubernetes-preserve-unknown-fields} is closed ({@code additionalProperties: false}), as
 *       the API server's strict field validation does (by default it would drop them silently).
 *   <li>The newest operator API on Maven Central is {@value #OPERATOR_VERSION}, whose {@code
 *       flinkVersion} enum ends at v1_20. Flink 2.x needs operator 1.13 (v2_0 .. v2_2), whose CRD is not
 *       published there; those three values are added to the enum, and every other field is checked
 *       against the {@value #OPERATOR_VERSION} schema.
 * </ul>
 */
final class FlinkOperatorCrd {

    static final String OPERATOR_VERSION = "1.10.0";
    static final String API_VERSION = "flink.apache.org/v1beta1";
    static final List<String> FLINK_2_VERSIONS = List.of("v2_0", "v2_1", "v2_2");

    private static final String CRD = "/META-INF/fabric8/flinkdeployments.flink.apache.org-v1.yml";

    private final JsonSchema schema;
    private final List<String> servedVersions;

    private FlinkOperatorCrd(JsonSchema schema, List<String> servedVersions) {
        this.schema = schema;
        this.servedVersions = servedVersions;
    }

    static FlinkOperatorCrd load() throws IOException {
        JsonNode crd;
        try (InputStream in = FlinkOperatorCrd.class.getResourceAsStream(CRD)) {
            if (in == null) {
                throw new IllegalStateException(CRD + " is not on the test class path");
            }
            crd = new YAMLMapper().readTree(in);
        }
        String group = crd.path("spec").path("group").asText();
        List<String> served = new ArrayList<>();
        JsonNode openApi = null;
        for (JsonNode version : crd.path("spec").path("versions")) {
            if (version.path("served").asBoolean()) {
                served.add(group + "/" + version.path("name").asText());
            }
            if ((group + "/" + version.path("name").asText()).equals(API_VERSION)) {
                openApi = version.path("schema").path("openAPIV3Schema").deepCopy();
            }
        }
        if (openApi == null) {
            throw new IllegalStateException("the CRD has no version " + API_VERSION);
        }
        ArrayNode flinkVersions = (ArrayNode) openApi.path("properties")
                .path("spec")
                .path("properties")
                .path("flinkVersion")
                .path("enum");
        FLINK_2_VERSIONS.forEach(flinkVersions::add);
        // The API server adds these to every CRD's schema itself; metadata is checked as ObjectMeta.
        ObjectNode properties = (ObjectNode) openApi.path("properties");
        properties.putObject("apiVersion").put("type", "string");
        properties.putObject("kind").put("type", "string");
        properties.putObject("metadata").put("type", "object").put("x-kubernetes-preserve-unknown-fields", true);
        close(openApi);
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                .nullableKeywordEnabled(true)
                .typeLoose(false)
                .build();
        JsonSchema schema =
                JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(openApi, config);
        return new FlinkOperatorCrd(schema, served);
    }

    /** What is wrong with a rendered FlinkDeployment; empty when the operator's schema accepts it. */
    List<String> validate(JsonNode deployment) {
        List<String> problems = new ArrayList<>();
        String apiVersion = deployment.path("apiVersion").asText();
        if (!servedVersions.contains(apiVersion)) {
            problems.add("apiVersion " + apiVersion + " is not served; the CRD serves " + servedVersions);
        }
        for (ValidationMessage m : schema.validate(deployment)) {
            problems.add(m.getMessage());
        }
        return problems;
    }

    /**
     * Closes every object schema with listed properties, unless it preserves unknown fields, and drops the
     * {@code x-kubernetes-*} extensions (Kubernetes' own, which a JSON-schema validator does not know).
     */
    private static void close(JsonNode node) {
        if (node instanceof ObjectNode object) {
            boolean preserves =
                    object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
            if (object.has("properties") && !object.has("additionalProperties") && !preserves) {
                object.put("additionalProperties", false);
            }
            List<String> extensions = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().startsWith("x-kubernetes-")) {
                    extensions.add(e.getKey());
                } else if (!e.getKey().equals("enum") && !e.getKey().equals("default")) {
                    close(e.getValue());
                }
            }
            extensions.forEach(object::remove);
        } else if (node instanceof ArrayNode array) {
            array.forEach(FlinkOperatorCrd::close);
        }
    }
}
