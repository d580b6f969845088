package io.reckon.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every object the chart renders, with the default and the production values, checked against the
 * operators' own published models and schemas, at the versions docs/operations.md names:
 *
 * <ul>
 *   <li>Kubernetes objects (ConfigMap, NetworkPolicy, Job): fabric8's Kubernetes model classes;
 *   <li>FlinkDeployment: the CRD schema published in flink-kubernetes-operator-api ({@link FlinkOperatorCrd});
 *   <li>KafkaTopic, KafkaUser: Strimzi's model classes from io.strimzi:api ({@link StrimziModelCheck}, in a
 *       child JVM on a JDK 21+, since those classes are Java 21 bytecode).
 * </ul>
 *
 * Unknown fields are refused everywhere. A kind without a published model fails the test, so a new kind in
 * the chart needs a check here. Each checker is also shown to refuse what the cluster would refuse.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChartSchemaTest {

    private static final Map<String, Class<?>> KUBERNETES_MODELS = Map.of(
            "v1/ConfigMap", ConfigMap.class,
            "networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class,
            "batch/v1/Job", Job.class);

    @TempDir
    static Path tmp;

    private final Map<String, JsonNode> rendered = new LinkedHashMap<>();
    private final Map<String, JsonNode> strimziObjects = new LinkedHashMap<>();
    private Map<String, String> strimziVerdicts;
    private FlinkOperatorCrd flinkCrd;

    @BeforeAll
    void renderAndCheckStrimziObjectsInOneChildJvm() throws Exception {
        flinkCrd = FlinkOperatorCrd.load();
        collect("default", Chart.render());
        collect("production", Chart.render(Chart.PRODUCTION_VALUES));
        for (Map.Entry<String, JsonNode> e : rendered.entrySet()) {
            if (e.getValue().path("apiVersion").asText().startsWith("kafka.strimzi.io/")) {
                strimziObjects.put(e.getKey(), e.getValue());
            }
        }
        JsonNode topic = rendered.values().stream()
                .filter(r -> r.path("kind").asText().equals("KafkaTopic"))
                .findFirst()
                .orElseThrow();
        JsonNode user = rendered.values().stream()
                .filter(r -> r.path("kind").asText().equals("KafkaUser"))
                .findFirst()
                .orElseThrow();
        ObjectNode oldApi = topic.deepCopy();
        oldApi.put("apiVersion", "kafka.strimzi.io/v1beta2");
        strimziObjects.put("guard: KafkaTopic on v1beta2", oldApi);
        ObjectNode singularOperation = user.deepCopy();
        ObjectNode acl = (ObjectNode) singularOperation
                .path("spec")
                .path("authorization")
                .path("acls")
                .get(0);
        acl.remove("operations");
        acl.put("operation", "Write");
        strimziObjects.put("guard: KafkaUser with operation (v1beta2 only)", singularOperation);
        ObjectNode badOperation = user.deepCopy();
        ((ArrayNode) badOperation
                        .path("spec")
                        .path("authorization")
                        .path("acls")
                        .get(0)
                        .path("operations"))
                .add("Wrte");
        strimziObjects.put("guard: KafkaUser with an unknown operation", badOperation);
        ObjectNode unknownField = topic.deepCopy();
        ((ObjectNode) unknownField.path("spec")).put("partitionCount", 3);
        strimziObjects.put("guard: KafkaTopic with an unknown field", unknownField);
        strimziVerdicts = checkInChildJvm(strimziObjects);
    }

    private void collect(String values, List<JsonNode> resources) {
        for (JsonNode r : resources) {
            rendered.put(
                    values + ": " + r.path("kind").asText() + "/"
                            + r.path("metadata").path("name").asText(),
                    r);
        }
    }

    @Test
    void bothValueSetsRenderEveryKindTheChartHas() {
        assertThat(rendered.keySet())
                .anyMatch(k -> k.startsWith("default: FlinkDeployment/"))
                .anyMatch(k -> k.startsWith("default: NetworkPolicy/"))
                .anyMatch(k -> k.startsWith("default: Job/"))
                .anyMatch(k -> k.startsWith("default: ConfigMap/"))
                .anyMatch(k -> k.startsWith("production: KafkaTopic/"))
                .anyMatch(k -> k.startsWith("production: KafkaUser/"))
                .anyMatch(k -> k.equals("production: FlinkDeployment/reckon-reckon-actions"));
    }

    @Test
    void everyRenderedObjectIsValidAgainstItsOperatorsPublishedModel() {
        Map<String, List<String>> problems = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : rendered.entrySet()) {
            List<String> found = check(e.getKey(), e.getValue());
            if (!found.isEmpty()) {
                problems.put(e.getKey(), found);
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void theFlinkDeploymentCheckRefusesWhatTheOperatorWould() {
        JsonNode deployment = rendered.get("production: FlinkDeployment/reckon-reckon");
        ObjectNode typo = deployment.deepCopy();
        ((ObjectNode) typo.path("spec")
                        .path("podTemplate")
                        .path("spec")
                        .path("containers")
                        .get(0)
                        .path("securityContext"))
                .put("readOnlyRootFileSystem", true);
        assertThat(flinkCrd.validate(typo)).singleElement().asString().contains("readOnlyRootFileSystem");

        ObjectNode flink3 = deployment.deepCopy();
        ((ObjectNode) flink3.path("spec")).put("flinkVersion", "v3_0");
        assertThat(flinkCrd.validate(flink3)).singleElement().asString().contains("flinkVersion");

        ObjectNode stringCpu = deployment.deepCopy();
        ((ObjectNode) stringCpu.path("spec").path("taskManager").path("resource")).put("cpu", "2");
        assertThat(flinkCrd.validate(stringCpu)).singleElement().asString().contains("cpu");

        ObjectNode v2 = deployment.deepCopy();
        v2.put("apiVersion", "flink.apache.org/v2");
        assertThat(flinkCrd.validate(v2)).singleElement().asString().contains("not served");
    }

    @Test
    void theStrimziCheckRefusesWhatStrimziWould() {
        assertThat(strimziVerdicts.get("guard: KafkaTopic on v1beta2"))
                .isEqualTo("apiVersion kafka.strimzi.io/v1beta2 is not served; Strimzi serves [kafka.strimzi.io/v1]");
        assertThat(strimziVerdicts.get("guard: KafkaUser with operation (v1beta2 only)"))
                .contains("operation");
        assertThat(strimziVerdicts.get("guard: KafkaUser with an unknown operation"))
                .contains("Wrte");
        assertThat(strimziVerdicts.get("guard: KafkaTopic with an unknown field"))
                .contains("partitionCount");
    }

    @Test
    void theKubernetesModelCheckRefusesUnknownFieldsAndWrongTypes() throws Exception {
        ObjectNode policy = rendered.get("default: NetworkPolicy/reckon-reckon").deepCopy();
        ((ObjectNode) policy.path("spec")).put("policyType", "Ingress");
        assertThat(checkKubernetes(policy)).singleElement().asString().contains("policyType");

        ObjectNode job = rendered.get("default: Job/reckon-reckon-migrate").deepCopy();
        ((ObjectNode) job.path("spec")).put("backoffLimit", "3");
        assertThat(checkKubernetes(job)).singleElement().asString().contains("backoffLimit");
    }

    private List<String> check(String name, JsonNode object) {
        String apiVersion = object.path("apiVersion").asText();
        if (apiVersion.startsWith("kafka.strimzi.io/")) {
            String verdict = strimziVerdicts.get(name);
            return "OK".equals(verdict) ? List.of() : List.of(String.valueOf(verdict));
        }
        if (apiVersion.equals(FlinkOperatorCrd.API_VERSION) || apiVersion.startsWith("flink.apache.org/")) {
            List<String> problems = new ArrayList<>(flinkCrd.validate(object));
            problems.addAll(strictRead(object.path("metadata"), ObjectMeta.class));
            return problems;
        }
        return checkKubernetes(object);
    }

    private static List<String> checkKubernetes(JsonNode object) {
        String key =
                object.path("apiVersion").asText() + "/" + object.path("kind").asText();
        Class<?> model = KUBERNETES_MODELS.get(key);
        if (model == null) {
            return List.of("no published model is checked for " + key + ": add one to ChartSchemaTest");
        }
        return strictRead(object, model);
    }

    private static List<String> strictRead(JsonNode object, Class<?> model) {
        try {
            Object read = StrictModels.MAPPER.treeToValue(object, model);
            List<String> problems = new ArrayList<>();
            StrictModels.unknownFields(read).forEach(u -> problems.add("unknown fields " + u));
            if (problems.isEmpty()) {
                StrictModels.roundTripDifferences(object, read).forEach(d -> problems.add("not read as written: " + d));
            }
            return problems;
        } catch (IOException e) {
            return List.of(e.getMessage());
        }
    }

    /** Runs {@link StrimziModelCheck} on a JDK 21+ with this test's class path; label -> verdict. */
    private Map<String, String> checkInChildJvm(Map<String, JsonNode> objects) throws Exception {
        ArrayNode entries = StrictModels.MAPPER.createArrayNode();
        objects.forEach(
                (label, object) -> entries.addObject().put("label", label).set("object", object));
        Path input = tmp.resolve("strimzi-objects.json");
        StrictModels.MAPPER.writeValue(input.toFile(), entries);
        Path java = jdk21().resolve("bin").resolve("java");
        Process process = new ProcessBuilder(
                        java.toString(),
                        "-Xmx256m",
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        StrimziModelCheck.class.getName(),
                        input.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        Map<String, String> verdicts = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                verdicts.put(line.substring(0, tab), line.substring(tab + 1));
            }
        }
        assertThat(verdicts.keySet()).as(output).containsExactlyInAnyOrderElementsOf(objects.keySet());
        return verdicts;
    }

    /**
     * A JDK of release 21 or later: {@code JAVA21_HOME} if set, else one under /usr/lib/jvm (machines of
     * this project's kind carry Temurin's JDK there beside the default OpenJDK 17).
     */
    static Path jdk21() throws IOException {
        String configured = System.getenv("JAVA21_HOME");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Optional<Path> found;
        try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
            found = jdks.filter(d -> release(d) >= 21).findFirst();
        } catch (IOException e) {
            found = Optional.empty();
        }
        return found.orElseThrow(() -> new AssertionError("Strimzi's model classes (io.strimzi:api) are Java 21"
                + " bytecode: this test needs a JDK 21+ under /usr/lib/jvm or in JAVA21_HOME"));
    }

    private static int release(Path jdk) {
        try {
            for (String line : Files.readAllLines(jdk.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Integer.parseInt(v.split("[.+-]")[0]);
                }
            }
        } catch (IOException | NumberFormatException | IndexOutOfBoundsException e) {
            return 0;
        }
        return 0;
    }
}
