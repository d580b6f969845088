package io.reckon.jobs.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class MoneyTest {

    @Test
    void formatsMinorUnitsWithEachCurrencysOwnDigits() {
        assertThat(Money.format(5200, "usd")).isEqualTo("$52.00");
        assertThat(Money.format(123456789, "USD")).isEqualTo("$1,234,567.89");
        assertThat(Money.format(-5, "usd")).isEqualTo("-$0.05");
        assertThat(Money.format(1500, "jpy")).isEqualTo("¥1,500");
        assertThat(Money.format(1999, "eur")).isEqualTo("€19.99");
        assertThat(Money.format(1234, "kwd")).isEqualTo("KWD1.234");
    }

    @Test
    void formatsQuantitiesWithoutTrailingZerosAndWithGrouping() {
        assertThat(Money.quantity(new BigDecimal("1204000.000000000"))).isEqualTo("1,204,000");
        assertThat(Money.quantity(new BigDecimal("0.000000001"))).isEqualTo("0.000000001");
        assertThat(Money.quantity(new BigDecimal("12.50"))).isEqualTo("12.5");
    }

    @Test
    void aCachedFormatGivesTheSameTextOnEveryThread() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                long amount = 100_000L + i;
                String currency = i % 2 == 0 ? "usd" : "eur";
                results.add(pool.submit(
                        () -> Money.format(amount, currency) + " " + Money.quantity(BigDecimal.valueOf(amount, 3))));
            }
            for (int i = 0; i < 64; i++) {
                long amount = 100_000L + i;
                String expected = Money.format(amount, i % 2 == 0 ? "usd" : "eur") + " "
                        + Money.quantity(BigDecimal.valueOf(amount, 3));
                assertThat(results.get(i).get()).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anUnknownCurrencyIsAnError() {
        assertThatThrownBy(() -> Money.format(1, "zzzz")).isInstanceOf(IllegalArgumentException.class);
    }
}
