package io.reckon.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.reckon.avro.Contract;
import io.reckon.avro.InvoiceLine;
import io.reckon.avro.UsageEvent;
import io.reckon.jobs.sources.InputKind;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Each kind of hostile line the loader must survive, with the reason it is refused for. */
class LineConversionTest {

    static final String USAGE =
            "{\"event_id\":\"e-1\",\"account_id\":\"acct_1\",\"meter\":\"api_calls\",\"event_time\":\"2026-03-02T09:15:00Z\",\"quantity\":\"5000\"}";
    static final String CONTRACT =
            "{\"account_id\":\"acct_1\",\"version\":1,\"effective_from\":\"2026-01-01T00:00:00Z\",\"currency\":\"usd\",\"meters\":[{\"meter\":\"api_calls\",\"pricing\":{\"model\":\"per_unit\",\"unit_amount_decimal\":\"0.5\"}}]}";
    static final String INVOICE =
            "{\"invoice_id\":\"in_1\",\"line_id\":\"il_1\",\"account_id\":\"acct_1\",\"meter\":\"api_calls\",\"period_start\":\"2026-03-01T00:00:00Z\",\"period_end\":\"2026-04-01T00:00:00Z\",\"quantity\":\"8000\",\"amount_minor\":3500,\"currency\":\"usd\",\"status\":\"open\"}";

    /** Far more than any line needs; a line that takes longer is the bug this class looks for. */
    private static final Duration PER_LINE = Duration.ofSeconds(2);

    @Test
    void aValidLineIsConvertedWithItsKeyAndEventTime() {
        LineConversion.Valid v = (LineConversion.Valid) convert(InputKind.USAGE, USAGE);
        UsageEvent u = (UsageEvent) v.converted().value();
        assertThat(v.converted().key()).isEqualTo("acct_1");
        assertThat(v.converted().eventTime()).isEqualTo(Instant.parse("2026-03-02T09:15:00Z"));
        assertThat(u.getQuantity()).isEqualByComparingTo("5000");
    }

    @Test
    void anInvoiceLineIsOrderedByItsPeriodEnd() {
        LineConversion.Valid v = (LineConversion.Valid) convert(InputKind.INVOICES, INVOICE);
        assertThat(v.converted().eventTime())
                .isEqualTo(((InvoiceLine) v.converted().value()).getPeriodEnd());
        assertThat(v.converted().eventTime()).isEqualTo(Instant.parse("2026-04-01T00:00:00Z"));
    }

