package io.reckon.connectors.embedded;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/**
 * One API of {@link FakeBillingApis}: answers its POST requests from its own state. The server calls
 * every method under one lock, so a stand-in needs no synchronization of its own.
 */
interface StandIn {

    ObjectMapper JSON = new ObjectMapper();

    /** The answer to a POST to {@code path} (without the query), after {@code delay}. */
    ResponseDefinition handle(String path, Request request, Duration delay) throws IOException;

    /** The body of an injected failure with {@code status}, as the real API words its errors. */
    String errorBody(int status);

    /** Forgets every object it made. */
    void reset();

    static ResponseDefinition json(int status, String body, Duration delay) {
        return new ResponseDefinitionBuilder()
                .withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withHeader("Request-Id", "req_fake")
                .withBody(Objects.requireNonNullElse(body, ""))
                .withFixedDelay((int) delay.toMillis())
                .build();
    }

    /** Whether {@code request} carries a bearer token, as both APIs require. */
    static boolean hasBearer(Request request) {
        String authorization = request.getHeader("Authorization");
        return authorization != null && authorization.startsWith("Bearer ") && authorization.length() > 7;
    }
}
