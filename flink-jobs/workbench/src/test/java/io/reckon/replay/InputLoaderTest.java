package io.reckon.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.avro.Contract;
import io.reckon.avro.DeadLetter;
import io.reckon.avro.InvoiceLine;
import io.reckon.avro.UsageEvent;
import io.reckon.connectors.kafka.Topics;
import io.reckon.connectors.registry.ConfluentAvroCodec;
import io.reckon.jobs.sources.InputKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loader on files, with a real Avro codec (Confluent's in-memory registry) and a sink that keeps
 * what it is handed: every line ends as one record or one dead letter, in the order asked for.
 */
class InputLoaderTest {

    private static final ConfluentAvroCodec CODEC = ConfluentAvroCodec.forUrl("mock://input-loader-test");

    @TempDir
    Path tmp;

    private final List<ProducerRecord<byte[], byte[]>> sent = new ArrayList<>();

    @Test
    void everyHostileLineIsDeadLetteredWithItsReasonAndTheRestIsLoaded() throws Exception {
        byte[] notUtf8 = usage("e-latin", "2026-03-02T10:00:00Z", "1")
                .replace("e-latin", "e-\u00e9")
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] tooLong = ("{\"event_id\":\"" + "x".repeat(JsonLineReader.MAX_LINE_BYTES + 10) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        Path file = write(
                "usage.jsonl",
                bytes("\uFEFF" + usage("e-1", "2026-03-02T12:00:00Z", "1")),
                notUtf8,
                bytes(usage("e-2", "2026-03-02T09:00:00Z", "1e29")),
                bytes(""),
                bytes(usage("e-3", "+999999999-01-01T00:00:00Z", "1")),
                tooLong,
                bytes(usage("e-4", "2026-03-02T10:00:00Z", "1e999999999")),
                bytes("   "),
                bytes(usage("e-5", "2026-03-02T11:00:00Z", "2")),
                bytes("{not json"));

        InputLoader.Result r = load(InputOrder.EVENT_TIME, InputKind.USAGE, file);

        // Ten lines, two of them blank: ten read = two valid + eight dead-lettered.
        assertThat(r.lines()).isEqualTo(10);
        assertThat(r.deadLettered()).isEqualTo(8);
        assertThat(r.ordered()).isEqualTo(2);
        assertThat(eventIds()).containsExactly("e-5", "e-1");
        List<DeadLetter> dead = deadLetters();
        assertThat(dead).extracting(DeadLetter::getOffset).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 10L);
        assertThat(dead)
                .extracting(DeadLetter::getReason)
                .containsExactly(
                        "line 2 is not valid UTF-8",
                        "quantity 100000000000000000000000000000 is not below the limit of 10^18 units per record",
                        "line 4 is blank",
                        "event_time +999999999-01-01T00:00:00Z is outside the years 1970 to 9999",
                        String.format(
                                "line 6 is %,d bytes long, more than the limit of 1,048,576 bytes", tooLong.length),
                        "quantity 1E+999999999 is out of range: more than 38 digits before the decimal point",
                        "line 8 is blank",
                        dead.get(7).getReason());
        assertThat(dead.get(7).getReason()).startsWith("invalid JSON: ");
        assertThat(dead).allMatch(d -> d.getSource().equals("usage.jsonl") && d.getPartition() == null);
        // The bytes as read: not decoded, not replaced.
        assertThat(raw(dead.get(0))).isEqualTo(notUtf8);
        assertThat(raw(dead.get(6))).isEqualTo(bytes("   "));
        DeadLetter cut = dead.get(4);
        assertThat(cut.getRawLength()).isEqualTo(tooLong.length);
        assertThat(cut.getRaw().remaining()).isEqualTo(JsonLineReader.KEPT_OF_LONG_LINE);
        assertThat(cut.getRawSha256())
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(tooLong)));
        // The first record was read despite the byte-order mark; the dead letters went out first.
        assertThat(sent.subList(0, 8)).allMatch(p -> p.topic().equals(Topics.DLQ));
    }

    @Test
    void eventTimeOrderSortsEveryInputButContractsAndFileOrderSortsNone() throws Exception {
        Path usage = write(
                "usage.jsonl",
                bytes(usage("late", "2026-03-05T00:00:00Z", "1")),
                bytes(usage("early", "2026-03-01T00:00:00Z", "1")),
                bytes(usage("tie-a", "2026-03-03T00:00:00Z", "1")),
                bytes(usage("tie-b", "2026-03-03T00:00:00Z", "1")));
        load(InputOrder.EVENT_TIME, InputKind.USAGE, usage);
        assertThat(eventIds()).containsExactly("early", "tie-a", "tie-b", "late");
        sent.clear();
        InputLoader.Result r = load(InputOrder.FILE, InputKind.USAGE, usage);
        assertThat(eventIds()).containsExactly("late", "early", "tie-a", "tie-b");
        assertThat(r.ordered()).isZero();

        sent.clear();
        Path invoices = write(
                "invoices.jsonl",
                bytes(LineConversionTest.INVOICE.replace("il_1", "il_april").replace("2026-04-01", "2026-05-01")),
                bytes(LineConversionTest.INVOICE.replace("il_1", "il_march")));
        load(InputOrder.EVENT_TIME, InputKind.INVOICES, invoices);
        assertThat(decoded(InvoiceLine.class))
                .extracting(InvoiceLine::getLineId)
                .containsExactly("il_march", "il_april");

        sent.clear();
        Path contracts = write(
                "contracts.jsonl",
                bytes("\uFEFF" + LineConversionTest.CONTRACT.replace("2026-01-01", "2026-02-01")),
                bytes(LineConversionTest.CONTRACT.replace("acct_1", "acct_2")));
        InputLoader.Result c = load(InputOrder.EVENT_TIME, InputKind.CONTRACTS, contracts);
        assertThat(c.ordered()).isZero();
        assertThat(decoded(Contract.class)).extracting(Contract::getAccountId).containsExactly("acct_1", "acct_2");
        assertThat(sent.get(0).key()).isEqualTo(bytes("acct_1:1"));
    }

    @Test
    void aFileLargerThanTheSortMemoryIsSortedInRunsOnDisk() throws Exception {
        int n = 30_000;
        List<Integer> minutes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            minutes.add(i);
        }
        Collections.shuffle(minutes, new Random(7));
        List<byte[]> lines = new ArrayList<>();
        for (int m : minutes) {
            lines.add(bytes(usage(
                    "e-" + m,
                    Instant.parse("2026-03-01T00:00:00Z").plusSeconds(60L * m).toString(),
                    "1")));
        }
        Path file = write("usage.jsonl", lines.toArray(byte[][]::new));
        Path sortDir = Files.createDirectories(tmp.resolve("sort"));

        InputLoader.Result r = new InputLoader(
                        CODEC, new LoadOptions(InputOrder.EVENT_TIME, 1 << 20, sortDir), sent::add)
                .load(InputKind.USAGE, file);

        assertThat(r.runs()).isGreaterThan(3);
        assertThat(r.ordered()).isEqualTo(n);
        List<UsageEvent> events = decoded(UsageEvent.class);
        assertThat(events).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(events.get(i).getEventId()).isEqualTo("e-" + i);
        }
        try (Stream<Path> left = Files.walk(sortDir)) {
            assertThat(left.filter(Files::isRegularFile))
                    .as("the runs are deleted")
                    .isEmpty();
        }
    }

    @Test
    void theInputsEndIsTheThirdLargestTimeOfDistinctRecordsWithinTheFutureTheJobAccepts() throws Exception {
        Path file = write(
                "usage.jsonl",
                bytes(usage("e-1", "2026-03-02T12:00:00Z", "1")),
                bytes(usage("e-2", "2026-03-02T13:00:00Z", "1")),
                bytes(usage("e-2", "2026-03-02T13:30:00Z", "1")), // a copy of e-2: no second witness
                bytes(usage("e-4", "2026-03-02T11:00:00Z", "1")),
                bytes(usage("e-5", "2026-03-02T14:00:00Z", "1")),
                // Further ahead of the wall clock than the job accepts: it dead-letters them.
                bytes(usage("e-6", "2099-01-01T00:00:00Z", "1")),
                bytes(usage("e-7", "2099-01-02T00:00:00Z", "1")),
                bytes(usage("e-8", "2099-01-03T00:00:00Z", "1")));
        for (InputOrder order : InputOrder.values()) {
            assertThat(load(order, InputKind.USAGE, file).end())
                    .as("%s order", order)
                    .isEqualTo(Instant.parse("2026-03-02T12:00:00Z").toEpochMilli());
        }
        Path two = write(
                "two.jsonl",
                bytes(usage("e-1", "2026-03-02T12:00:00Z", "1")),
                bytes(usage("e-2", "2026-03-02T13:00:00Z", "1")));
        assertThat(load(InputOrder.EVENT_TIME, InputKind.USAGE, two).end())
                .as("fewer than three distinct records reach nothing")
                .isEqualTo(io.reckon.jobs.sources.CorroboratedTime.NONE);
    }

    @Test
    void aUtf16FileIsReadAsItsTextWithTheLinesItHolds() throws Exception {
        String text = usage("e-\u00e9", "2026-03-02T10:00:00Z", "1") + "\r\n"
                + usage("e-\uD83D\uDE00", "2026-03-02T11:00:00Z", "2") + "\r\n";
        for (java.nio.charset.Charset utf16 : List.of(StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE)) {
            sent.clear();
            // The byte-order mark as Windows writes it, then the text in that byte order.
            Path file = Files.write(tmp.resolve("usage-" + utf16.name() + ".jsonl"), ("\uFEFF" + text).getBytes(utf16));
            InputLoader.Result r = load(InputOrder.EVENT_TIME, InputKind.USAGE, file);
            assertThat(r.lines()).as(utf16.name()).isEqualTo(2);
            assertThat(r.deadLettered()).isZero();
            assertThat(eventIds()).containsExactly("e-\u00e9", "e-\uD83D\uDE00");
        }
        // Malformed UTF-16, a surrogate without its pair: that line is refused, not read with a stand-in.
        sent.clear();
        byte[] good = ("\uFEFF" + usage("e-1", "2026-03-02T10:00:00Z", "1") + "\n").getBytes(StandardCharsets.UTF_16LE);
        byte[] bad = (usage("e-2", "2026-03-02T11:00:00Z", "1") + "\n").getBytes(StandardCharsets.UTF_16LE);
        int at = 2 * usage("e-2", "2026-03-02T11:00:00Z", "1").indexOf("e-2") + 4; // the "2" of e-2
        bad[at] = 0x00;
        bad[at + 1] = (byte) 0xD8; // U+D800, a high surrogate, followed by a quote
        Path file = tmp.resolve("usage-bad16.jsonl");
        Files.write(file, concat(good, bad));
        InputLoader.Result r = load(InputOrder.EVENT_TIME, InputKind.USAGE, file);
        assertThat(r.lines()).isEqualTo(2);
        assertThat(r.deadLettered()).isEqualTo(1);
        assertThat(eventIds()).containsExactly("e-1");
        assertThat(deadLetters()).singleElement().satisfies(d -> assertThat(d.getReason())
                .startsWith("invalid JSON: "));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void anEmptyFileAndAFileOfOneLine() throws Exception {
        InputLoader.Result empty = load(InputOrder.EVENT_TIME, InputKind.USAGE, write("empty.jsonl"));
        assertThat(empty.lines()).isZero();
        assertThat(sent).isEmpty();
        Path one = tmp.resolve("one.jsonl");
        Files.writeString(one, usage("only", "2026-03-01T00:00:00Z", "1")); // no newline at the end
        InputLoader.Result r = load(InputOrder.EVENT_TIME, InputKind.USAGE, one);
        assertThat(r.lines()).isEqualTo(1);
        assertThat(eventIds()).containsExactly("only");
    }

    private InputLoader.Result load(InputOrder order, InputKind kind, Path file) throws IOException {
        return new InputLoader(CODEC, LoadOptions.defaults().withOrder(order).withTempDirectory(tmp), sent::add)
                .load(kind, file);
    }

    private List<String> eventIds() throws Exception {
        return decoded(UsageEvent.class).stream().map(UsageEvent::getEventId).toList();
    }

    private <T extends org.apache.avro.specific.SpecificRecord> List<T> decoded(Class<T> type) throws Exception {
        List<T> out = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> p : sent) {
            if (!p.topic().equals(Topics.DLQ)) {
                out.add(CODEC.decode(p.value(), type));
            }
        }
        return out;
    }

    private List<DeadLetter> deadLetters() throws Exception {
        List<DeadLetter> out = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> p : sent) {
            if (p.topic().equals(Topics.DLQ)) {
                out.add(CODEC.decode(p.value(), DeadLetter.class));
            }
        }
        return out;
    }

    static String usage(String id, String time, String quantity) {
        String q = quantity.startsWith("1e") ? quantity : "\"" + quantity + "\"";
        return "{\"event_id\":\"" + id + "\",\"account_id\":\"acct_1\",\"meter\":\"api_calls\",\"event_time\":\"" + time
                + "\",\"quantity\":" + q + "}";
    }

    private Path write(String name, byte[]... lines) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] l : lines) {
            out.write(l);
            out.write('\n');
        }
        return Files.write(tmp.resolve(name), out.toByteArray());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] raw(DeadLetter d) {
        byte[] b = new byte[d.getRaw().remaining()];
        d.getRaw().duplicate().get(b);
        return b;
    }
}