    @Test
    void aLineThatIsNotUtf8IsRefusedWithItsNumber() {
        byte[] bytes = USAGE.replace("acct_1", "acct_\u00e9").getBytes(StandardCharsets.ISO_8859_1);
        assertThat(reason(InputKind.USAGE, new JsonLineReader.Line(7, bytes, bytes.length, null)))
                .isEqualTo("line 7 is not valid UTF-8");
        // Overlong encodings and encoded surrogates are not UTF-8 either.
        for (byte[] bad : new byte[][] {{(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}}) {
            assertThat(reason(InputKind.USAGE, new JsonLineReader.Line(1, bad, bad.length, null)))
                    .isEqualTo("line 1 is not valid UTF-8");
        }
    }

    @Test
    void theFirstContractOfAFileWithAByteOrderMarkKeepsItsAccount() throws Exception {
        byte[] file = ("\uFEFF" + CONTRACT + "\n").getBytes(StandardCharsets.UTF_8);
        try (JsonLineReader reader = new JsonLineReader(new ByteArrayInputStream(file))) {
            LineConversion.Valid v = (LineConversion.Valid) LineConversion.convert(InputKind.CONTRACTS, reader.next());
            assertThat(((Contract) v.converted().value()).getAccountId()).isEqualTo("acct_1");
        }
    }

    @Test
    void aByteOrderMarkInsideTheFileIsPartOfItsLineAndRefused() {
        assertThat(reason(InputKind.CONTRACTS, "\uFEFF" + CONTRACT)).startsWith("invalid JSON: ");
    }

    @Test
    void aLineOverOneMebibyteIsRefusedWithItsLength() {
        JsonLineReader.Line line = new JsonLineReader.Line(3, new byte[10], 2_000_000, "00");
        assertThat(reason(InputKind.USAGE, line))
                .isEqualTo("line 3 is 2,000,000 bytes long, more than the limit of 1,048,576 bytes");
    }

    @Test
    void aStringWithAnUnpairedSurrogateEscapeIsRefusedNotTurnedIntoAQuestionMark() {
        // Three distinct ids that every UTF-8 encoder would write as the one id "e-?".
        assertThat(reason(InputKind.USAGE, USAGE.replace("\"e-1\"", "\"e-\\ud800\"")))
                .isEqualTo("event_id is not valid Unicode: an unpaired surrogate \\ud800 at character 3");
        assertThat(reason(InputKind.USAGE, USAGE.replace("\"e-1\"", "\"e-\\udbff\"")))
                .isEqualTo("event_id is not valid Unicode: an unpaired surrogate \\udbff at character 3");
        assertThat(((UsageEvent) ((LineConversion.Valid) convert(InputKind.USAGE, USAGE.replace("e-1", "e-?")))
                                .converted()
                                .value())
                        .getEventId())
                .isEqualTo("e-?");
        // A pair written as two escapes is one character, kept as it is.
        assertThat(((UsageEvent) ((LineConversion.Valid)
                                        convert(InputKind.USAGE, USAGE.replace("e-1", "e-\\ud83d\\ude00")))
                                .converted()
                                .value())
                        .getEventId())
                .isEqualTo("e-\uD83D\uDE00");
        // A low surrogate first, a pair in the wrong order, in names, contracts, lines and attributes.
        assertThat(reason(InputKind.USAGE, USAGE.replace("api_calls", "\\udc00api_calls")))
                .isEqualTo("meter is not valid Unicode: an unpaired surrogate \\udc00 at character 1");
        assertThat(reason(InputKind.CONTRACTS, CONTRACT.replace("acct_1", "acct_\\ude00\\ud83d")))
                .isEqualTo("account_id is not valid Unicode: an unpaired surrogate \\ude00 at character 6");
        assertThat(reason(InputKind.INVOICES, INVOICE.replace("il_1", "il_\\ud800")))
                .isEqualTo("line_id is not valid Unicode: an unpaired surrogate \\ud800 at character 4");
        String withAttributes = USAGE.replace("}", ",\"attributes\":{\"region\":\"eu-\\udfff\"}}");
        assertThat(reason(InputKind.USAGE, withAttributes))
                .isEqualTo("attributes.region is not valid Unicode: an unpaired surrogate \\udfff at character 4");
        assertThat(reason(InputKind.USAGE, USAGE.replace("}", ",\"attributes\":{\"\\ud800\":\"x\"}}")))
                .isEqualTo("attributes key is not valid Unicode: an unpaired surrogate \\ud800 at character 1");
    }

    @Test
    void timesAreKeptToTheMillisecondOfTheAvroTimestamps() {
        UsageEvent u = (UsageEvent)
                ((LineConversion.Valid) convert(InputKind.USAGE, USAGE.replace("09:15:00Z", "09:15:00.123456789Z")))
                        .converted()
                        .value();
        assertThat(u.getEventTime()).isEqualTo(Instant.parse("2026-03-02T09:15:00.123Z"));
        u = (UsageEvent) ((LineConversion.Valid) convert(InputKind.USAGE, USAGE.replace("09:15:00Z", "10:15:00+01:00")))
                .converted()
                .value();
        assertThat(u.getEventTime()).isEqualTo(Instant.parse("2026-03-02T09:15:00Z"));
        // The last instant of a period stays in it.
        InvoiceLine l = (InvoiceLine) ((LineConversion.Valid) convert(
                        InputKind.INVOICES, INVOICE.replace("2026-03-01T00:00:00Z", "2026-03-31T23:59:59.9999999Z")))
                .converted()
                .value();
        assertThat(l.getPeriodStart()).isEqualTo(Instant.parse("2026-03-31T23:59:59.999Z"));
        // A contract's times are compared with period starts: 100 ns after a start is after it.
        Contract c = (Contract) ((LineConversion.Valid)
                        convert(
                                InputKind.CONTRACTS,
                                CONTRACT.replace("2026-01-01T00:00:00Z", "2026-03-01T00:00:00.0000001Z")
                                        .replace(
                                                "\"meters\"",
                                                "\"renewal\":{\"term_end\":\"2026-04-01T00:00:00.000000001Z\",\"escalator_pct\":\"5\"},\"meters\"")))
                .converted()
                .value();
        assertThat(c.getEffectiveFrom()).isEqualTo(Instant.parse("2026-03-01T00:00:00.001Z"));
        assertThat(c.getRenewal().getTermEnd()).isEqualTo(Instant.parse("2026-04-01T00:00:00.001Z"));
        c = (Contract) ((LineConversion.Valid) convert(
                        InputKind.CONTRACTS, CONTRACT.replace("2026-01-01T00:00:00Z", "2026-03-01T00:00:00.000Z")))
                .converted()
                .value();
        assertThat(c.getEffectiveFrom()).isEqualTo(Instant.parse("2026-03-01T00:00:00Z"));
    }

    @Test
    void aQuantityOf1e29IsRefusedForTheLimitOf10To18Units() {
        assertThat(reason(InputKind.USAGE, USAGE.replace("\"5000\"", "1e29")))
                .isEqualTo("quantity 100000000000000000000000000000 is not below the limit of 10^18 units per record");
        assertThat(reason(InputKind.USAGE, USAGE.replace("\"5000\"", "\"1e18\"")))
                .isEqualTo("quantity 1000000000000000000 is not below the limit of 10^18 units per record");
        assertThat(convert(InputKind.USAGE, USAGE.replace("\"5000\"", "\"999999999999999999.999999999\"")))
                .isInstanceOf(LineConversion.Valid.class);
    }

    @Test
    void hugeExponentsAreRefusedOnTheirScaleWithoutArithmetic() {
        for (String q : new String[] {"1e999999999", "\"1e999999999\"", "-1E+999999999"}) {
            assertThat(reason(InputKind.USAGE, USAGE.replace("\"5000\"", q)))
                    .as(q)
                    .isEqualTo("quantity " + (q.startsWith("-") ? "-" : "")
                            + "1E+999999999 is out of range: more than 38 digits before the decimal point");
        }
        for (String q : new String[] {"1e-999999999", "\"1E-999999999\""}) {
            assertThat(reason(InputKind.USAGE, USAGE.replace("\"5000\"", q)))
                    .as(q)
                    .isEqualTo("quantity 1E-999999999 is out of range: more than 38 digits after the decimal point");
        }
        // An exponent beyond an int is no number at all.
        assertThat(reason(InputKind.USAGE, USAGE.replace("\"5000\"", "\"1e9999999999\"")))
                .isEqualTo("quantity is not a number: '1e9999999999'");
        assertThat(reason(InputKind.USAGE, USAGE.replace("\"5000\"", "1e9999999999")))
                .startsWith("invalid JSON: ");
        // Zero is zero at any exponent, and trailing zeros after the point do not count.
        assertThat(convert(InputKind.USAGE, USAGE.replace("\"5000\"", "0e999999999")))
                .isInstanceOf(LineConversion.Valid.class);
        assertThat(convert(InputKind.USAGE, USAGE.replace("\"5000\"", "\"5." + "0".repeat(60) + "\"")))
                .isInstanceOf(LineConversion.Valid.class);
    }

    @Test
    void anAmountBeyondALongIsRefusedAsOutOfRange() {
        assertThat(reason(InputKind.INVOICES, INVOICE.replace("3500", "1e30")))
                .isEqualTo("amount_minor 1000000000000000000000000000000 is out of the range of a 64-bit integer");
        assertThat(reason(InputKind.INVOICES, INVOICE.replace("3500", "35.5")))
                .isEqualTo("amount_minor must be a whole number, was 35.5");
    }

    @Test
    void aContractsMetersMustBeAnArray() {
        String meters = CONTRACT.substring(CONTRACT.indexOf(",\"meters\""), CONTRACT.length() - 1);
        assertThat(reason(InputKind.CONTRACTS, CONTRACT.replace(meters, "")))
                .isEqualTo("missing required array meters");
        assertThat(reason(InputKind.CONTRACTS, CONTRACT.replace(meters, ",\"meters\":null")))
                .isEqualTo("missing required array meters");
        assertThat(reason(InputKind.CONTRACTS, CONTRACT.replace(meters, ",\"meters\":\"all\"")))
                .isEqualTo("meters is not an array");
    }

    @Test
    void aPriceTooLargeForTheAvroDecimalIsRefusedBeforeEncoding() {
        assertThat(reason(InputKind.CONTRACTS, CONTRACT.replace("\"0.5\"", "\"1e30\"")))
                .isEqualTo("unit_amount_decimal 1000000000000000000000000000000 has more than 26 digits before the"
                        + " decimal point");
    }

    @Test
    void timesOutsideTheYears1970To9999AreRefused() {
        assertThat(reason(InputKind.USAGE, USAGE.replace("2026-03-02T09:15:00Z", "+999999999-01-01T00:00:00Z")))
                .isEqualTo("event_time +999999999-01-01T00:00:00Z is outside the years 1970 to 9999");
        assertThat(reason(InputKind.USAGE, USAGE.replace("2026-03-02T09:15:00Z", "-999999999-01-01T00:00:00Z")))
                .isEqualTo("event_time -999999999-01-01T00:00:00Z is outside the years 1970 to 9999");
        assertThat(reason(InputKind.USAGE, USAGE.replace("2026-03-02T09:15:00Z", "1969-12-31T23:59:59Z")))
                .isEqualTo("event_time 1969-12-31T23:59:59Z is outside the years 1970 to 9999");
        assertThat(reason(InputKind.USAGE, USAGE.replace("2026-03-02T09:15:00Z", "+10000-01-01T00:00:00Z")))
                .isEqualTo("event_time +10000-01-01T00:00:00Z is outside the years 1970 to 9999");
        assertThat(convert(InputKind.USAGE, USAGE.replace("2026-03-02T09:15:00Z", "9999-12-31T23:59:59Z")))
                .isInstanceOf(LineConversion.Valid.class);
        assertThat(reason(
                        InputKind.CONTRACTS,
                        CONTRACT.replace("2026-01-01T00:00:00Z", "+999999999-12-31T23:59:59.999999999Z")))
                .isEqualTo("effective_from +999999999-12-31T23:59:59.999Z is outside the years 1970 to 9999");
        assertThat(reason(InputKind.INVOICES, INVOICE.replace("2026-04-01T00:00:00Z", "+999999999-01-01T00:00:00Z")))
                .isEqualTo("period_end +999999999-01-01T00:00:00Z is outside the years 1970 to 9999");
    }

    @Test
    void theParserLimitsRefuseLongNumbersDeepNestingAndAreFast() {
        assertThat(reason(InputKind.USAGE, USAGE.replace("\"5000\"", "1" + "0".repeat(200))))
                .startsWith("invalid JSON: Number value length (201) exceeds the maximum allowed (100");
        assertThat(reason(InputKind.USAGE, USAGE.replace("\"5000\"", "\"" + "9".repeat(500_000) + "\"")))
                .isEqualTo("quantity is 500000 characters long, more than 100");
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertThat(reason(InputKind.USAGE, USAGE.replace("{\"event_id\"", "{\"deep\":" + deep + ",\"event_id\"")))
                .startsWith("invalid JSON: Document nesting depth (65) exceeds the maximum allowed (64");
    }

    @Test
    void aLongTimeIsShownCutInItsReason() {
        String longTime = "x".repeat(900_000);
        String reason = reason(InputKind.USAGE, USAGE.replace("2026-03-02T09:15:00Z", longTime));
        assertThat(reason)
                .startsWith("event_time is not an ISO-8601 UTC time: 'xxxx")
                .hasSizeLessThan(200);
        assertThat(reason).endsWith("(900000 characters)'");
    }

    @Test
    void blankLinesAndOtherJsonAreRefused() {
        assertThat(reason(InputKind.USAGE, "  \t ")).isEqualTo("line 1 is blank");
        assertThat(reason(InputKind.CONTRACTS, "")).isEqualTo("line 1 is blank");
        assertThat(reason(InputKind.USAGE, "[1,2]")).isEqualTo("not a JSON object");
        assertThat(reason(InputKind.USAGE, USAGE + " {}")).startsWith("invalid JSON: ");
        assertThat(reason(InputKind.USAGE, USAGE.replace("\"5000\"", "\"abc\"")))
                .isEqualTo("quantity is not a number: 'abc'");
        assertThat(reason(InputKind.USAGE, USAGE.replace("\"5000\"", "\"0.0000000001\"")))
                .isEqualTo("quantity 0.0000000001 has more than 9 fractional digits");
    }

    @Test
    void aFieldNamedTwiceAndDigitsOfOtherScriptsAreRefused() {
        // Which of two event_ids counts depends on the parser; the record means nothing for sure.
        assertThat(reason(InputKind.USAGE, USAGE.replace("{", "{\"event_id\":\"e-0\",")))
                .startsWith("invalid JSON: Duplicate field 'event_id'");
        assertThat(reason(InputKind.CONTRACTS, CONTRACT.replace("\"version\":", "\"version\":1,\"version\":")))
                .startsWith("invalid JSON: Duplicate field 'version'");
        // Full-width and Arabic-Indic twelve: new BigDecimal(String) alone reads both as 12.
        assertThat(reason(InputKind.USAGE, USAGE.replace("\"5000\"", "\"\uFF11\uFF12\"")))
                .isEqualTo("quantity is not a number: '\uFF11\uFF12'");
        assertThat(reason(
                        InputKind.REPORTED,
                        USAGE.replace("\"event_id\"", "\"report_id\"").replace("\"5000\"", "\"\u0661\u0662\"")))
                .isEqualTo("quantity is not a number: '\u0661\u0662'");
    }

    @Test
    void aNegativeQuantityIsLeftToTheJob() {
        LineConversion.Valid v = (LineConversion.Valid) convert(InputKind.USAGE, USAGE.replace("\"5000\"", "\"-5\""));
        assertThat(((UsageEvent) v.converted().value()).getQuantity()).isEqualByComparingTo(new BigDecimal("-5"));
    }

    static LineConversion.Outcome convert(InputKind kind, String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return convert(kind, new JsonLineReader.Line(1, bytes, bytes.length, null));
    }

    static LineConversion.Outcome convert(InputKind kind, JsonLineReader.Line line) {
        return assertTimeoutPreemptively(PER_LINE, () -> LineConversion.convert(kind, line));
    }

    private static String reason(InputKind kind, String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return reason(kind, new JsonLineReader.Line(1, bytes, bytes.length, null));
    }

    private static String reason(InputKind kind, JsonLineReader.Line line) {
        LineConversion.Outcome o = convert(kind, line);
        assertThat(o).isInstanceOf(LineConversion.Invalid.class);
        String reason = ((LineConversion.Invalid) o).reason();
        assertThat(reason).doesNotStartWith(LineConversion.UNFORESEEN);
        return reason;
    }
}
