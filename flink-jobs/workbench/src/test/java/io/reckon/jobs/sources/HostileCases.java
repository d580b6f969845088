package io.reckon.jobs.sources;

import static io.reckon.jobs.sources.BadInputCorpusTest.ACCOUNT;
import static io.reckon.jobs.sources.BadInputCorpusTest.METER;
import static io.reckon.jobs.sources.BadInputCorpusTest.PERIOD;
import static io.reckon.jobs.sources.BadInputCorpusTest.T;

import io.reckon.avro.Contract;
import io.reckon.avro.InvoiceLine;
import io.reckon.avro.MeterTerms;
import io.reckon.avro.ReportedUsage;
import io.reckon.avro.UsageEvent;
import io.reckon.connectors.registry.ConfluentAvroCodec;
import io.reckon.jobs.sources.BadInputCorpusTest.Case;
import io.reckon.jobs.sources.BadInputCorpusTest.Ids;
import io.reckon.jobs.sources.BadInputCorpusTest.Match;
import io.reckon.jobs.testing.AvroBytes;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The hostile part of the bad-input corpus (issue "hostile input and failures"): every trigger the
 * review found, across all five inputs. Each case is one record that must be dead-lettered once, with
 * its reason, without a restart. Built programmatically where the same trigger applies to many fields.
 */
final class HostileCases {

    /** Three kilobytes: an id PostgreSQL's primary-key index would refuse (btree entries stop at ~2.7 KB). */
    static final int THREE_KB = 3_000;

    /** The CloudEvents mapping of the corpus run. */
    static final String CLOUDEVENTS_METERS = "api-calls:api_calls:$.value";

    private static final BigDecimal ONE = new BigDecimal("1").setScale(9);
    private static final Instant NOW = Instant.now();

    private HostileCases() {}

    static List<Case> all() {
        List<Case> cases = new ArrayList<>();
        oversizedIds(cases);
        emptyAndControlIds(cases);
        futureTimes(cases);
        extremeDecimals(cases);
        unboundedStrings(cases);
        contracts(cases);
        cloudEvents(cases);
        cases.add(new Case(
                "ten invoice lines whose amounts overflow a long",
                InputKind.INVOICES,
                i -> null,
                "cannot price " + METER + " of " + BadInputCorpusTest.OVERFLOW_ACCOUNT,
                Match.PERIOD));
        return cases;
    }

    // --- ids ---------------------------------------------------------------------------------------

    private static void oversizedIds(List<Case> cases) {
        Map<String, String> sizes = new HashMap<>();
        sizes.put("257 bytes", "a".repeat(257));
        sizes.put("3 KB", "k".repeat(THREE_KB));
        sizes.put("129 two-byte chars", "\u00e9".repeat(129));
        sizes.put("65 four-byte chars", "\uD83D\uDE00".repeat(65));
        for (Map.Entry<String, String> size : sizes.entrySet()) {
            String big = size.getValue();
            String tag = size.getKey();
            int bytes = big.getBytes(StandardCharsets.UTF_8).length;
            String reason = " is " + bytes + " bytes long, more than the limit of 256";
            for (String field : List.of("event_id", "account_id", "meter")) {
                cases.add(new Case(
                        "usage " + field + " of " + tag,
                        InputKind.USAGE,
                        i -> usage(i, field, big, "uid-" + field + "-" + tag),
                        field + reason));
            }
            for (String field : List.of("report_id", "account_id", "meter")) {
                cases.add(new Case(
                        "reported " + field + " of " + tag,
                        InputKind.REPORTED,
                        i -> reported(i, field, big, "rid-" + field + "-" + tag),
                        field + reason));
            }
            for (String field : List.of("invoice_id", "line_id", "account_id", "meter")) {
                cases.add(new Case(
                        "invoice " + field + " of " + tag,
                        InputKind.INVOICES,
                        i -> invoice(i, field, big, "lid-" + field + "-" + tag, PERIOD, T, "open"),
                        field + reason));
            }
            for (String field : List.of("account_id", "stripe_customer_id", "crm_account_id", "meters[].meter")) {
                cases.add(new Case(
                        "contract " + field + " of " + tag,
                        InputKind.CONTRACTS,
                        i -> contract(i, field, big, "acct_big_" + field + "_" + bytes),
                        field + reason));
            }
        }
    }

