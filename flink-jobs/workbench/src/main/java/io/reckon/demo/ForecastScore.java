package io.reckon.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How well the job's period-end forecasts ({@code reckon replay --forecasts}) foresaw each period's
 * final amount: for every (account, meter, period) with a final forecast (the period's actual
 * figures, priced exactly), the forecast made at mid-period (the last one with as_of at or before the
 * period's midpoint) is compared with it. Reported: the median absolute error of the projected amount
 * (relative to the final amount; periods whose final amount is 0 are left out of the error) and the
 * share of key-periods whose 80 % interval held the final amount.
 */
public record ForecastScore(int keyPeriods, int withMidPeriodForecast, double medianAbsError, double intervalCoverage) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Scores the JSON lines of a forecasts file. */
    public static ForecastScore of(List<String> lines) {
        Map<String, List<JsonNode>> byPeriod = new LinkedHashMap<>();
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String key = n.get("account_id").asText() + "|" + n.get("meter").asText() + "|"
                    + n.get("period_start").asText();
            byPeriod.computeIfAbsent(key, k -> new ArrayList<>()).add(n);
        }
        List<Double> errors = new ArrayList<>();
        int periods = 0;
        int scored = 0;
        int covered = 0;
        for (List<JsonNode> revisions : byPeriod.values()) {
            JsonNode last = null;
            for (JsonNode n : revisions) {
                if (n.get("final").asBoolean()) {
                    last = n;
                }
            }
            if (last == null) {
                continue; // the period never became final in the run
            }
            periods++;
            long start = Instant.parse(last.get("period_start").asText()).toEpochMilli();
            long end = Instant.parse(last.get("period_end").asText()).toEpochMilli();
            long mid = start + (end - start) / 2;
            JsonNode atMid = null;
            for (JsonNode n : revisions) {
                long asOf = Instant.parse(n.get("as_of").asText()).toEpochMilli();
                if (!n.get("final").asBoolean()
                        && asOf <= mid
                        && (atMid == null
                                || asOf
                                        >= Instant.parse(atMid.get("as_of").asText())
                                                .toEpochMilli())) {
                    atMid = n;
                }
            }
            if (atMid == null) {
                continue; // no tick before mid-period: the key's first usage came later
            }
            scored++;
            long actual = last.get("projected_amount_minor").asLong();
            long projected = atMid.get("projected_amount_minor").asLong();
            if (actual != 0) {
                errors.add(Math.abs(projected - actual) / (double) Math.abs(actual));
            }
            if (atMid.get("amount_low_minor").asLong() <= actual
                    && actual <= atMid.get("amount_high_minor").asLong()) {
                covered++;
            }
        }
        return new ForecastScore(periods, scored, median(errors), scored == 0 ? Double.NaN : (double) covered / scored);
    }

    /** One paragraph for the demo's report. */
    public String render() {
        if (withMidPeriodForecast == 0) {
            return String.format(
                    Locale.ROOT, "Forecasts: %d final key-periods, none forecast at mid-period.%n", keyPeriods);
        }
        return String.format(
                Locale.ROOT,
                "Forecasts: %d final key-periods, %d forecast at mid-period: median absolute error of the projected"
                        + " amount %.1f %%, the 80 %% interval held the final amount in %.1f %% of them.%n",
                keyPeriods,
                withMidPeriodForecast,
                100 * medianAbsError,
                100 * intervalCoverage);
    }

    private static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
