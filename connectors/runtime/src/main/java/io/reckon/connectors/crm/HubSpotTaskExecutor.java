package io.reckon.connectors.crm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reckon.connectors.actions.ActionCallException;
import io.reckon.connectors.actions.ActionRequest;
import io.reckon.connectors.actions.RetryingCalls;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Creates a HubSpot task on the contract's company for a revenue-leak action, through the CRM v3
 * objects API ({@code POST /crm/v3/objects/tasks}) with a private app token. The task is associated
 * with the company {@code crmAccountId} (HUBSPOT_DEFINED association type 192, task to company), is
 * NOT_STARTED, due after {@link HubSpotOptions#taskDueIn()}, and its priority follows the anomaly's
 * {@code severity} in the payload when present (low, medium, high; critical counts as high).
 *
 * <p>HubSpot has no idempotency key: before creating, each attempt searches ({@code POST
 * /crm/v3/objects/tasks/search}) for a task whose body holds the action's token and returns that task
 * if found (see {@link CrmTaskExecutor}). Salesforce would be a second subclass of {@link
 * CrmTaskExecutor}.
 *
 * <pre>{@code
 * try (HubSpotTaskExecutor hubspot = HubSpotTaskExecutor.create(HubSpotOptions.defaults())) {
 *     ActionOutcome outcome = hubspot.execute(request).join();
 * }
 * }</pre>
 */
public final class HubSpotTaskExecutor extends CrmTaskExecutor {

    /** HubSpot-defined association type of a task to a company. */
    public static final int TASK_TO_COMPANY_ASSOCIATION_TYPE = 192;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HubSpotOptions options;
    private final String token;
    private final Clock clock;
    private final HttpClient http;

    private HubSpotTaskExecutor(HubSpotOptions options, String token, Clock clock) {
        super(RetryingCalls.create(options.retry()));
        this.options = options;
        this.token = token;
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .connectTimeout(options.retry().attemptTimeout())
                .build();
    }

    /**
     * Resolves the token (file, else {@code RECKON_HUBSPOT_TOKEN}) and builds the HTTP client.
     *
     * @throws IllegalArgumentException if no token is configured
     */
    public static HubSpotTaskExecutor create(HubSpotOptions options) {
        return create(options, Clock.systemUTC());
    }

    /** As {@link #create(HubSpotOptions)}, with the clock that sets due dates (for tests). */
    public static HubSpotTaskExecutor create(HubSpotOptions options, Clock clock) {
        return new HubSpotTaskExecutor(options, options.resolveToken(), clock);
    }

    @Override
    protected CompletableFuture<Optional<String>> findTask(ActionRequest request) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode filter =
                body.putArray("filterGroups").addObject().putArray("filters").addObject();
        filter.put("propertyName", "hs_task_body");
        filter.put("operator", "CONTAINS_TOKEN");
        filter.put("value", actionToken(request.actionId()));
        body.putArray("properties").add("hs_task_subject");
        body.put("limit", 1);
        return post("/crm/v3/objects/tasks/search", body).thenApply(response -> {
            JsonNode results = response.path("results");
            return results.isArray() && !results.isEmpty()
                    ? Optional.of(results.get(0).path("id").asText())
                    : Optional.empty();
        });
    }

    @Override
    protected CompletableFuture<String> createTask(ActionRequest request) {
        return post("/crm/v3/objects/tasks", taskJson(request)).thenApply(response -> {
            String id = response.path("id").asText("");
            if (id.isEmpty()) {
                throw new ActionCallException("HubSpot created a task but returned no id", false);
            }
            return id;
        });
    }

    ObjectNode taskJson(ActionRequest request) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode properties = body.putObject("properties");
        properties.put(
                "hs_timestamp",
                clock.instant()
                        .plus(options.taskDueIn())
                        .truncatedTo(ChronoUnit.SECONDS)
                        .toString());
        properties.put("hs_task_subject", request.title() != null ? request.title() : "Revenue leak");
        properties.put("hs_task_body", taskBody(request));
        properties.put("hs_task_status", "NOT_STARTED");
        priority(request).ifPresent(p -> properties.put("hs_task_priority", p));
        ArrayNode associations = body.putArray("associations");
        ObjectNode association = associations.addObject();
        association.putObject("to").put("id", request.crmAccountId());
        ObjectNode type = association.putArray("types").addObject();
        type.put("associationCategory", "HUBSPOT_DEFINED");
        type.put("associationTypeId", TASK_TO_COMPANY_ASSOCIATION_TYPE);
        return body;
    }

    /** HubSpot priorities are LOW, MEDIUM and HIGH; the anomaly's severity maps onto them. */
    static Optional<String> priority(ActionRequest request) {
        if (request.payloadJson() == null || request.payloadJson().isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode severity = JSON.readTree(request.payloadJson()).path("severity");
            if (!severity.isTextual()) {
                return Optional.empty();
            }
            return switch (severity.asText().toLowerCase(Locale.ROOT)) {
                case "low" -> Optional.of("LOW");
                case "medium" -> Optional.of("MEDIUM");
                case "high", "critical" -> Optional.of("HIGH");
                default -> Optional.empty();
            };
        } catch (IOException e) {
            // The payload is for receivers of webhooks; a task without priority is still useful.
            return Optional.empty();
        }
    }

    private CompletableFuture<JsonNode> post(String path, JsonNode body) {
        HttpRequest httpRequest;
        try {
            httpRequest = HttpRequest.newBuilder(URI.create(options.apiBase() + path))
                    .timeout(options.retry().attemptTimeout())
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                    .build();
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        return http.sendAsync(httpRequest, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
            int status = response.statusCode();
            if (status / 100 != 2) {
                throw ActionCallException.forStatus(
                        status,
                        "HubSpot answered HTTP " + status + " on " + path + ": " + errorMessage(response.body()));
            }
            try {
                return JSON.readTree(response.body());
            } catch (IOException e) {
                throw new ActionCallException("HubSpot answered unreadable JSON on " + path, false);
            }
        });
    }

    private static String errorMessage(String body) {
        try {
            JsonNode message = JSON.readTree(body).path("message");
            if (message.isTextual()) {
                return message.asText();
            }
        } catch (IOException | RuntimeException ignored) {
            // Not JSON: quote the start of the body instead.
        }
        return body == null ? "" : body.substring(0, Math.min(200, body.length()));
    }

    @Override
    public String toString() {
        return "HubSpotTaskExecutor{apiBase=" + options.apiBase() + "}";
    }
}
