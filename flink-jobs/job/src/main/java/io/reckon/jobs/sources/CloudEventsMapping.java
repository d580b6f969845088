package io.reckon.jobs.sources;

import com.fasterxml.jackson.core.JsonPointer;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which CloudEvents {@code type} is which Reckon meter, and where its value sits in {@code data}.
 * Parsed once at job start from {@code cloudevents.meters}; an invalid entry fails the start with a
 * message naming the entry, instead of dead-lettering every event of that type later.
 *
 * <p>Syntax: comma-separated entries {@code <type>:<meter>:<path>}, where {@code path} is {@code $}
 * (the data itself is the value) or {@code $.field.field...} (dotted object fields). The path is the
 * last {@code :$} part, so a type may itself contain colons; a meter may not.
 *
 * <pre>{@code
 * CloudEventsMapping m = CloudEventsMapping.parse("api-calls:api_calls:$.value,llm-tokens:tokens:$.tokens");
 * m.meterOf("llm-tokens"); // Optional[Meter[meter=tokens, path=$.tokens, ...]]
 * }</pre>
 */
public final class CloudEventsMapping implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final Pattern FIELD = Pattern.compile("[^.\\[\\]*\\s]+");

    /**
     * One mapped type. Only the path text is kept: {@link JsonPointer} is not serializable, and the
     * mapping travels inside the Kafka source to the task managers.
     */
    public record Meter(String meter, String path) implements Serializable {
        /**
         * Dotted field paths are all an OpenMeter value property needs (its {@code valueProperty} is
         * a JSONPath into {@code data}); a JSON Pointer does that lookup without a JSONPath library.
         */
        public JsonPointer pointer() {
            if (path.equals("$")) {
                return JsonPointer.empty();
            }
            StringBuilder p = new StringBuilder();
            for (String field : path.substring(2).split("\\.", -1)) {
                p.append('/').append(field.replace("~", "~0").replace("/", "~1"));
            }
            return JsonPointer.compile(p.toString());
        }
    }

    private final Map<String, Meter> byType;

    private CloudEventsMapping(Map<String, Meter> byType) {
        this.byType = Collections.unmodifiableMap(byType);
    }

    /** An empty mapping: every CloudEvent is dead-lettered as unmapped. */
    public static CloudEventsMapping empty() {
        return new CloudEventsMapping(new LinkedHashMap<>());
    }

    /**
     * @throws IllegalArgumentException naming the first invalid entry
     */
    public static CloudEventsMapping parse(String spec) {
        Map<String, Meter> byType = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return new CloudEventsMapping(byType);
        }
        for (String raw : spec.split(",", -1)) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                throw invalid(raw, "is empty (two commas in a row or a trailing comma?)");
            }
            int pathAt = entry.lastIndexOf(":$");
            if (pathAt < 0) {
                throw invalid(entry, "has no ':$...' value path; expected <type>:<meter>:<path>");
            }
            String path = entry.substring(pathAt + 1);
            String typeAndMeter = entry.substring(0, pathAt);
            int meterAt = typeAndMeter.lastIndexOf(':');
            if (meterAt < 0) {
                throw invalid(entry, "has no meter; expected <type>:<meter>:<path>");
            }
            String type = typeAndMeter.substring(0, meterAt);
            String meter = typeAndMeter.substring(meterAt + 1);
            if (type.isEmpty()) {
                throw invalid(entry, "has an empty type");
            }
            if (meter.isEmpty()) {
                throw invalid(entry, "has an empty meter");
            }
            if (InputValidation.hasControlCharacter(type) || InputValidation.hasControlCharacter(meter)) {
                throw invalid(entry, "contains a control character");
            }
            if (!validPath(path)) {
                throw invalid(entry, "has path '" + path + "'; expected $ or $.field[.field...]");
            }
            if (byType.putIfAbsent(type, new Meter(meter, path)) != null) {
                throw invalid(entry, "maps type '" + type + "' a second time");
            }
        }
        return new CloudEventsMapping(byType);
    }

    private static boolean validPath(String path) {
        if (path.equals("$")) {
            return true;
        }
        if (!path.startsWith("$.")) {
            return false;
        }
        for (String field : path.substring(2).split("\\.", -1)) {
            if (!FIELD.matcher(field).matches()) {
                return false;
            }
        }
        return true;
    }

    private static IllegalArgumentException invalid(String entry, String why) {
        return new IllegalArgumentException(CloudEventsOptions.METERS.key() + " entry '" + entry.strip() + "' " + why);
    }

    public Optional<Meter> meterOf(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    /** Mapped types in the order of the option. */
    public Map<String, Meter> byType() {
        return byType;
    }

    @Override
    public String toString() {
        return "CloudEventsMapping" + byType;
    }
}
