package io.reckon.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.reckon.demo.StripeWorld.Summary;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The metering pipeline's reports (the workload's reported.jsonl) as Stripe would have taken them as
 * meter events, and the hourly meter event summaries it would keep of them. Stripe refuses a
 * malformed event (HTTP 400: no customer or meter, a time or value it cannot read, a negative value),
 * keeps one event per identifier (the report id: the pipeline's resent copies count once) and
 * aggregates the events of a customer, meter and hour: a sum, for a meter the contract aggregates by
 * count the number of events, and for one it aggregates by its maximum the largest value (Stripe's
 * meters know sum, count and last; the workload's storage meter has at most one snapshot an hour,
 * where last and maximum agree).
 */
final class StripeMeterEvents {

    /**
     * @param events reports taken as meter events
     * @param resent copies of a report id already taken, absorbed by Stripe's identifier
     * @param refused malformed reports, refused
     * @param unmapped reports of an (account, meter) whose contract names no Stripe customer or meter
     */
    record Counts(long events, long resent, long refused, long unmapped) {}

    private final List<Summary> summaries;
    private final Counts counts;

    private StripeMeterEvents(List<Summary> summaries, Counts counts) {
        this.summaries = summaries;
        this.counts = counts;
    }

    static StripeMeterEvents of(List<String> reportLines, StripeAccounts accounts) {
        record Key(String meterId, String customer) {}
        Map<Key, TreeMap<Long, BigDecimal>> hourly = new LinkedHashMap<>();
        Set<String> ids = new HashSet<>();
        long events = 0;
        long resent = 0;
        long refused = 0;
        long unmapped = 0;
        for (String line : reportLines) {
            JsonNode n;
            try {
                n = DemoJson.MAPPER.readTree(line);
            } catch (IOException malformed) {
                refused++;
                continue;
            }
            String id = DemoJson.text(n, "report_id");
            String account = DemoJson.text(n, "account_id");
            String meter = DemoJson.text(n, "meter");
            Instant time = iso(DemoJson.text(n, "event_time"));
            BigDecimal value = decimal(DemoJson.text(n, "quantity"));
            if (id == null || account == null || meter == null || time == null || value == null || value.signum() < 0) {
                refused++;
                continue;
            }
            if (!ids.add(id)) {
                resent++;
                continue;
            }
            var stripeMeter = accounts.meter(account, meter);
            var customer = accounts.customer(account);
            if (stripeMeter.isEmpty() || customer.isEmpty()) {
                unmapped++;
                continue;
            }
            events++;
            long hour = time.getEpochSecond() - Math.floorMod(time.getEpochSecond(), 3600);
            String aggregation = stripeMeter.get().aggregation();
            BigDecimal counted = "count".equals(aggregation) ? BigDecimal.ONE : value;
            hourly.computeIfAbsent(new Key(stripeMeter.get().id(), customer.get()), k -> new TreeMap<>())
                    .merge(hour, counted, "max".equals(aggregation) ? BigDecimal::max : BigDecimal::add);
        }
        List<Summary> summaries = new ArrayList<>();
        hourly.forEach((key, hours) ->
                hours.forEach((hour, value) -> summaries.add(new Summary(key.meterId(), key.customer(), hour, value))));
        return new StripeMeterEvents(summaries, new Counts(events, resent, refused, unmapped));
    }

    List<Summary> summaries() {
        return summaries;
    }

    Counts counts() {
        return counts;
    }

    /** The earliest hour with a summary, or null without any. */
    Instant firstHour() {
        return summaries.stream().mapToLong(Summary::hourStart).min().stream()
                .mapToObj(Instant::ofEpochSecond)
                .findFirst()
                .orElse(null);
    }

    static Instant iso(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (RuntimeException unreadable) {
            return null;
        }
    }

    static BigDecimal decimal(String text) {
        if (text == null) {
            return null;
        }
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException unreadable) {
            return null;
        }
    }
}
