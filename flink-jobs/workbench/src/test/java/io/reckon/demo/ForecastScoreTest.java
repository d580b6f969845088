package io.reckon.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ForecastScoreTest {

    private static String line(String account, String asOf, long low, long mid, long high, boolean fin) {
        return ("{\"account_id\":\"%s\",\"meter\":\"api_calls\",\"period_start\":\"2026-03-01T00:00:00Z\","
                        + "\"period_end\":\"2026-04-01T00:00:00Z\",\"as_of\":\"%s\",\"currency\":\"usd\","
                        + "\"amount_low_minor\":%d,\"projected_amount_minor\":%d,\"amount_high_minor\":%d,\"final\":%s}")
                .formatted(account, asOf, low, mid, high, fin);
    }

    @Test
    void theForecastAtMidPeriodIsComparedWithTheFinalAmount() {
        // March's midpoint is 16 March 12:00: the 16 March 00:00 forecast counts, the 17 March one does not.
        List<String> lines = List.of(
                line("a", "2026-03-02T00:00:00Z", 0, 1, 2, false),
                line("a", "2026-03-16T00:00:00Z", 900, 1100, 1300, false),
                line("a", "2026-03-17T00:00:00Z", 990, 1000, 1010, false),
                line("a", "2026-04-01T06:00:00Z", 1000, 1000, 1000, true),
                line("b", "2026-03-10T00:00:00Z", 100, 150, 180, false),
                line("b", "2026-04-01T06:00:00Z", 200, 200, 200, true),
                line("c", "2026-03-20T00:00:00Z", 1, 1, 1, false),
                line("c", "2026-04-01T06:00:00Z", 5, 5, 5, true),
                line("d", "2026-03-10T00:00:00Z", 1, 1, 1, false));
        ForecastScore s = ForecastScore.of(lines);
        // a: 10 % off, held; b: 25 % off, missed; c: no forecast before mid-period; d: never final.
        assertThat(s.keyPeriods()).isEqualTo(3);
        assertThat(s.withMidPeriodForecast()).isEqualTo(2);
        assertThat(s.medianAbsError()).isCloseTo(0.175, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(s.intervalCoverage()).isEqualTo(0.5);
        assertThat(s.render())
                .isEqualTo("Forecasts: 3 final key-periods, 2 forecast at mid-period: median absolute error of the"
                        + " projected amount 17.5 %, the 80 % interval held the final amount in 50.0 % of them.\n");
    }
}