    private static void emptyAndControlIds(List<Case> cases) {
        for (String field : List.of("event_id", "account_id", "meter")) {
            cases.add(new Case(
                    "usage " + field + " blank",
                    InputKind.USAGE,
                    i -> usage(i, field, "   ", "blank-" + field),
                    field + " is blank: it holds only spaces"));
            cases.add(new Case(
                    "usage " + field + " with a NUL",
                    InputKind.USAGE,
                    i -> usage(i, field, "x\u0000y", "nul-" + field),
                    field + " contains a control character"));
        }
        for (String field : List.of("report_id", "account_id", "meter")) {
            cases.add(new Case(
                    "reported " + field + " with a unit separator",
                    InputKind.REPORTED,
                    i -> reported(i, field, "a\u001fb", "us-" + field),
                    field + " contains a control character"));
        }
        for (String field : List.of("invoice_id", "line_id", "account_id", "meter")) {
            cases.add(new Case(
                    "invoice " + field + " empty",
                    InputKind.INVOICES,
                    i -> invoice(i, field, "", "empty-" + field, PERIOD, T, "open"),
                    field + " is empty"));
        }
    }

    // --- time --------------------------------------------------------------------------------------

    private static void futureTimes(List<Case> cases) {
        Map<String, Duration> ahead = new HashMap<>();
        ahead.put("2 hours", Duration.ofHours(2));
        ahead.put("a day", Duration.ofDays(1));
        ahead.put("a month", Duration.ofDays(30));
        ahead.put("a year", Duration.ofDays(365));
        ahead.put("ten years", Duration.ofDays(3_650));
        for (Map.Entry<String, Duration> a : ahead.entrySet()) {
            Instant at = NOW.plus(a.getValue());
            cases.add(new Case(
                    "usage dated " + a.getKey() + " ahead",
                    InputKind.USAGE,
                    i -> BadInputCorpusTest.usage(i, "future-usage-" + a.getKey(), ACCOUNT, METER, at, ONE, Map.of()),
                    "more than reconcile.max-future-skew ahead of now"));
            cases.add(new Case(
                    "report dated " + a.getKey() + " ahead",
                    InputKind.REPORTED,
                    i -> BadInputCorpusTest.reported(i, "future-report-" + a.getKey(), ACCOUNT, METER, at, ONE),
                    "more than reconcile.max-future-skew ahead of now"));
        }
        cases.add(new Case(
                "usage at the largest epoch millisecond",
                InputKind.USAGE,
                i -> usageRaw(i, "max-millis", Long.MAX_VALUE, ONE.unscaledValue()),
                "ahead of now"));
        cases.add(new Case(
                "usage at the smallest epoch millisecond",
                InputKind.USAGE,
                i -> usageRaw(i, "min-millis", Long.MIN_VALUE, ONE.unscaledValue()),
                "is before 1970-01-01"));
        cases.add(new Case(
                "report updated_at a year ahead",
                InputKind.REPORTED,
                i -> encode(
                        i,
                        InputKind.REPORTED,
                        ReportedUsage.newBuilder()
                                .setReportId("updated-future")
                                .setAccountId(ACCOUNT)
                                .setMeter(METER)
                                .setEventTime(T)
                                .setQuantity(ONE)
                                .setKind("summary")
                                .setUpdatedAt(NOW.plus(Duration.ofDays(365)))
                                .build()),
                "updated_at"));
        cases.add(new Case(
                "invoice line updated_at a year ahead",
                InputKind.INVOICES,
                i -> encode(
                        i,
                        InputKind.INVOICES,
                        line("inv-upd", "line-updated-future", ACCOUNT, METER, PERIOD, T, "open")
                                .setUpdatedAt(NOW.plus(Duration.ofDays(365)))
                                .build()),
                "updated_at"));
        cases.add(new Case(
                "invoice line for a period ending five years ahead",
                InputKind.INVOICES,
                i -> invoice(
                        i,
                        "line_id",
                        "line-five-years",
                        "unused",
                        NOW.plus(Duration.ofDays(1_800)),
                        NOW.plus(Duration.ofDays(1_830)),
                        "open"),
                "more than reconcile.max-future-period ahead of now"));
    }

