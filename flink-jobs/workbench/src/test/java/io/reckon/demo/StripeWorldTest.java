package io.reckon.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.reckon.demo.DemoWorkload.Options;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo's billing side as the Stripe stand-in serves it says what the workload's files say: the
 * hourly summaries hold, hour by hour, what the pipeline reported (each report id once, the malformed
 * ones refused), and the last event of every invoice holds the last record of each of its lines. Read
 * back from the files independently of the generator, as in {@link DemoWorkloadTest}.
 */
class StripeWorldTest {

    private static DemoWorkload workload;
    private static StripeWorld world;

    @BeforeAll
    static void generate() {
        workload = DemoWorkload.generate(Options.defaults());
        world = StripeWorld.of(workload);
    }

    @Test
    void aCountMetersSummaryIsTheNumberOfItsHoursEventsASumMetersTheirSum() {
        StripeAccounts accounts = StripeAccounts.of(
                List.of(
                        """
                {"account_id":"acct_c","version":1,"effective_from":"2026-01-01T00:00:00Z","currency":"usd",\
                "stripe_customer_id":"cus_c","meters":[\
                {"meter":"seats","aggregation":"count","stripe_meter_id":"mtr_seats","pricing":{"model":"per_unit","unit_amount_decimal":"1"}},\
                {"meter":"api_calls","stripe_meter_id":"mtr_api_calls","pricing":{"model":"per_unit","unit_amount_decimal":"1"}}]}"""));
        List<String> reports = List.of(
                report("r1", "seats", "2026-03-02T10:05:00Z", "1"),
                report("r2", "seats", "2026-03-02T10:15:00Z", "3"),
                report("r3", "seats", "2026-03-02T10:25:00Z", "0"),
                report("r4", "api_calls", "2026-03-02T10:05:00Z", "1"),
                report("r5", "api_calls", "2026-03-02T10:15:00Z", "3"));
        Map<String, BigDecimal> byMeter = new HashMap<>();
        for (StripeWorld.Summary s : StripeMeterEvents.of(reports, accounts).summaries()) {
            byMeter.put(s.meterId(), s.value());
        }
        assertThat(byMeter.get("mtr_seats")).isEqualByComparingTo("3");
        assertThat(byMeter.get("mtr_api_calls")).isEqualByComparingTo("4");
    }

    private static String report(String id, String meter, String time, String quantity) {
        return "{\"report_id\":\"" + id + "\",\"account_id\":\"acct_c\",\"meter\":\"" + meter + "\",\"event_time\":\""
                + time + "\",\"quantity\":\"" + quantity + "\"}";
    }

    @Test
    void everyHourWithAReportHasASummaryOfExactlyWhatWasReported() throws Exception {
        record Hour(String account, String meter, long hour) {}
        Map<Hour, BigDecimal> reported = new HashMap<>();
        Set<String> ids = new HashSet<>();
        long refused = 0;
        long resent = 0;
        for (String line : workload.lines(DemoWorkload.REPORTED_FILE)) {
            JsonNode n;
            Instant t;
            BigDecimal q;
            try {
                n = DemoJson.MAPPER.readTree(line);
                t = Instant.parse(n.get("event_time").asText());
                q = new BigDecimal(n.get("quantity").asText());
                if (n.get("account_id").isNull() || q.signum() < 0) {
                    throw new IllegalArgumentException("invalid");
                }
            } catch (Exception malformed) {
                refused++;
                continue;
            }
            if (!ids.add(n.get("report_id").asText())) {
                resent++;
                continue;
            }
            Hour h = new Hour(n.get("account_id").asText(), n.get("meter").asText(), t.getEpochSecond() / 3600 * 3600);
            // storage_gb has one snapshot an hour at most, so its maximum is that snapshot.
            reported.merge(h, q, n.get("meter").asText().equals("storage_gb") ? BigDecimal::max : BigDecimal::add);
        }
        Map<String, String> accountOfCustomer = new HashMap<>();
        for (String line : workload.lines(DemoWorkload.CONTRACTS_FILE)) {
            try {
                JsonNode c = DemoJson.MAPPER.readTree(line);
                accountOfCustomer.put(
                        c.get("stripe_customer_id").asText(),
                        c.get("account_id").asText());
            } catch (Exception malformed) {
                // The workload's malformed contracts name no customer.
            }
        }
        Map<Hour, BigDecimal> summarized = new HashMap<>();
        for (StripeWorld.Summary s : world.summaries()) {
            Hour h = new Hour(accountOfCustomer.get(s.customer()), s.meterId().substring(4), s.hourStart());
            assertThat(summarized.put(h, s.value()))
                    .as("one summary per hour: %s", h)
                    .isNull();
        }
        assertThat(summarized).hasSize(reported.size());
        reported.forEach((h, q) -> assertThat(summarized.get(h)).as("%s", h).isEqualByComparingTo(q));
        // No hour is summarized as zero: the ingest writes no new summary of zero, and the reporting gap
        // rule would then see an hour without a report that the direct path reports.
        assertThat(world.summaries())
                .allSatisfy(s -> assertThat(s.value().signum()).isPositive());
        assertThat(world.stats().refusedMeterEvents()).isEqualTo(refused).isEqualTo(6);
        assertThat(world.stats().resentMeterEvents()).isEqualTo(resent).isPositive();
        assertThat(world.stats().summaries()).isEqualTo(world.summaries().size());
    }

