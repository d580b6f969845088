package io.reckon.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Reads Kubernetes objects into an operator's own model classes (fabric8's Kubernetes model, Strimzi's
 * api) and refuses unknown fields, as the API server does with strict field validation.
 *
 * <p>Hand-written because both libraries keep unknown fields rather than refuse them: every model class
 * has a {@code @JsonAnySetter} that collects them into {@code getAdditionalProperties()}, so Jackson's
 * FAIL_ON_UNKNOWN_PROPERTIES never fires. {@link #unknownFields} walks the read object and reports every
 * non-empty additional-properties map with its path. Scalars are not coerced ("1" is no integer).
 */
final class StrictModels {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private static final int MAX_DEPTH = 64;

    private StrictModels() {}

    /**
     * Where the model, written back, differs from what it read: a field it dropped or changed (an enum
     * value it does not know reads as null, for instance). Fields the model adds (defaults) are fine.
     */
    static List<String> roundTripDifferences(com.fasterxml.jackson.databind.JsonNode input, Object model) {
        List<String> found = new ArrayList<>();
        compare(input, MAPPER.valueToTree(model), "", found);
        return found;
    }

    private static void compare(
            com.fasterxml.jackson.databind.JsonNode in,
            com.fasterxml.jackson.databind.JsonNode out,
            String path,
            List<String> found) {
        String at = path.isEmpty() ? "<root>" : path.substring(1);
        if (in.isObject()) {
            if (!out.isObject()) {
                found.add(at + ": read as " + out);
                return;
            }
            in.fields().forEachRemaining(e -> {
                com.fasterxml.jackson.databind.JsonNode o = out.get(e.getKey());
                if (o == null || (o.isNull() && !e.getValue().isNull())) {
                    found.add(at + "." + e.getKey() + ": " + e.getValue() + " was dropped");
                } else {
                    compare(e.getValue(), o, path + "." + e.getKey(), found);
                }
            });
        } else if (in.isArray()) {
            if (!out.isArray() || out.size() != in.size()) {
                found.add(at + ": " + in + " read as " + out);
                return;
            }
            for (int i = 0; i < in.size(); i++) {
                compare(in.get(i), out.get(i), path + "[" + i + "]", found);
            }
        } else if (in.isNumber() && out.isNumber()) {
            if (in.decimalValue().compareTo(out.decimalValue()) != 0) {
                found.add(at + ": " + in + " read as " + out);
            }
        } else if (!in.equals(out)
                && !(in.isTextual() && out.isTextual() && in.asText().equals(out.asText()))) {
            found.add(at + ": " + in + " read as " + out);
        }
    }

    /** Paths of the fields the model did not know, e.g. {@code spec.template.spec.containers[0]: [fooBar]}. */
    static List<String> unknownFields(Object model) {
        List<String> found = new ArrayList<>();
        walk(model, "", found, 0);
        return found;
    }

    private static void walk(Object node, String path, List<String> found, int depth) {
        if (node == null || depth > MAX_DEPTH || isScalar(node)) {
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "." + k, found, depth + 1));
            return;
        }
        if (node instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                walk(item, path + "[" + i++ + "]", found, depth + 1);
            }
            return;
        }
        if (!isModel(node.getClass())) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (!isGetter(getter)) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(node);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue; // A derived property that needs more than the object itself: not a field.
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    found.add((path.isEmpty() ? "<root>" : path.substring(1)) + ": " + extra.keySet());
                }
                continue;
            }
            walk(value, path + "." + property(getter.getName()), found, depth + 1);
        }
    }

    private static boolean isModel(Class<?> type) {
        String name = type.getName();
        return name.startsWith("io.fabric8.kubernetes.api.model.") || name.startsWith("io.strimzi.api.");
    }

    private static boolean isGetter(Method m) {
        return m.getParameterCount() == 0
                && !Modifier.isStatic(m.getModifiers())
                && m.getDeclaringClass() != Object.class
                && (m.getName().startsWith("get") || m.getName().startsWith("is"));
    }

    private static boolean isScalar(Object o) {
        return o instanceof CharSequence || o instanceof Number || o instanceof Boolean || o instanceof Enum<?>;
    }

    private static String property(String getter) {
        String bare = getter.startsWith("is") ? getter.substring(2) : getter.substring(3);
        return bare.isEmpty() ? bare : Character.toLowerCase(bare.charAt(0)) + bare.substring(1);
    }
}
