package io.reckon.jobs.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reckon.avro.InvoiceLine;
import io.reckon.avro.ReportedUsage;
import io.reckon.jobs.records.InvalidRecordException;
import io.reckon.jobs.records.MeterEvent;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class InputValidationTest {

    private static final Instant START = Instant.parse("2026-03-01T00:00:00Z");
    private static final long NOW = Instant.parse("2026-04-01T00:00:00Z").toEpochMilli();

    private final InputValidation validation =
            new InputValidation(Duration.ofDays(400).toMillis());

    @Test
    void controlCharacterCheckMatchesUnicodesControlCategoryOnEveryChar() {
        Pattern cc = Pattern.compile("\\p{Cc}");
        for (int c = Character.MIN_VALUE; c <= Character.MAX_VALUE; c++) {
            String id = "acct" + (char) c + "1";
            assertThat(InputValidation.hasControlCharacter(id))
                    .as("U+%04X", c)
                    .isEqualTo(cc.matcher(id).find());
        }
        assertThat(InputValidation.hasControlCharacter("acct_1")).isFalse();
        assertThat(InputValidation.hasControlCharacter("acct\u001f1")).isTrue();
    }

    @Test
    void invoiceCurrencyIsCaseInsensitiveAndStoredLowerCase() throws Exception {
        MeterEvent upper = validation.invoiceLine(line("USD"), NOW);
        MeterEvent mixed = validation.invoiceLine(line("Eur"), NOW);

        assertThat(upper.currency).isEqualTo("usd");
        assertThat(mixed.currency).isEqualTo("eur");
    }

    @Test
    void invoiceCurrencyMustStillBeAnIsoCode() {
        assertThatThrownBy(() -> validation.invoiceLine(line("XYZ"), NOW))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("currency 'xyz' is not an ISO 4217 code");
        assertThatThrownBy(() -> validation.invoiceLine(line("US"), NOW))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("currency 'us' is not a 3-letter ISO 4217 code");
    }

    @Test
    void aStatusInAnyCaseIsTheStatusSoAVoidingCorrectionIsNotLost() throws Exception {
        assertThat(validation.invoiceLine(line("usd", "VOID"), NOW).status).isEqualTo("void");
        assertThat(validation.invoiceLine(line("usd", " Paid "), NOW).status).isEqualTo("paid");
        assertThatThrownBy(() -> validation.invoiceLine(line("usd", "voided"), NOW))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("status 'voided' is not one of draft, open, paid, void");
    }

    @Test
    void anAmountBeyondTenToTheEighteenMinorUnitsEitherWayIsRefused() throws Exception {
        assertThat(validation.invoiceLine(amount(999_999_999_999_999_999L), NOW).amountMinor)
                .isEqualTo(999_999_999_999_999_999L);
        assertThat(validation.invoiceLine(amount(-999_999_999_999_999_999L), NOW).amountMinor)
                .isEqualTo(-999_999_999_999_999_999L);
        for (long beyond :
                new long[] {1_000_000_000_000_000_000L, -1_000_000_000_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertThatThrownBy(() -> validation.invoiceLine(amount(beyond), NOW))
                    .isInstanceOf(InvalidRecordException.class)
                    .hasMessage("amount_minor " + beyond + " is not within the limit of 10^18 minor units either way");
        }
    }

    private static InvoiceLine amount(long amountMinor) {
        InvoiceLine l = line("usd");
        l.setAmountMinor(amountMinor);
        return l;
    }

    @Test
    void aReportKindInAnyCaseIsTheKind() throws Exception {
        assertThat(validation.reported(report("SUMMARY"), NOW).summary).isTrue();
        assertThat(validation.reported(report("Event"), NOW).summary).isFalse();
        assertThat(validation.reported(report(null), NOW).summary).isFalse();
        assertThatThrownBy(() -> validation.reported(report("summaries"), NOW))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("kind 'summaries' is not one of event, summary");
    }

    private static ReportedUsage report(String kind) {
        return ReportedUsage.newBuilder()
                .setReportId("r_1")
                .setAccountId("acct_1")
                .setMeter("api_calls")
                .setEventTime(START)
                .setQuantity(new BigDecimal("10.000000000"))
                .setKind(kind)
                .build();
    }

    private static InvoiceLine line(String currency) {
        return line(currency, "open");
    }

    private static InvoiceLine line(String currency, String status) {
        return InvoiceLine.newBuilder()
                .setInvoiceId("in_1")
                .setLineId("il_1")
                .setAccountId("acct_1")
                .setMeter("api_calls")
                .setPeriodStart(START)
                .setPeriodEnd(START.plus(Duration.ofDays(31)))
                .setQuantity(new BigDecimal("10.000000000"))
                .setAmountMinor(1234)
                .setCurrency(currency)
                .setStatus(status)
                .build();
    }
}
