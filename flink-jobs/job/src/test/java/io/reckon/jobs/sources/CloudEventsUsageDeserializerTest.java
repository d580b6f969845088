package io.reckon.jobs.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.connectors.kafka.Topics;
import io.reckon.jobs.records.DeadLetterRecord;
import io.reckon.jobs.records.Ingested;
import io.reckon.jobs.records.MeterEvent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class CloudEventsUsageDeserializerTest {

    private static final CloudEventsMapping MAPPING =
            CloudEventsMapping.parse("api-calls:api_calls:$.value,llm-tokens:tokens:$.usage.tokens");
    private final CloudEventsUsageDeserializer deserializer = new CloudEventsUsageDeserializer(
            MAPPING, new InputValidation(java.time.Duration.ofDays(400).toMillis()));

    static String event(String type, String id, String subject, String time, String data) {
        StringBuilder s = new StringBuilder(
                "{\"specversion\":\"1.0\",\"type\":\"" + type + "\",\"id\":\"" + id + "\",\"source\":\"svc\"");
        if (subject != null) {
            s.append(",\"subject\":\"").append(subject).append('"');
        }
        if (time != null) {
            s.append(",\"time\":\"").append(time).append('"');
        }
        if (data != null) {
            s.append(",\"data\":").append(data);
        }
        return s.append('}').toString();
    }

    @Test
    void mapsEventsOfSeveralTypesToUsageWithExactQuantities() {
        MeterEvent calls = accepted(
                event("api-calls", "ev-1", "acct_1", "2026-03-01T10:00:00Z", "{\"value\":\"12\",\"path\":\"/x\"}"));
        MeterEvent tokens = accepted(
                event("llm-tokens", "ev-2", "acct_2", "2026-03-01T10:05:30.250Z", "{\"usage\":{\"tokens\":0.1}}"));

        assertThat(calls.kind).isEqualTo(MeterEvent.Kind.USAGE);
        assertThat(calls.id).isEqualTo("svc ev-1");
        assertThat(calls.accountId).isEqualTo("acct_1");
        assertThat(calls.meter).isEqualTo("api_calls");
        assertThat(calls.eventTime)
                .isEqualTo(Instant.parse("2026-03-01T10:00:00Z").toEpochMilli());
        assertThat(calls.quantity).isEqualByComparingTo("12");
        assertThat(tokens.meter).isEqualTo("tokens");
        assertThat(tokens.accountId).isEqualTo("acct_2");
        assertThat(tokens.eventTime)
                .isEqualTo(Instant.parse("2026-03-01T10:05:30.250Z").toEpochMilli());
        // 0.1 as a double is 0.1000000000000000055...; read as BigDecimal it is exactly one tenth.
        assertThat(tokens.quantity).isEqualTo(new BigDecimal("0.100000000"));
    }

    @Test
    void eventIdIsSourceAndIdSoThatOnlyTheSameEventFromTheSameSourceShareIt() {
        String first = event("api-calls", "7", "acct_1", "2026-03-01T10:00:00Z", "{\"value\":1}");
        MeterEvent a = accepted(first);
        MeterEvent again = accepted(first);
        MeterEvent otherSource = accepted(first.replace("\"source\":\"svc\"", "\"source\":\"svc/2\""));
        // A source with a space is not a URI: the event is rejected, so no pair can be read two ways.
        String spaced = first.replace("\"source\":\"svc\"", "\"source\":\"svc 7\"");

        assertThat(a.id).isEqualTo("svc 7").isEqualTo(again.id);
        assertThat(otherSource.id).isEqualTo("svc/2 7");
        assertDeadLetter(spaced, "invalid CloudEvent JSON");
    }

    @Test
    void readsLargeNumbersAndTimeOffsetsExactly() {
        MeterEvent e = accepted(event(
                "api-calls",
                "ev-3",
                "acct_1",
                "2026-03-01T12:00:00+02:00",
                "{\"value\":123456789012345678.123456789}"));

        assertThat(e.quantity).isEqualTo(new BigDecimal("123456789012345678.123456789"));
        assertThat(e.eventTime).isEqualTo(Instant.parse("2026-03-01T10:00:00Z").toEpochMilli());
    }

    @Test
    void everyFailureIsADeadLetterWithItsReasonAndOrigin() {
        assertDeadLetter(
                event("page-views", "x", "acct_1", "2026-03-01T10:00:00Z", "{\"value\":1}"),
                "CloudEvent type 'page-views' is not mapped in cloudevents.meters");
        assertDeadLetter(
                event("api-calls", "x", null, "2026-03-01T10:00:00Z", "{\"value\":1}"),
                "CloudEvent subject (account_id) is missing");
        assertDeadLetter(
                event("api-calls", "x", "acct_1", null, "{\"value\":1}"), "CloudEvent time (event_time) is missing");
        assertDeadLetter(event("api-calls", "x", "acct_1", "2026-03-01T10:00:00Z", null), "CloudEvent data is missing");
        assertDeadLetter(
                event("api-calls", "x", "acct_1", "2026-03-01T10:00:00Z", "{\"other\":1}"),
                "CloudEvent data has no value at $.value");
        assertDeadLetter(
                event("api-calls", "x", "acct_1", "2026-03-01T10:00:00Z", "{\"value\":null}"),
                "CloudEvent data has no value at $.value");
        assertDeadLetter(
                event("api-calls", "x", "acct_1", "2026-03-01T10:00:00Z", "{\"value\":\"twelve\"}"),
                "value at $.value is not a number: 'twelve'");
        assertDeadLetter(
                event("api-calls", "x", "acct_1", "2026-03-01T10:00:00Z", "{\"value\":true}"),
                "value at $.value is BOOLEAN, not a decimal number");
        assertDeadLetter(
                event("api-calls", "x", "acct_1", "2026-03-01T10:00:00Z", "{\"value\":\"-3\"}"),
                "value at $.value is negative: -3");
        assertDeadLetter(
                event("api-calls", "x", "acct_1", "2026-03-01T10:00:00Z", "{\"value\":0.0000000001}"),
                "value at $.value 0.0000000001 has more than 9 fractional digits");
        // Numbers whose exponent no BigDecimal holds, anywhere in the event: refused as unreadable JSON
        // with the number and why, not as an unexpected Java exception.
        assertDeadLetter(
                event("api-calls", "x", "acct_1", "2026-03-01T10:00:00Z", "{\"value\":1e9999999990}"),
                "invalid CloudEvent JSON: Value \"1e9999999990\" can not be deserialized as `java.math.BigDecimal`,"
                        + " reason:  Exponent overflow.");
        assertDeadLetter(
                event("api-calls", "x", "acct_1", "2026-03-01T10:00:00Z", "{\"value\":1,\"path\":1E-2147483649}"),
                "invalid CloudEvent JSON: Value \"1E-2147483649\"");
        assertDeadLetter(
                "{\"specversion\":\"1.0\",\"type\":\"api-calls\",\"id\":\"x\",\"source\":\"svc\",\"subject\":\"a\","
                        + "\"time\":\"2026-03-01T10:00:00Z\",\"datacontenttype\":\"application/json\","
                        + "\"data_base64\":\"eyJ2YWx1ZSI6MWU5OTk5OTk5OTk5fQ==\"}",
                "CloudEvent data is not JSON: Value \"1e9999999999\"");
        assertDeadLetter(
                event("api-calls", "x", "acct_1", "2026-03-01T10:00:00Z", "{\"value\":\"1\"} trailing"),
                "invalid CloudEvent JSON");
        assertDeadLetter("{\"specversion\":\"1.0\",\"type\":\"api-calls\"", "invalid CloudEvent JSON");
        assertDeadLetter(
                "{\"specversion\":\"1.0\",\"type\":\"api-calls\",\"source\":\"svc\",\"subject\":\"a\"}",
                "invalid CloudEvent JSON");
        assertDeadLetter(event("api-calls", "x", "acct_1", "not-a-time", "{\"value\":1}"), "invalid CloudEvent JSON");
        assertDeadLetter(
                event("api-calls", "x", "acct\\u0001", "2026-03-01T10:00:00Z", "{\"value\":1}"),
                "account_id contains a control character");
        assertDeadLetter(
                event("api-calls", "x\\udbff", "acct_1", "2026-03-01T10:00:00Z", "{\"value\":1}"),
                "event_id is not valid Unicode: an unpaired surrogate \\udbff");
        assertDeadLetter(
                event("api-calls", "x", "acct_1", "2999-03-01T10:00:00Z", "{\"value\":1}"),
                "more than reconcile.max-future-skew ahead of now");
        assertDeadLetter("", "empty record: no CloudEvent");
    }

    private MeterEvent accepted(String json) {
        Ingested in = single(record(json));
        assertThat(in.deadLetter).as("dead letter of %s", json).isNull();
        return in.meterEvent;
    }

    private void assertDeadLetter(String json, String reason) {
        ConsumerRecord<byte[], byte[]> r = record(json);
        Ingested in = single(r);
        assertThat(in.meterEvent).as("accepted %s", json).isNull();
        DeadLetterRecord d = in.deadLetter;
        assertThat(d.reason).as(json).contains(reason);
        assertThat(d.source).isEqualTo(Topics.USAGE_CLOUDEVENTS);
        assertThat(d.partition).isEqualTo(1);
        assertThat(d.offset).isEqualTo(42L);
        assertThat(d.raw).isEqualTo(r.value());
    }

    private Ingested single(ConsumerRecord<byte[], byte[]> r) {
        List<Ingested> out = new ArrayList<>();
        deserializer.deserialize(r, new Collector<>() {
            @Override
            public void collect(Ingested record) {
                out.add(record);
            }

            @Override
            public void close() {}
        });
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    private static ConsumerRecord<byte[], byte[]> record(String json) {
        return new ConsumerRecord<>(
                Topics.USAGE_CLOUDEVENTS,
                1,
                42L,
                "acct_1".getBytes(StandardCharsets.UTF_8),
                json.getBytes(StandardCharsets.UTF_8));
    }
}