    // --- decimals ----------------------------------------------------------------------------------

    private static void extremeDecimals(List<Case> cases) {
        Map<String, BigInteger> unscaled = new HashMap<>();
        unscaled.put("10^18 units", BigInteger.TEN.pow(27));
        unscaled.put("10^25 units", BigInteger.TEN.pow(34));
        unscaled.put("10^40 units", BigInteger.TEN.pow(49));
        unscaled.put("120 digits", BigInteger.TEN.pow(119));
        unscaled.put("1000 digits", BigInteger.TEN.pow(999));
        for (Map.Entry<String, BigInteger> u : unscaled.entrySet()) {
            String reason = u.getKey().equals("10^18 units") || u.getKey().equals("10^25 units")
                    ? "is not below the limit of 10^18 units per record"
                    : u.getKey().endsWith("digits") ? "digits, more than the limit of 100" : "out of range";
            cases.add(new Case(
                    "usage quantity of " + u.getKey(),
                    InputKind.USAGE,
                    i -> usageRaw(i, "qty-" + u.getKey(), T.toEpochMilli(), u.getValue()),
                    reason));
            cases.add(new Case(
                    "report quantity of " + u.getKey(),
                    InputKind.REPORTED,
                    i -> reportedRaw(i, "qty-" + u.getKey(), u.getValue()),
                    reason));
            cases.add(new Case(
                    "invoice quantity of " + u.getKey(),
                    InputKind.INVOICES,
                    i -> invoiceRaw(i, "qty-" + u.getKey(), u.getValue()),
                    reason));
        }
    }

    // --- strings that would make a reason unbounded ------------------------------------------------

    private static void unboundedStrings(List<Case> cases) {
        cases.add(new Case(
                "invoice status of 300 KB",
                InputKind.INVOICES,
                i -> invoice(i, "line_id", "line-status-300k", "unused", PERIOD, T, "s".repeat(300_000)),
                "is not one of draft, open, paid, void"));
        cases.add(new Case(
                "invoice status of 900 KB",
                InputKind.INVOICES,
                i -> invoice(i, "line_id", "line-status-900k", "unused", PERIOD, T, "p".repeat(900_000)),
                "is not one of draft, open, paid, void"));
        cases.add(new Case(
                "invoice currency of 100 KB",
                InputKind.INVOICES,
                i -> encode(
                        i,
                        InputKind.INVOICES,
                        line("inv-cur", "line-currency-100k", ACCOUNT, METER, PERIOD, T, "open")
                                .setCurrency("u".repeat(100_000))
                                .build()),
                "is not a 3-letter ISO 4217 code"));
        cases.add(new Case(
                "report kind of 200 KB",
                InputKind.REPORTED,
                i -> encode(
                        i,
                        InputKind.REPORTED,
                        ReportedUsage.newBuilder()
                                .setReportId("kind-200k")
                                .setAccountId(ACCOUNT)
                                .setMeter(METER)
                                .setEventTime(T)
                                .setQuantity(ONE)
                                .setKind("k".repeat(200_000))
                                .build()),
                "is not one of event, summary"));
        cases.add(new Case(
                "usage attributes of 20,000 entries",
                InputKind.USAGE,
                i -> {
                    Map<String, String> attrs = new HashMap<>();
                    for (int n = 0; n < 20_000; n++) {
                        attrs.put(Integer.toString(n), "");
                    }
                    return BadInputCorpusTest.usage(i, "attrs-20000", ACCOUNT, METER, T, ONE, attrs);
                },
                "more than the limit of 16384"));
    }

    // --- contracts ---------------------------------------------------------------------------------

