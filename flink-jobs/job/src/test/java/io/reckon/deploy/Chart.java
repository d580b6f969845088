package io.reckon.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The Helm chart under helm/reckon, rendered with helm-java (Helm's own library, no binary needed). */
final class Chart {

    static final Path DIR = Path.of("..", "..", "helm", "reckon");
    static final Path PRODUCTION_VALUES = DIR.resolve("values-production.yaml");
    static final Path DASHBOARD = DIR.resolve("dashboards/reckon.json");

    private static final YAMLMapper YAML = new YAMLMapper();

    private Chart() {}

    /** Named templates of Helm hooks, which {@code helm template} leaves out of its output. */
    static final List<String> HOOK_TEMPLATES = List.of("reckon.migrationJob");

    /**
     * Renders the chart with the default values plus the given values files, in order, hooks included: a
     * copy of the chart carries one more template that renders each hook's named template as a string,
     * which is then parsed like the rest (the text is exactly what the hook's own template renders).
     */
    static List<JsonNode> render(Path... valuesFiles) throws IOException {
        Path copy = Files.createTempDirectory("reckon-chart");
        try {
            copyChart(copy);
            StringBuilder hooks = new StringBuilder(
                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n" + "  name: rendered-hooks\ndata:\n");
            for (String hook : HOOK_TEMPLATES) {
                hooks.append("  ")
                        .append(hook)
                        .append(": {{ include \"")
                        .append(hook)
                        .append("\" . | quote }}\n");
            }
            Files.writeString(copy.resolve("templates/zz-rendered-hooks.yaml"), hooks.toString());
            var template = new Helm(copy).template().withName("reckon").withNamespace("recon");
            for (Path values : valuesFiles) {
                template = template.withValuesFile(values.toAbsolutePath());
            }
            List<JsonNode> resources = new ArrayList<>();
            for (JsonNode r : parse(template.call())) {
                if (r.path("metadata").path("name").asText().equals("rendered-hooks")) {
                    for (String hook : HOOK_TEMPLATES) {
                        resources.addAll(parse(r.path("data").path(hook).asText()));
                    }
                } else {
                    resources.add(r);
                }
            }
            return resources;
        } finally {
            try (Stream<Path> files = Files.walk(copy)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static void copyChart(Path target) throws IOException {
        try (Stream<Path> files = Files.walk(DIR)) {
            for (Path source : files.toList()) {
                Path dest = target.resolve(DIR.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(source, dest);
                }
            }
        }
    }

    static List<JsonNode> parse(String manifests) throws IOException {
        List<JsonNode> resources = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(manifests)) {
            Iterator<JsonNode> docs = YAML.readValues(parser, JsonNode.class);
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc != null && !doc.isMissingNode() && !doc.isNull()) {
                    resources.add(doc);
                }
            }
        }
        return resources;
    }

    static List<JsonNode> ofKind(List<JsonNode> resources, String kind) {
        return resources.stream()
                .filter(r -> kind.equals(r.path("kind").asText()))
                .toList();
    }

    static JsonNode single(List<JsonNode> resources, String kind) {
        List<JsonNode> found = ofKind(resources, kind);
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + ", found " + found.size());
        }
        return found.get(0);
    }

    /** The FlinkDeployment of one job: {@code reconciliation} or {@code actions}. */
    static JsonNode deployment(List<JsonNode> resources, String component) {
        List<JsonNode> found = ofKind(resources, "FlinkDeployment").stream()
                .filter(d -> component.equals(d.path("metadata")
                        .path("labels")
                        .path("app.kubernetes.io/component")
                        .asText()))
                .toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one FlinkDeployment of " + component + ", found " + found.size());
        }
        return found.get(0);
    }

    /**
     * A copy of the chart whose values.yaml is the defaults overlaid with {@code overlay}, because
     * {@code helm lint} as a library call takes no values files and the production file only holds
     * what differs from the defaults.
     */
    static Path copyWithValues(Path overlay, Path target) throws IOException {
        copyChart(target);
        ObjectNode merged =
                (ObjectNode) YAML.readTree(DIR.resolve("values.yaml").toFile());
        merge(merged, (ObjectNode) YAML.readTree(overlay.toFile()));
        Files.delete(target.resolve("values.yaml"));
        YAML.writeValue(target.resolve("values.yaml").toFile(), merged);
        return target;
    }

    private static void merge(ObjectNode base, ObjectNode overlay) {
        for (Iterator<Map.Entry<String, JsonNode>> it = overlay.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode existing = base.get(e.getKey());
            if (existing instanceof ObjectNode existingObject && e.getValue() instanceof ObjectNode overlayObject) {
                merge(existingObject, overlayObject);
            } else {
                base.set(e.getKey(), e.getValue());
            }
        }
    }
}
