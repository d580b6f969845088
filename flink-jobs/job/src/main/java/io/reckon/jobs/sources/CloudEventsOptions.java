package io.reckon.jobs.sources;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Options of the CloudEvents usage input ({@code recon.usage.cloudevents}).
 *
 * <pre>{@code
 * conf.set(CloudEventsOptions.METERS, "api-calls:api_calls:$.value,llm-tokens:tokens:$.tokens");
 * CloudEventsMapping mapping = CloudEventsOptions.mapping(conf); // fails fast on a bad entry
 * }</pre>
 */
public final class CloudEventsOptions {

    public static final ConfigOption<String> METERS = ConfigOptions.key("cloudevents.meters")
            .stringType()
            .defaultValue("")
            .withDescription("Maps CloudEvents types to meters: comma-separated <type>:<meter>:<path> entries,"
                    + " e.g. 'api-calls:api_calls:$.value,llm-tokens:tokens:$.tokens'. <path> is $ or"
                    + " $.field[.field...] into the event's data; the value there is a decimal string or"
                    + " number. An event of an unmapped type is dead-lettered. Empty: every CloudEvent is"
                    + " dead-lettered.");

    private CloudEventsOptions() {}

    /** The parsed mapping; throws IllegalArgumentException naming an invalid entry. */
    public static CloudEventsMapping mapping(ReadableConfig conf) {
        return CloudEventsMapping.parse(conf.get(METERS));
    }
}