    private static void contracts(List<Case> cases) {
        cases.add(new Case(
                "contract with 1,001 meters",
                InputKind.CONTRACTS,
                i -> {
                    List<MeterTerms> meters = new ArrayList<>();
                    for (int n = 0; n < 1_001; n++) {
                        meters.add(BadInputCorpusTest.meter("m" + n, "per_unit", new BigDecimal("1").setScale(12)));
                    }
                    return encode(
                            i,
                            InputKind.CONTRACTS,
                            contractBuilder("acct_many_meters")
                                    .setMeters(meters)
                                    .build());
                },
                "more than the limit of 1000"));
        cases.add(new Case(
                "contract stripe_price_id of 3 KB",
                InputKind.CONTRACTS,
                i -> {
                    MeterTerms m = BadInputCorpusTest.goodMeter();
                    m.setStripePriceId("p".repeat(THREE_KB));
                    return encode(
                            i,
                            InputKind.CONTRACTS,
                            contractBuilder("acct_price_3kb")
                                    .setMeters(List.of(m))
                                    .build());
                },
                "meters[].stripe_price_id is 3000 bytes long"));
        cases.add(new Case(
                "contract in currency usx",
                InputKind.CONTRACTS,
                i -> BadInputCorpusTest.contract(i, "acct_usx", 1, "usx", BadInputCorpusTest.goodMeter()),
                "currency 'usx' is not an ISO 4217 code"));
    }

    // --- CloudEvents -------------------------------------------------------------------------------

    private static void cloudEvents(List<Case> cases) {
        String time = T.toString();
        ce(cases, "value 1e999999999", ce("n1", ACCOUNT, time, "{\"value\":1e999999999}"), "out of range");
        ce(cases, "value 1e10000000", ce("n2", ACCOUNT, time, "{\"value\":1e10000000}"), "out of range");
        ce(cases, "value -1e999999999", ce("n3", ACCOUNT, time, "{\"value\":-1e999999999}"), "out of range");
        ce(cases, "value \"1e999999999\"", ce("n4", ACCOUNT, time, "{\"value\":\"1e999999999\"}"), "out of range");
        ce(cases, "value 1e-999999999", ce("n5", ACCOUNT, time, "{\"value\":1e-999999999}"), "out of range");
        ce(cases, "value of 120 digits", ce("n6", ACCOUNT, time, "{\"value\":" + "7".repeat(120) + "}"), "invalid");
        ce(
                cases,
                "value string of 150 characters",
                ce("n7", ACCOUNT, time, "{\"value\":\"" + "8".repeat(150) + "\"}"),
                "more than 100");
        ce(cases, "value 10^20", ce("n8", ACCOUNT, time, "{\"value\":100000000000000000000}"), "10^18 units");
        ce(cases, "negative value", ce("n9", ACCOUNT, time, "{\"value\":-3}"), "is negative");
        ce(cases, "value with 10 decimals", ce("n10", ACCOUNT, time, "{\"value\":0.0000000001}"), "fractional digits");
        ce(cases, "value an object", ce("n11", ACCOUNT, time, "{\"value\":{\"a\":1}}"), "not a decimal number");
        ce(cases, "value true", ce("n12", ACCOUNT, time, "{\"value\":true}"), "not a decimal number");
        ce(cases, "value null", ce("n13", ACCOUNT, time, "{\"value\":null}"), "has no value at $.value");
        ce(cases, "value missing", ce("n14", ACCOUNT, time, "{\"other\":1}"), "has no value at $.value");
        ce(
                cases,
                "time a year ahead",
                ce("t1", ACCOUNT, NOW.plus(Duration.ofDays(365)).toString(), "{\"value\":1}"),
                "ahead of now");
        ce(cases, "time in 1969", ce("t2", ACCOUNT, "1969-12-31T23:59:59Z", "{\"value\":1}"), "before 1970");
        ce(cases, "subject of 3 KB", ce("s1", "s".repeat(THREE_KB), time, "{\"value\":1}"), "account_id is 3000 bytes");
        ce(cases, "id of 3 KB", ce("i".repeat(THREE_KB), ACCOUNT, time, "{\"value\":1}"), "event_id is");
        ce(
                cases,
                "type of 100 KB",
                ("{\"specversion\":\"1.0\",\"type\":\"" + "t".repeat(100_000)
                                + "\",\"id\":\"ty\",\"source\":\"svc\",\"subject\":\"" + ACCOUNT + "\",\"time\":\""
                                + time + "\",\"data\":{\"value\":1}}")
                        .getBytes(StandardCharsets.UTF_8),
                "is not mapped");
        ce(cases, "not JSON", "value=1".getBytes(StandardCharsets.UTF_8), "invalid CloudEvent JSON");
        ce(cases, "JSON nested 2,000 deep", nested(2_000), "invalid CloudEvent JSON");
        ce(cases, "empty record", new byte[0], "empty record");
        ce(
                cases,
                "no subject",
                ("{\"specversion\":\"1.0\",\"type\":\"api-calls\",\"id\":\"nosub\",\"source\":\"svc\",\"time\":\""
                                + time + "\",\"data\":{\"value\":1}}")
                        .getBytes(StandardCharsets.UTF_8),
                "subject (account_id) is missing");
        ce(
                cases,
                "no time",
                ("{\"specversion\":\"1.0\",\"type\":\"api-calls\",\"id\":\"notime\",\"source\":\"svc\",\"subject\":\""
                                + ACCOUNT + "\",\"data\":{\"value\":1}}")
                        .getBytes(StandardCharsets.UTF_8),
                "time (event_time) is missing");
        ce(cases, "unmapped type", ceOfType("unknown-type", "u1"), "is not mapped");
        ce(cases, "time not a time", ce("t3", ACCOUNT, "yesterday", "{\"value\":1}"), "invalid CloudEvent JSON");
        ce(
                cases,
                "specversion 9.9",
                ("{\"specversion\":\"9.9\",\"type\":\"api-calls\",\"id\":\"sv\",\"source\":\"svc\",\"subject\":\""
                                + ACCOUNT + "\",\"time\":\"" + time + "\",\"data\":{\"value\":1}}")
                        .getBytes(StandardCharsets.UTF_8),
                "invalid CloudEvent JSON");
        ce(
                cases,
                "no id",
                ("{\"specversion\":\"1.0\",\"type\":\"api-calls\",\"source\":\"svc\",\"subject\":\"" + ACCOUNT
                                + "\",\"time\":\"" + time + "\",\"data\":{\"value\":1}}")
                        .getBytes(StandardCharsets.UTF_8),
                "invalid CloudEvent JSON");
        ce(
                cases,
                "data_base64 that is not JSON",
                ("{\"specversion\":\"1.0\",\"type\":\"api-calls\",\"id\":\"b64\",\"source\":\"svc\",\"subject\":\""
                                + ACCOUNT + "\",\"time\":\"" + time
                                + "\",\"datacontenttype\":\"application/octet-stream\",\"data_base64\":\"AAEC\"}")
                        .getBytes(StandardCharsets.UTF_8),
                "CloudEvent data is not JSON");
        ce(
                cases,
                "number token of 200 digits",
                ce("n15", ACCOUNT, time, "{\"value\":" + "9".repeat(200) + "}"),
                "invalid CloudEvent JSON");
    }

