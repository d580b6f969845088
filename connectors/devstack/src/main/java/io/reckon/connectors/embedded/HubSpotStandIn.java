package io.reckon.connectors.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * HubSpot's tasks as the action job uses them: {@code POST /crm/v3/objects/tasks} answers HTTP 201 with
 * a numeric id, {@code POST /crm/v3/objects/tasks/search} sees the tasks made before ({@code
 * CONTAINS_TOKEN} and {@code EQ} filters).
 */
final class HubSpotStandIn implements StandIn {

    private final List<FakeBillingApis.CrmTask> tasks = new ArrayList<>();
    private final LongSupplier ids;

    /** {@code ids} numbers the tasks made, shared with the other stand-ins. */
    HubSpotStandIn(LongSupplier ids) {
        this.ids = ids;
    }

    List<FakeBillingApis.CrmTask> tasks() {
        return List.copyOf(tasks);
    }

    @Override
    public void reset() {
        tasks.clear();
    }

    @Override
    public String errorBody(int status) {
        return hubspotError("Injected failure (HTTP " + status + ")", "INTERNAL_ERROR");
    }

    @Override
    public ResponseDefinition handle(String path, Request request, Duration delay) throws IOException {
        if (!StandIn.hasBearer(request)) {
            return StandIn.json(
                    401, hubspotError("Authentication credentials not found.", "INVALID_AUTHENTICATION"), delay);
        }
        JsonNode body = JSON.readTree(request.getBodyAsString());
        return switch (path) {
            case "/crm/v3/objects/tasks" -> createTask(body, request.getBodyAsString(), delay);
            case "/crm/v3/objects/tasks/search" -> searchTasks(body, delay);
            default -> StandIn.json(404, hubspotError("Not found: " + path, "OBJECT_NOT_FOUND"), delay);
        };
    }

    private ResponseDefinition createTask(JsonNode body, String raw, Duration delay) throws IOException {
        Map<String, String> properties = new LinkedHashMap<>();
        body.path("properties")
                .fields()
                .forEachRemaining(e -> properties.put(e.getKey(), e.getValue().asText()));
        if (!properties.containsKey("hs_timestamp")) {
            return StandIn.json(
                    400,
                    hubspotError("Property values were not valid: hs_timestamp is required", "VALIDATION_ERROR"),
                    delay);
        }
        List<String> companies = new ArrayList<>();
        for (JsonNode association : body.path("associations")) {
            for (JsonNode type : association.path("types")) {
                if (type.path("associationTypeId").asInt() == 192) {
                    companies.add(association.path("to").path("id").asText());
                }
            }
        }
        String id = Long.toString(90_000_000_000L + ids.getAsLong());
        tasks.add(new FakeBillingApis.CrmTask(id, Map.copyOf(properties), List.copyOf(companies), raw));
        ObjectNode json = JSON.createObjectNode();
        json.put("id", id);
        json.set("properties", JSON.valueToTree(properties));
        json.put("archived", false);
        return StandIn.json(201, JSON.writeValueAsString(json), delay);
    }

    private ResponseDefinition searchTasks(JsonNode body, Duration delay) throws IOException {
        List<FakeBillingApis.CrmTask> found = new ArrayList<>();
        for (FakeBillingApis.CrmTask task : tasks) {
            if (matchesAnyGroup(task, body.path("filterGroups"))) {
                found.add(task);
            }
        }
        int limit = body.path("limit").asInt(10);
        ObjectNode json = JSON.createObjectNode();
        json.put("total", found.size());
        ArrayNode results = json.putArray("results");
        for (FakeBillingApis.CrmTask task : found.subList(0, Math.min(limit, found.size()))) {
            ObjectNode result = results.addObject();
            result.put("id", task.id());
            result.set("properties", JSON.valueToTree(task.properties()));
            result.put("archived", false);
        }
        return StandIn.json(200, JSON.writeValueAsString(json), delay);
    }

    private static boolean matchesAnyGroup(FakeBillingApis.CrmTask task, JsonNode groups) {
        if (!groups.isArray() || groups.isEmpty()) {
            return true;
        }
        for (JsonNode group : groups) {
            boolean all = true;
            for (JsonNode filter : group.path("filters")) {
                String value = task.properties().get(filter.path("propertyName").asText());
                String wanted = filter.path("value").asText();
                boolean match =
                        switch (filter.path("operator").asText()) {
                            case "EQ" -> wanted.equals(value);
                            case "CONTAINS_TOKEN" ->
                                value != null && List.of(value.split("\\s+")).contains(wanted);
                            default -> false;
                        };
                all &= match;
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    private static String hubspotError(String message, String category) {
        ObjectNode error = JSON.createObjectNode();
        error.put("status", "error");
        error.put("message", message);
        error.put("category", category);
        return error.toString();
    }
}
