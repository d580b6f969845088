package io.reckon.jobs.sources;

import static io.reckon.jobs.sources.BadInputCorpusTest.ACCOUNT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reckon.avro.Contract;
import io.reckon.avro.InvoiceLine;
import io.reckon.avro.ReportedUsage;
import io.reckon.avro.UsageEvent;
import io.reckon.cli.ReplayCommand;
import io.reckon.connectors.registry.ConfluentAvroCodec;
import io.reckon.jobs.records.ContractAvro;
import io.reckon.jobs.records.ContractJson;
import io.reckon.jobs.sources.BadInputCorpusTest.Case;
import io.reckon.jobs.sources.BadInputCorpusTest.Ids;
import io.reckon.jobs.sources.BadInputCorpusTest.Match;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The hostile corpus through {@code reckon replay} from files: every Avro case of {@link
 * BadInputCorpusTest} as the JSON line a producer would have written (or, where the record is not even
 * Avro, its bytes as a line), plus the lines only a file can hold (bytes that are not UTF-8, a byte-order
 * mark before the first contract, a line over 1 MiB, 1e29, a year +999999999, an id with an unpaired
 * surrogate escape), mixed with the clean
 * records. The command must exit 0, lose no line (valid + dead-lettered = lines per file), and find on
 * the clean records exactly what the job over Kafka finds.
 */
class HostileCorpusReplayTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    @Test
    void theCorpusReplaysFromFilesWithExitZeroAndNothingLost() throws Exception {
        ConfluentAvroCodec codec = ConfluentAvroCodec.forUrl("mock://hostile-replay");
        Ids ids = new Ids(
                codec,
                codec.schemaId(ConfluentAvroCodec.valueSubject(InputKind.USAGE.topic()), UsageEvent.getClassSchema()),
                codec.schemaId(
                        ConfluentAvroCodec.valueSubject(InputKind.REPORTED.topic()), ReportedUsage.getClassSchema()),
                codec.schemaId(
                        ConfluentAvroCodec.valueSubject(InputKind.INVOICES.topic()), InvoiceLine.getClassSchema()),
                codec.schemaId(
                        ConfluentAvroCodec.valueSubject(InputKind.CONTRACTS.topic()), Contract.getClassSchema()));

        Map<InputKind, List<byte[]>> lines = new EnumMap<>(InputKind.class);
        Map<InputKind, Integer> bad = new EnumMap<>(InputKind.class);
        for (InputKind k : List.of(InputKind.CONTRACTS, InputKind.USAGE, InputKind.REPORTED, InputKind.INVOICES)) {
            lines.put(k, new ArrayList<>());
            bad.put(k, 0);
        }
        // A byte-order mark before the first contract: skipped, and the contract is mapped (not unmapped).
        byte[] first = line(
                codec,
                InputKind.CONTRACTS,
                BadInputCorpusTest.contract(ids, ACCOUNT, 1, "usd", BadInputCorpusTest.goodMeter()));
        lines.get(InputKind.CONTRACTS).add(concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, first));
        for (var h = 0; h < 240; h++) {
            Instant at = BadInputCorpusTest.PERIOD.plusSeconds(3_600L * h);
            lines.get(InputKind.USAGE)
                    .add(line(
                            codec,
                            InputKind.USAGE,
                            BadInputCorpusTest.usage(
                                    ids,
                                    "u-" + h,
                                    ACCOUNT,
                                    BadInputCorpusTest.METER,
                                    at,
                                    new BigDecimal("10").setScale(9),
                                    Map.of())));
            if (h < 200) {
                lines.get(InputKind.REPORTED)
                        .add(line(
                                codec,
                                InputKind.REPORTED,
                                BadInputCorpusTest.reported(
                                        ids,
                                        "r-" + h,
                                        ACCOUNT,
                                        BadInputCorpusTest.METER,
                                        at,
                                        new BigDecimal("10").setScale(9))));
            }
        }
        lines.get(InputKind.INVOICES)
                .add(line(
                        codec,
                        InputKind.INVOICES,
                        BadInputCorpusTest.invoiceOf(
                                ids,
                                ACCOUNT,
                                "inv-1",
                                "line-good",
                                BadInputCorpusTest.PERIOD,
                                BadInputCorpusTest.PERIOD.plusSeconds(30L * 86_400),
                                new BigDecimal("2400").setScale(9),
                                120_000)));
        lines.get(InputKind.CONTRACTS)
                .add(line(
                        codec,
                        InputKind.CONTRACTS,
                        BadInputCorpusTest.contract(
                                ids, BadInputCorpusTest.OVERFLOW_ACCOUNT, 1, "usd", BadInputCorpusTest.goodMeter())));
        for (String id : BadInputCorpusTest.OVERFLOW_LINES) {
            lines.get(InputKind.INVOICES)
                    .add(line(
                            codec,
                            InputKind.INVOICES,
                            BadInputCorpusTest.invoiceOf(
                                    ids,
                                    BadInputCorpusTest.OVERFLOW_ACCOUNT,
                                    "inv-max",
                                    id,
                                    BadInputCorpusTest.PERIOD,
                                    BadInputCorpusTest.PERIOD.plusSeconds(30L * 86_400),
                                    new BigDecimal("1").setScale(9),
                                    BadInputCorpusTest.OVERFLOW_LINE_AMOUNT)));
        }

        int cases = 0;
        for (Case c : BadInputCorpusTest.CORPUS) {
            if (c.input() == InputKind.USAGE_CLOUDEVENTS || c.match() != Match.RAW) {
                continue;
            }
            lines.get(c.input()).add(line(codec, c.input(), c.value().apply(ids)));
            bad.merge(c.input(), 1, Integer::sum);
            cases++;
        }
        // What only a file can hold.
        addBad(lines, bad, InputKind.USAGE, new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
        addBad(
                lines,
                bad,
                InputKind.USAGE,
                ("{\"event_id\":\"big-1e29\",\"account_id\":\"" + ACCOUNT
                                + "\",\"meter\":\"api_calls\",\"event_time\":\"2026-09-10T12:00:00Z\",\"quantity\":1e29}")
                        .getBytes(StandardCharsets.UTF_8));
        // An id that UTF-8 cannot hold: kept, it would have counted as "u-0?", another id than its own.
        addBad(
                lines,
                bad,
                InputKind.USAGE,
                ("{\"event_id\":\"u-0\\udc00\",\"account_id\":\"" + ACCOUNT
                                + "\",\"meter\":\"api_calls\",\"event_time\":\"2026-09-10T12:00:00Z\",\"quantity\":\"1\"}")
                        .getBytes(StandardCharsets.UTF_8));
        addBad(
                lines,
                bad,
                InputKind.REPORTED,
                ("{\"report_id\":\"year-max\",\"account_id\":\"" + ACCOUNT
                                + "\",\"meter\":\"api_calls\",\"event_time\":\"+999999999-12-31T23:59:59Z\",\"quantity\":\"1\"}")
                        .getBytes(StandardCharsets.UTF_8));
        addBad(
                lines,
                bad,
                InputKind.INVOICES,
                ("{\"invoice_id\":\"" + "i".repeat(1_100_000) + "\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(cases).isGreaterThanOrEqualTo(150);

        Map<InputKind, Path> files = new EnumMap<>(InputKind.class);
        for (Map.Entry<InputKind, List<byte[]>> e : lines.entrySet()) {
            Path f = work.resolve(e.getKey().label() + ".jsonl");
            try (OutputStream out = Files.newOutputStream(f)) {
                for (byte[] l : e.getValue()) {
                    out.write(l);
                    out.write('\n');
                }
            }
            files.put(e.getKey(), f);
        }
        Path anomalies = work.resolve("anomalies.jsonl");
        Path dlq = work.resolve("dead-letters.jsonl");

        int status = new CommandLine(new ReplayCommand())
                .execute(
                        "--contracts", files.get(InputKind.CONTRACTS).toString(),
                        "--usage", files.get(InputKind.USAGE).toString(),
                        "--reported", files.get(InputKind.REPORTED).toString(),
                        "--invoices", files.get(InputKind.INVOICES).toString(),
                        "--out", anomalies.toString(),
                        "--dlq", dlq.toString(),
                        "-D", "restart-strategy.type=none");
        assertThat(status).as("exit status of reckon replay").isZero();

        Map<InputKind, Integer> deadPerInput = new EnumMap<>(InputKind.class);
        int periods = 0;
        for (String l : Files.readAllLines(dlq)) {
            JsonNode d = JSON.readTree(l);
            String source = d.get("source").asText();
            if (source.equals("reconcile")) {
                periods++;
                continue;
            }
            InputKind k = lines.keySet().stream()
                    .filter(kind -> source.equals(kind.topic())
                            || source.equals(files.get(kind).getFileName().toString()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("dead letter of unknown source " + source));
            deadPerInput.merge(k, 1, Integer::sum);
        }
        for (InputKind k : lines.keySet()) {
            assertThat(deadPerInput.getOrDefault(k, 0))
                    .as("dead letters of %s", k)
                    .isEqualTo(bad.get(k));
        }
        assertThat(periods).as("the overflowing period").isEqualTo(1);

        Map<String, JsonNode> last = new HashMap<>();
        for (String l : Files.readAllLines(anomalies)) {
            JsonNode a = JSON.readTree(l);
            if (a.get("account_id").asText().equals(ACCOUNT)) {
                last.merge(
                        a.get("anomaly_id").asText(),
                        a,
                        (x, y) -> y.get("revision").asInt() > x.get("revision").asInt() ? y : x);
            }
        }
        Map<String, Long> leaks = new HashMap<>();
        for (JsonNode a : last.values()) {
            assertThat(a.get("final").asBoolean()).isTrue();
            String type = a.get("type").asText();
            if (!List.of("REPORTING_GAP", "USAGE_SPIKE", "USAGE_DROP").contains(type)) {
                leaks.put(type, a.get("amount_minor").asLong());
            }
        }
        assertThat(leaks).isEqualTo(Map.of("UNDER_REPORTED_USAGE", 200L, "OVERBILLED", 119_000L));
    }

    private static void addBad(Map<InputKind, List<byte[]>> lines, Map<InputKind, Integer> bad, InputKind k, byte[] l) {
        lines.get(k).add(l);
        bad.merge(k, 1, Integer::sum);
    }

    /**
     * The JSON line of a record a producer would have written, or, when the bytes are not a record of
     * that input at all, the bytes themselves with line breaks blanked (so that they stay one line).
     */
    static byte[] line(ConfluentAvroCodec codec, InputKind kind, byte[] value) {
        try {
            String json =
                    switch (kind) {
                        case USAGE -> usage(codec.decode(value, UsageEvent.class));
                        case REPORTED -> reported(codec.decode(value, ReportedUsage.class));
                        case INVOICES -> invoice(codec.decode(value, InvoiceLine.class));
                        case CONTRACTS ->
                            ContractJson.write(ContractAvro.fromAvro(codec.decode(value, Contract.class)));
                        case USAGE_CLOUDEVENTS -> throw new IllegalArgumentException("no file for " + kind);
                    };
            return json.getBytes(StandardCharsets.UTF_8);
        } catch (Exception notARecord) {
            byte[] raw = value == null ? new byte[0] : value.clone();
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] == '\n' || raw[i] == '\r') {
                    raw[i] = ' ';
                }
            }
            return raw.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : raw;
        }
    }

    private static String usage(UsageEvent u) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("event_id", u.getEventId());
        n.put("account_id", u.getAccountId());
        n.put("meter", u.getMeter());
        n.put("event_time", u.getEventTime().toString());
        n.put("quantity", u.getQuantity().toPlainString());
        ObjectNode attrs = n.putObject("attributes");
        u.getAttributes().forEach(attrs::put);
        return n.toString();
    }

    private static String reported(ReportedUsage r) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("report_id", r.getReportId());
        n.put("account_id", r.getAccountId());
        n.put("meter", r.getMeter());
        n.put("event_time", r.getEventTime().toString());
        n.put("quantity", r.getQuantity().toPlainString());
        if (r.getKind() != null) {
            n.put("kind", r.getKind());
        }
        if (r.getUpdatedAt() != null) {
            n.put("updated_at", r.getUpdatedAt().toString());
        }
        return n.toString();
    }

    private static String invoice(InvoiceLine l) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("invoice_id", l.getInvoiceId());
        n.put("line_id", l.getLineId());
        n.put("account_id", l.getAccountId());
        n.put("meter", l.getMeter());
        n.put("period_start", l.getPeriodStart().toString());
        n.put("period_end", l.getPeriodEnd().toString());
        n.put("quantity", l.getQuantity().toPlainString());
        n.put("amount_minor", l.getAmountMinor());
        n.put("currency", l.getCurrency());
        n.put("status", l.getStatus());
        if (l.getUpdatedAt() != null) {
            n.put("updated_at", l.getUpdatedAt().toString());
        }
        return n.toString();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