    private static void ce(List<Case> cases, String name, byte[] value, String reason) {
        cases.add(new Case("cloudevent " + name, InputKind.USAGE_CLOUDEVENTS, i -> value, reason));
    }

    static byte[] ce(String id, String subject, String time, String data) {
        return ("{\"specversion\":\"1.0\",\"type\":\"api-calls\",\"id\":\"" + id + "\",\"source\":\"svc\","
                        + "\"subject\":\"" + subject + "\",\"time\":\"" + time + "\",\"data\":" + data + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] ceOfType(String type, String id) {
        return ("{\"specversion\":\"1.0\",\"type\":\"" + type + "\",\"id\":\"" + id
                        + "\",\"source\":\"svc\",\"subject\":\"" + ACCOUNT + "\",\"time\":\"" + T
                        + "\",\"data\":{\"value\":1}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] nested(int depth) {
        return ("{\"specversion\":\"1.0\",\"type\":\"api-calls\",\"id\":\"deep\",\"source\":\"svc\",\"subject\":\""
                        + ACCOUNT + "\",\"time\":\"" + T + "\",\"data\":" + "[".repeat(depth) + "]".repeat(depth) + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    // --- builders ----------------------------------------------------------------------------------

    private static byte[] usage(Ids i, String field, String value, String id) {
        UsageEvent u = UsageEvent.newBuilder()
                .setEventId(field.equals("event_id") ? value : id)
                .setAccountId(field.equals("account_id") ? value : ACCOUNT)
                .setMeter(field.equals("meter") ? value : METER)
                .setEventTime(T)
                .setQuantity(ONE)
                .setAttributes(Map.of())
                .build();
        return encode(i, InputKind.USAGE, u);
    }

    private static byte[] reported(Ids i, String field, String value, String id) {
        ReportedUsage r = ReportedUsage.newBuilder()
                .setReportId(field.equals("report_id") ? value : id)
                .setAccountId(field.equals("account_id") ? value : ACCOUNT)
                .setMeter(field.equals("meter") ? value : METER)
                .setEventTime(T)
                .setQuantity(ONE)
                .build();
        return encode(i, InputKind.REPORTED, r);
    }

    private static byte[] invoice(
            Ids i, String field, String value, String id, Instant start, Instant end, String status) {
        InvoiceLine l = line(
                        field.equals("invoice_id") ? value : "inv-" + id,
                        field.equals("line_id") ? value : id,
                        field.equals("account_id") ? value : ACCOUNT,
                        field.equals("meter") ? value : METER,
                        start,
                        end,
                        status)
                .build();
        return encode(i, InputKind.INVOICES, l);
    }

    private static InvoiceLine.Builder line(
            String invoiceId, String lineId, String account, String meter, Instant start, Instant end, String status) {
        return InvoiceLine.newBuilder()
                .setInvoiceId(invoiceId)
                .setLineId(lineId)
                .setAccountId(account)
                .setMeter(meter)
                .setPeriodStart(start)
                .setPeriodEnd(end)
                .setQuantity(ONE)
                .setAmountMinor(100)
                .setCurrency("usd")
                .setStatus(status);
    }

    private static byte[] contract(Ids i, String field, String value, String account) {
        Contract.Builder b = contractBuilder(field.equals("account_id") ? value : account);
        if (field.equals("stripe_customer_id")) {
            b.setStripeCustomerId(value);
        }
        if (field.equals("crm_account_id")) {
            b.setCrmAccountId(value);
        }
        if (field.equals("meters[].meter")) {
            b.setMeters(List.of(BadInputCorpusTest.meter(value, "per_unit", new BigDecimal("1").setScale(12))));
        }
        return encode(i, InputKind.CONTRACTS, b.build());
    }

    private static Contract.Builder contractBuilder(String account) {
        return Contract.newBuilder()
                .setAccountId(account)
                .setVersion(1)
                .setEffectiveFrom(Instant.parse("2026-01-01T00:00:00Z"))
                .setCurrency("usd")
                .setMeters(List.of(BadInputCorpusTest.goodMeter()));
    }

    private static byte[] usageRaw(Ids i, String eventId, long millis, BigInteger unscaled) {
        return AvroBytes.frame(
                i.usage(),
                new AvroBytes()
                        .string(eventId)
                        .string(ACCOUNT)
                        .string(METER)
                        .varlong(millis)
                        .unscaled(unscaled)
                        .varlong(0)
                        .bytes());
    }

    private static byte[] reportedRaw(Ids i, String reportId, BigInteger unscaled) {
        return AvroBytes.frame(
                i.reported(),
                new AvroBytes()
                        .string(reportId)
                        .string(ACCOUNT)
                        .string(METER)
                        .varlong(T.toEpochMilli())
                        .unscaled(unscaled)
                        .varlong(0)
                        .varlong(0)
                        .bytes());
    }

    private static byte[] invoiceRaw(Ids i, String lineId, BigInteger unscaled) {
        return AvroBytes.frame(
                i.invoice(),
                new AvroBytes()
                        .string("inv-raw")
                        .string(lineId)
                        .string(ACCOUNT)
                        .string(METER)
                        .varlong(PERIOD.toEpochMilli())
                        .varlong(T.toEpochMilli())
                        .unscaled(unscaled)
                        .varlong(100)
                        .string("usd")
                        .string("open")
                        .varlong(0)
                        .bytes());
    }

    private static byte[] encode(Ids i, InputKind kind, org.apache.avro.specific.SpecificRecord value) {
        return i.codec().encode(ConfluentAvroCodec.valueSubject(kind.topic()), value);
    }
}
