package io.reckon.jobs.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** {@link InputLimits#decimalText}: the ASCII grammar of a decimal, and nothing that merely reads as one. */
class DecimalTextTest {

    @Test
    void theUsualSpellingsOfADecimalRead() throws Exception {
        assertThat(InputLimits.decimalText("quantity", "12")).isEqualByComparingTo("12");
        assertThat(InputLimits.decimalText("quantity", "+5")).isEqualByComparingTo("5");
        assertThat(InputLimits.decimalText("quantity", " 5\t")).isEqualByComparingTo("5");
        assertThat(InputLimits.decimalText("quantity", ".5")).isEqualByComparingTo("0.5");
        assertThat(InputLimits.decimalText("quantity", "5.")).isEqualByComparingTo("5");
        assertThat(InputLimits.decimalText("quantity", "0012.50")).isEqualByComparingTo("12.5");
        assertThat(InputLimits.decimalText("quantity", "1E+2")).isEqualByComparingTo("100");
        assertThat(InputLimits.decimalText("quantity", "25e-1")).isEqualByComparingTo("2.5");
        assertThat(InputLimits.decimalText("quantity", "-0")).isEqualByComparingTo("0");
    }

    @Test
    void digitsOfOtherScriptsAndOtherNotationsAreRefused() {
        // new BigDecimal(String) reads every one of the first three as 12.
        for (String text : new String[] {
            "\uFF11\uFF12",
            "\u0661\u0662",
            "1\u0662",
            "1_000",
            "1,5",
            "1 000",
            "NaN",
            "Infinity",
            "0x10",
            "1e",
            "e5",
            ".",
            "+",
            "--1",
            "1.2.3",
            "",
            " ",
            "\u00BD",
            "12\u0000"
        }) {
            assertThatThrownBy(() -> InputLimits.decimalText("quantity", text))
                    .as(text)
                    .isInstanceOf(InvalidRecordException.class)
                    .hasMessageStartingWith("quantity is not a number: '");
        }
    }

    @Test
    void anExponentBeyondAnIntIsNoNumberAndALongTextIsRefusedByItsLength() {
        assertThatThrownBy(() -> InputLimits.decimalText("quantity", "1e9999999999"))
                .hasMessage("quantity is not a number: '1e9999999999'");
        assertThatThrownBy(() -> InputLimits.decimalText("quantity", "1".repeat(101)))
                .hasMessage("quantity is 101 characters long, more than 100");
        assertThatThrownBy(() -> InputLimits.decimalText("quantity", "1e999999999"))
                .hasMessageContaining("out of range");
    }

    @Property(tries = 2000)
    void everyDecimalReadsBackFromHowJavaAndJsonWriteIt(@ForAll("decimals") BigDecimal d) throws Exception {
        assertThat(InputLimits.decimalText("q", d.toString())).isEqualByComparingTo(d);
        assertThat(InputLimits.decimalText("q", d.toPlainString())).isEqualByComparingTo(d);
        assertThat(InputLimits.decimalText("q", d.toEngineeringString())).isEqualByComparingTo(d);
    }

    @Property(tries = 2000)
    void aDigitOfAnotherScriptAnywhereIsRefused(
            @ForAll("decimals") BigDecimal d, @ForAll("foreignDigits") char digit, @ForAll @IntRange(max = 60) int at) {
        String text = d.toPlainString();
        int i = Math.min(at, text.length());
        String spoiled = text.substring(0, i) + digit + text.substring(i);
        assertThatThrownBy(() -> InputLimits.decimalText("q", spoiled)).isInstanceOf(InvalidRecordException.class);
    }

    @Provide
    Arbitrary<BigDecimal> decimals() {
        return Arbitraries.bigIntegers()
                .between(BigInteger.TEN.pow(30).negate(), BigInteger.TEN.pow(30))
                .flatMap(unscaled ->
                        Arbitraries.integers().between(-7, 9).map(scale -> new BigDecimal(unscaled, scale)));
    }

    /** Characters Java counts as decimal digits that are not ASCII: Arabic-Indic, Devanagari, full-width, ... */
    @Provide
    Arbitrary<Character> foreignDigits() {
        return Arbitraries.chars()
                .range('\u0080', '\uFFFF')
                .filter(Character::isDigit)
                .edgeCases(config -> config.add('\uFF11'));
    }
}
