package io.reckon.connectors.crm;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.reckon.connectors.actions.ActionOutcome;
import io.reckon.connectors.actions.ActionRequest;
import io.reckon.connectors.testing.ActionFixtures;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executor against HubSpot's CRM v3 tasks API, spoken over real HTTP to WireMock. */
class HubSpotTaskExecutorTest {

    private static final String TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555";
    private static final String SEARCH = "/crm/v3/objects/tasks/search";
    private static final String TASKS = "/crm/v3/objects/tasks";
    private static final String EMPTY_SEARCH = "{\"total\":0,\"results\":[]}";

    @TempDir
    Path dir;

    private WireMockServer hubspot;
    private HubSpotTaskExecutor executor;
    private final ActionRequest request = ActionFixtures.request("act-77aa", ActionRequest.KIND_CRM_TASK, "hubspot");

    @BeforeEach
    void start() {
        hubspot = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        hubspot.start();
        Clock clock = Clock.fixed(Instant.parse("2026-11-03T09:15:30.250Z"), ZoneOffset.UTC);
        executor = HubSpotTaskExecutor.create(
                HubSpotOptions.defaults()
                        .withApiBase(hubspot.baseUrl())
                        .withTokenFile(ActionFixtures.writeSecret(dir, "hubspot-token", TOKEN))
                        .withTaskDueIn(Duration.ofDays(2))
                        .withRetry(ActionFixtures.fastRetries(3, Duration.ofSeconds(20))),
                clock);
    }

    @AfterEach
    void stop() {
        executor.close();
        hubspot.stop();
    }

    @Test
    void searchesThenCreatesTaskWithExactPropertiesAndCompanyAssociation() {
        hubspot.stubFor(post(urlPathEqualTo(SEARCH)).willReturn(json(200, EMPTY_SEARCH)));
        hubspot.stubFor(post(urlPathEqualTo(TASKS))
                .willReturn(json(201, "{\"id\":\"71234567890\",\"properties\":{},\"archived\":false}")));

        ActionOutcome outcome = executor.execute(request).join();

        assertThat(outcome).isEqualTo(new ActionOutcome.Executed("71234567890", 1));
        hubspot.verify(
                1,
                postRequestedFor(urlPathEqualTo(SEARCH))
                        .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                        .withRequestBody(
                                equalToJson(
                                        """
                        {"filterGroups":[{"filters":[{"propertyName":"hs_task_body","operator":"CONTAINS_TOKEN",
                          "value":"reckon-action-act-77aa"}]}],
                         "properties":["hs_task_subject"],"limit":1}""")));
        hubspot.verify(
                1,
                postRequestedFor(urlPathEqualTo(TASKS))
                        .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                        .withHeader("Content-Type", equalTo("application/json"))
                        .withRequestBody(
                                equalToJson(
                                        """
                        {"properties":{
                           "hs_timestamp":"2026-11-05T09:15:30Z",
                           "hs_task_subject":"Under-reported usage: api_calls",
                           "hs_task_body":"Usage 1,234,500 calls vs reported 0 in October\\n\\nreckon-action-act-77aa",
                           "hs_task_status":"NOT_STARTED",
                           "hs_task_priority":"HIGH"},
                         "associations":[{"to":{"id":"31415926"},
                           "types":[{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":192}]}]}""")));
    }

    @Test
    void existingTaskForTheActionIsReturnedWithoutCreatingAnother() {
        hubspot.stubFor(post(urlPathEqualTo(SEARCH))
                .willReturn(json(
                        200,
                        "{\"total\":1,\"results\":[{\"id\":\"70000000001\","
                                + "\"properties\":{\"hs_task_subject\":\"Under-reported usage: api_calls\"}}]}")));

        ActionOutcome outcome = executor.execute(request).join();

        assertThat(outcome).isEqualTo(new ActionOutcome.Executed("70000000001", 1));
        hubspot.verify(0, postRequestedFor(urlPathEqualTo(TASKS)));
    }

