package io.reckon.jobs.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InputLimitsTest {

    @Test
    void idsUpTo256BytesOfUtf8Pass() throws Exception {
        InputLimits.id("account_id", "acct\u00a0\u00e9\u200b");
        InputLimits.id("account_id", "a".repeat(256));
        InputLimits.id("account_id", "\u00e9".repeat(128));
        InputLimits.id("account_id", "\uD83D\uDE00".repeat(64));
    }

    @Test
    void longerIdsAreRefusedWithTheirLengthAndAShortPreview() {
        assertThatThrownBy(() -> InputLimits.id("account_id", "a".repeat(257)))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("account_id is 257 bytes long, more than the limit of 256 bytes");
        assertThatThrownBy(() -> InputLimits.id("meter", "\u00e9".repeat(129)))
                .hasMessageContaining("meter is 258 bytes long");
        assertThatThrownBy(() -> InputLimits.id("event_id", "\uD83D\uDE00".repeat(65)))
                .hasMessageContaining("event_id is 260 bytes long");
        assertThatThrownBy(() -> InputLimits.id("account_id", "x".repeat(3_000)))
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200));
    }

    @Test
    void emptyBlankAndControlCharactersAreRefused() throws Exception {
        assertThatThrownBy(() -> InputLimits.id("meter", "")).hasMessage("meter is empty");
        for (String blank : new String[] {" ", "   ", "\u00a0", " \u3000\u2007 ", "\u202f"}) {
            assertThatThrownBy(() -> InputLimits.id("meter", blank))
                    .as(
                            "%s",
                            blank.chars()
                                    .mapToObj(c -> String.format("U+%04X", c))
                                    .toList())
                    .hasMessage("meter is blank: it holds only spaces");
        }
        InputLimits.id("meter", " a ");
        InputLimits.id("meter", "\u00a0\uD83D\uDE00");
        assertThatThrownBy(() -> InputLimits.id("meter", "a\u001fb")).hasMessage("meter contains a control character");
        for (char c : new char[] {0x00, 0x7F, 0x80, 0x85, 0x9F}) {
            assertThatThrownBy(() -> InputLimits.id("account_id", "acct" + c))
                    .as("U+%04X", (int) c)
                    .hasMessage("account_id contains a control character");
        }
    }

    @Test
    void idsWithASurrogateWithoutItsPairAreRefused() throws Exception {
        InputLimits.id("event_id", "e-\uD83D\uDE00");
        assertThatThrownBy(() -> InputLimits.id("event_id", "e-\uD800"))
                .hasMessage("event_id is not valid Unicode: an unpaired surrogate \\ud800 at character 3");
        assertThatThrownBy(() -> InputLimits.id("account_id", "\uDC00a"))
                .hasMessage("account_id is not valid Unicode: an unpaired surrogate \\udc00 at character 1");
        assertThatThrownBy(() -> InputLimits.id("meter", "m\uDE00\uD83D"))
                .hasMessage("meter is not valid Unicode: an unpaired surrogate \\ude00 at character 2");
        assertThatThrownBy(() -> InputLimits.id("meter", "m\uD83D\uDE00\uD83D"))
                .hasMessage("meter is not valid Unicode: an unpaired surrogate \\ud83d at character 4");
    }

    @Test
    void hugeExponentsAreRefusedWithoutWritingThemOut() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> InputLimits.decimal("quantity", new BigDecimal("1e999999999")))
                .hasMessageContaining("quantity 1E+999999999 is out of range: more than 38 digits before");
        assertThatThrownBy(() -> InputLimits.decimal("quantity", new BigDecimal("1e10000000")))
                .hasMessageContaining("out of range");
        assertThatThrownBy(() -> InputLimits.decimal("quantity", new BigDecimal("1e-999999999")))
                .hasMessageContaining("digits after the decimal point");
        assertThatThrownBy(() -> InputLimits.decimal("quantity", new BigDecimal("1".repeat(101))))
                .hasMessageContaining("has 101 digits, more than the limit of 100");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void decimalsWithinTheBoundsPass() throws Exception {
        assertThat(InputLimits.decimal("q", new BigDecimal("12.5"))).isEqualByComparingTo("12.5");
        assertThat(InputLimits.decimal("q", new BigDecimal("1" + "0".repeat(37))))
                .hasToString("1" + "0".repeat(37));
        assertThat(InputLimits.decimal("q", new BigDecimal("1." + "0".repeat(50))))
                .isEqualByComparingTo("1");
        assertThat(InputLimits.decimal("q", new BigDecimal("0E+999999999"))).isEqualTo(BigDecimal.ZERO);
    }

    @Test
    void scaledIsBoundedBeforeSetScale() {
        long started = System.nanoTime();
        assertThatThrownBy(() -> ContractAvro.scaled(new BigDecimal("1e999999999"), 9, "quantity"))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("out of range");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }
}
