package io.reckon.jobs.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reckon.avro.InvoiceLine;
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

    private static InvoiceLine line(String currency) {
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
                .setStatus("open")
                .build();
    }
}