    @Test
    void serverErrorOnCreateIsRetriedAndSearchesAgainFirst() {
        hubspot.stubFor(post(urlPathEqualTo(SEARCH)).willReturn(json(200, EMPTY_SEARCH)));
        hubspot.stubFor(post(urlPathEqualTo(TASKS))
                .inScenario("create")
                .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willSetStateTo("up")
                .willReturn(json(502, "{\"status\":\"error\",\"message\":\"Bad gateway\"}")));
        hubspot.stubFor(post(urlPathEqualTo(TASKS))
                .inScenario("create")
                .whenScenarioStateIs("up")
                .willReturn(json(201, "{\"id\":\"71234567891\"}")));

        ActionOutcome outcome = executor.execute(request).join();

        assertThat(outcome).isEqualTo(new ActionOutcome.Executed("71234567891", 2));
        hubspot.verify(2, postRequestedFor(urlPathEqualTo(SEARCH)));
        hubspot.verify(2, postRequestedFor(urlPathEqualTo(TASKS)));
    }

    @Test
    void validationErrorIsPermanentAndQuotesHubSpot() {
        hubspot.stubFor(post(urlPathEqualTo(SEARCH)).willReturn(json(200, EMPTY_SEARCH)));
        hubspot.stubFor(post(urlPathEqualTo(TASKS))
                .willReturn(json(
                        400,
                        "{\"status\":\"error\",\"message\":\"No company with id 31415926\","
                                + "\"category\":\"VALIDATION_ERROR\"}")));

        ActionOutcome outcome = executor.execute(request).join();

        assertThat(outcome)
                .isEqualTo(new ActionOutcome.Failed(
                        "HubSpot answered HTTP 400 on /crm/v3/objects/tasks: No company with id 31415926", false, 1));
    }

    @Test
    void unauthorizedIsPermanentAndDoesNotLeakTheToken() {
        hubspot.stubFor(post(urlPathEqualTo(SEARCH))
                .willReturn(json(401, "{\"status\":\"error\",\"message\":\"Authentication credentials not found.\"}")));

        ActionOutcome outcome = executor.execute(request).join();

        assertThat(outcome).isInstanceOf(ActionOutcome.Failed.class);
        ActionOutcome.Failed failed = (ActionOutcome.Failed) outcome;
        assertThat(failed.retryable()).isFalse();
        assertThat(failed.reason()).contains("401").doesNotContain(TOKEN);
        hubspot.verify(0, postRequestedFor(urlPathEqualTo(TASKS)));
    }

    @Test
    void missingCrmAccountFailsPermanentlyWithoutAnyCall() {
        ActionOutcome outcome =
                executor.execute(ActionFixtures.withCrmAccount(request, " ")).join();

        assertThat(outcome).isInstanceOf(ActionOutcome.Failed.class);
        assertThat(((ActionOutcome.Failed) outcome).retryable()).isFalse();
        assertThat(((ActionOutcome.Failed) outcome).reason()).contains("no CRM account id");
        assertThat(outcome.attempts()).isZero();
        assertThat(hubspot.getAllServeEvents()).isEmpty();
    }

    @Test
    void priorityFollowsSeverityAndIsLeftOutWithoutIt() {
        assertThat(HubSpotTaskExecutor.priority(withPayload("{\"severity\":\"critical\"}")))
                .contains("HIGH");
        assertThat(HubSpotTaskExecutor.priority(withPayload("{\"severity\":\"medium\"}")))
                .contains("MEDIUM");
        assertThat(HubSpotTaskExecutor.priority(withPayload("{\"severity\":\"low\"}")))
                .contains("LOW");
        assertThat(HubSpotTaskExecutor.priority(withPayload("{\"amount\":1}"))).isEmpty();
        assertThat(HubSpotTaskExecutor.priority(withPayload("not json"))).isEmpty();
        assertThat(executor.taskJson(withPayload(null)).path("properties").has("hs_task_priority"))
                .isFalse();
    }

    private ActionRequest withPayload(String payload) {
        ActionRequest r = request;
        return new ActionRequest(
                r.actionId(),
                r.kind(),
                r.target(),
                r.anomalyId(),
                r.anomalyRevision(),
                r.anomalyType(),
                r.accountId(),
                r.meter(),
                r.periodStartMillis(),
                r.periodEndMillis(),
                r.amountMinor(),
                r.currency(),
                r.stripeCustomerId(),
                r.crmAccountId(),
                r.title(),
                r.description(),
                payload);
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody(body);
    }
}
