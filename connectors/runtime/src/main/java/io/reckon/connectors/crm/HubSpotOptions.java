package io.reckon.connectors.crm;

import io.reckon.connectors.actions.RetryOptions;
import io.reckon.connectors.actions.Secrets;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of {@link HubSpotTaskExecutor}. Holds where the access token is, never the token: it is
 * read from {@code tokenFile}, else the environment variable {@value Secrets#HUBSPOT_TOKEN_ENV}.
 *
 * <pre>{@code
 * HubSpotOptions options = HubSpotOptions.defaults().withTokenFile("/var/run/secrets/reckon/hubspot-token");
 * }</pre>
 *
 * @param apiBase HubSpot's API base URL; a stand-in's URL in tests and the demo
 * @param tokenFile path of a file holding the private app access token, or null to use the environment
 * @param taskDueIn how far after creation the task is due ({@code hs_timestamp})
 * @param retry retries and per-attempt timeout
 */
public record HubSpotOptions(String apiBase, String tokenFile, Duration taskDueIn, RetryOptions retry)
        implements Serializable {

    public static final String DEFAULT_API_BASE = "https://api.hubapi.com";
    public static final Duration DEFAULT_TASK_DUE_IN = Duration.ofDays(3);

    /** Name of the option holding {@link #tokenFile()}, used in error messages. */
    public static final String TOKEN_FILE_OPTION = "actions.hubspot.token-file";

    public HubSpotOptions {
        Objects.requireNonNull(apiBase, "apiBase");
        Objects.requireNonNull(taskDueIn, "taskDueIn");
        Objects.requireNonNull(retry, "retry");
    }

    /** HubSpot's API, the token from the environment, tasks due in 3 days. */
    public static HubSpotOptions defaults() {
        return new HubSpotOptions(DEFAULT_API_BASE, null, DEFAULT_TASK_DUE_IN, RetryOptions.defaults());
    }

    public HubSpotOptions withApiBase(String base) {
        return new HubSpotOptions(base, tokenFile, taskDueIn, retry);
    }

    public HubSpotOptions withTokenFile(String file) {
        return new HubSpotOptions(apiBase, file, taskDueIn, retry);
    }

    public HubSpotOptions withTaskDueIn(Duration dueIn) {
        return new HubSpotOptions(apiBase, tokenFile, dueIn, retry);
    }

    public HubSpotOptions withRetry(RetryOptions options) {
        return new HubSpotOptions(apiBase, tokenFile, taskDueIn, options);
    }

    String resolveToken() {
        return Secrets.resolve("HubSpot access token", TOKEN_FILE_OPTION, tokenFile, Secrets.HUBSPOT_TOKEN_ENV);
    }
}