    @Test
    void theLastEventOfEveryInvoiceHoldsTheLastRecordOfEachOfItsLines() throws Exception {
        Map<String, JsonNode> lastRecord = new LinkedHashMap<>();
        Map<String, List<JsonNode>> recordsOfLine = new HashMap<>();
        int malformed = 0;
        for (String line : workload.lines(DemoWorkload.INVOICES_FILE)) {
            JsonNode n;
            try {
                n = DemoJson.MAPPER.readTree(line);
                Instant.parse(n.get("period_start").asText());
                if (n.get("account_id") == null
                        || new BigDecimal(n.get("quantity").asText()).signum() < 0) {
                    throw new IllegalArgumentException("invalid");
                }
            } catch (Exception bad) {
                malformed++;
                continue;
            }
            lastRecord.put(n.get("line_id").asText(), n);
            recordsOfLine
                    .computeIfAbsent(n.get("line_id").asText(), k -> new ArrayList<>())
                    .add(n);
        }
        Map<String, StripeWorld.Event> lastEvent = new LinkedHashMap<>();
        long previous = Long.MIN_VALUE;
        for (StripeWorld.Event e : world.events()) {
            assertThat(e.created()).as("Stripe's order").isGreaterThanOrEqualTo(previous);
            previous = e.created();
            lastEvent.put(e.invoice().id(), e);
            long periodEnd = e.invoice().lines().get(0).periodEnd();
            // Every change is in place before the reconciliation first compares billing.
            assertThat(e.created()).isLessThan(periodEnd + 6 * 3600);
        }
        Map<String, StripeWorld.Line> finalLines = new HashMap<>();
        Map<String, String> finalStatus = new HashMap<>();
        for (StripeWorld.Event e : lastEvent.values()) {
            for (StripeWorld.Line l : e.invoice().lines()) {
                finalLines.put(l.id(), l);
                finalStatus.put(l.id(), e.invoice().status());
            }
        }
        assertThat(malformed).isEqualTo(world.stats().unrepresentableInvoiceRecords());
        lastRecord.forEach((lineId, r) -> {
            StripeWorld.Line l = finalLines.get(lineId);
            assertThat(l).as(lineId).isNotNull();
            assertThat(l.amount()).as(lineId).isEqualTo(r.get("amount_minor").asLong());
            assertThat(l.quantity())
                    .as(lineId)
                    .isEqualByComparingTo(r.get("quantity").asText());
            assertThat(l.priceId())
                    .isEqualTo("price_" + r.get("meter").asText() + "_"
                            + r.get("currency").asText());
            String status = r.get("status").asText();
            assertThat(finalStatus.get(lineId)).as(lineId).isEqualTo(status);
        });
        // Besides the workload's lines, one one-off item without a price, on one invoice.
        assertThat(finalLines.keySet())
                .filteredOn(id -> !lastRecord.containsKey(id))
                .hasSize(1);
        assertThat(finalLines.values()).filteredOn(l -> l.priceId() == null).hasSize(1);
    }

    @Test
    void correctedInvoicesChangeWithinOneSecondSoOnlyTheEventsRankOrdersThem() {
        Map<String, TreeMap<Long, Set<Long>>> amountsBySecond = new HashMap<>();
        for (StripeWorld.Event e : world.events()) {
            for (StripeWorld.Line l : e.invoice().lines()) {
                amountsBySecond
                        .computeIfAbsent(l.id(), k -> new TreeMap<>())
                        .computeIfAbsent(e.created(), k -> new HashSet<>())
                        .add(l.amount());
            }
        }
        // Lines whose last second holds two amounts: the draft and its correction.
        List<String> corrected = amountsBySecond.entrySet().stream()
                .filter(e -> e.getValue().lastEntry().getValue().size() > 1)
                .map(Map.Entry::getKey)
                .toList();
        // The corrected draft of the invoice noise and the reissued stale snapshots of MISSED_OVERAGE.
        assertThat(corrected).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void theAccountIsReadAfterItsLastChangeFarEnoughBackForTheFirstHour() {
        long lastEvent = world.events().get(world.events().size() - 1).created();
        assertThat(world.now().getEpochSecond()).isGreaterThan(lastEvent);
        long firstHour = world.summaries().stream()
                .mapToLong(StripeWorld.Summary::hourStart)
                .min()
                .orElseThrow();
        for (int anchor : List.of(1, 15)) {
            assertThat(io.reckon.connectors.stripe.source.SummaryWindow.of(anchor, world.now(), world.periods())
                            .start()
                            .getEpochSecond())
                    .isLessThanOrEqualTo(firstHour);
        }
        assertThat(world.prices()).extracting(StripeWorld.Price::meterId).allMatch(m -> m.startsWith("mtr_"));
    }
}
