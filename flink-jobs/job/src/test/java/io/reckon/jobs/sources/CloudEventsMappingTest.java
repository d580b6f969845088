package io.reckon.jobs.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class CloudEventsMappingTest {

    @Test
    void parsesEveryEntryWithItsMeterAndPath() {
        CloudEventsMapping m = CloudEventsMapping.parse(
                "api-calls:api_calls:$.value, llm-tokens:tokens:$.usage.tokens,raw:raw_units:$");

        assertThat(m.byType()).containsOnlyKeys("api-calls", "llm-tokens", "raw");
        assertThat(m.meterOf("api-calls")).contains(new CloudEventsMapping.Meter("api_calls", "$.value"));
        assertThat(m.meterOf("llm-tokens").orElseThrow().pointer().toString()).isEqualTo("/usage/tokens");
        assertThat(m.meterOf("raw").orElseThrow().pointer().toString()).isEmpty();
        assertThat(m.meterOf("other")).isEmpty();
    }

    @Test
    void aTypeMayContainColons() {
        CloudEventsMapping m = CloudEventsMapping.parse("com.example:api:call:api_calls:$.n");

        assertThat(m.meterOf("com.example:api:call")).contains(new CloudEventsMapping.Meter("api_calls", "$.n"));
    }

    @Test
    void emptyOptionMapsNothing() {
        assertThat(CloudEventsMapping.parse("").byType()).isEmpty();
        assertThat(CloudEventsOptions.mapping(new Configuration()).byType()).isEmpty();
    }

    @Test
    void theOptionIsParsedFromConfiguration() {
        Configuration conf = new Configuration();
        conf.set(CloudEventsOptions.METERS, "api-calls:api_calls:$.value");

        assertThat(CloudEventsOptions.mapping(conf).meterOf("api-calls")).isPresent();
    }

    @Test
    void everyInvalidEntryFailsWithTheEntryNamed() {
        assertInvalid("api-calls:api_calls:$.value,broken", "'broken' has no ':$...' value path");
        assertInvalid("api-calls:$.value", "'api-calls:$.value' has no meter");
        assertInvalid(":api_calls:$.value", "has an empty type");
        assertInvalid("api-calls::$.value", "'api-calls::$.value' has an empty meter");
        assertInvalid("api-calls:api_calls:$value", "has path '$value'");
        assertInvalid("api-calls:api_calls:$.a..b", "has path '$.a..b'");
        assertInvalid("api-calls:api_calls:$.items[0]", "has path '$.items[0]'");
        assertInvalid("a:m1:$.x,a:m2:$.y", "'a:m2:$.y' maps type 'a' a second time");
        assertInvalid("a:m1:$.x,,b:m2:$.y", "is empty");
    }

    private static void assertInvalid(String spec, String message) {
        assertThatThrownBy(() -> CloudEventsMapping.parse(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cloudevents.meters entry ")
                .hasMessageContaining(message);
    }
}
