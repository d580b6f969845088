package io.reckon.ingest.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.avro.Anomaly;
import io.reckon.avro.DeadLetter;
import io.reckon.connectors.embedded.EmbeddedStack;
import io.reckon.connectors.embedded.FakeStripeReads;
import io.reckon.connectors.embedded.FakeStripeReads.Line;
import io.reckon.connectors.stripe.source.StripeSourceOptions;
import io.reckon.jobs.sources.InputKind;
import io.reckon.replay.InputCounts;
import io.reckon.replay.Replay;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stripe as a live source, end to end on the embedded Kafka: usage and contracts on Kafka, Stripe's
 * side only through the stand-in's API (invoice events with invoices and lines, hourly meter event
 * summaries), the production Stripe ingest job writing recon.invoices and recon.reported, then the
 * reconciliation job over the four topics. The leaks are on the Stripe side and the amounts are worked
 * out by hand below.
 *
 * <p>The month is last month (UTC), so that the ingest's default summary window (the open billing
 * period and the previous one) holds it. Every account pays 0.5 cents per API call (acct_b has 2,000
 * calls included) and used 1,000 to 1,200 calls twice an hour from 10:00 to 15:00 on the 10th:
 *
 * <ul>
 *   <li>acct_a used 12,000 calls, all in Stripe's summaries, and has no invoice: UNBILLED_USAGE of
 *       12,000 x 0.5 = 6,000 cents;
 *   <li>acct_b used 10,000, all summarized, priced (10,000 - 2,000) x 0.5 = 4,000; its invoice bills
 *       6,000 calls for 2,000: MISSED_OVERAGE of 4,000 - 2,000 = 2,000 cents. Its draft also billed
 *       4,000 calls for another 2,000 on a second line, deleted from the draft before it was finalized
 *       (Stripe sends no event of the line, only the invoice without it): counted as billed, that line
 *       would hide the leak;
 *   <li>acct_c used 9,000 but Stripe's summaries hold 1,800 in four hours and 300 in the fifth, 7,500
 *       (meter events Stripe never received): UNDER_REPORTED_USAGE of 9,000 x 0.5 - 7,500 x 0.5 =
 *       4,500 - 3,750 = 750 cents; its invoice bills the 7,500 reported for 3,750, so billing is right;
 *       it also carries a one-off line without a price, which the ingest dead-letters.
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StripeReconciliationEndToEndTest {

    private static final YearMonth MONTH = YearMonth.now(ZoneOffset.UTC).minusMonths(1);
    private static final Instant START =
            MONTH.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    private static final Instant END =
            MONTH.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    private static final Instant DAY = START.plusSeconds(9 * 86_400L);

    @TempDir
    static Path work;

    private EmbeddedStack stack;
    private FakeStripeReads stripe;
    private Replay.Result result;
    private Map<String, Anomaly> last;

    @BeforeAll
    void reconcileWithStripeAsTheBillingSide() throws Exception {
        stack = EmbeddedStack.start(work.resolve("stack"));
        stripe = FakeStripeReads.start();
        stripe.price("price_api", "mtr_api");
        List<String> usage = new ArrayList<>();
        usage("acct_a", 1200, usage);
        usage("acct_b", 1000, usage);
        usage("acct_c", 900, usage);
        for (int h = 0; h < 5; h++) {
            long hour = DAY.getEpochSecond() + (10 + h) * 3600L;
            stripe.summary("mtr_api", "cus_a", hour, new BigDecimal("2400"));
            stripe.summary("mtr_api", "cus_b", hour, new BigDecimal("2000"));
            stripe.summary("mtr_api", "cus_c", hour, new BigDecimal(h < 4 ? "1800" : "300"));
        }
        long periodStart = START.getEpochSecond();
        long periodEnd = END.getEpochSecond();
        Line billed = new Line("il_b", "price_api", periodStart, periodEnd, q("6000"), 2000);
        invoice(
                "in_b",
                "cus_b",
                List.of(billed, new Line("il_b_deleted", "price_api", periodStart, periodEnd, q("4000"), 2000)),
                List.of(billed));
        invoice(
                "in_c",
                "cus_c",
                List.of(
                        new Line("il_c", "price_api", periodStart, periodEnd, q("7500"), 3750),
                        new Line("il_c_setup", null, periodStart, periodEnd, BigDecimal.ONE, 9900)));

        Path contracts = Files.write(
                work.resolve("contracts.jsonl"),
                List.of(
                        contract("acct_a", "cus_a", "\"stripe_meter_id\":\"mtr_api\""),
                        contract(
                                "acct_b",
                                "cus_b",
                                "\"stripe_meter_id\":\"mtr_api\",\"stripe_price_id\":\"price_api\","
                                        + "\"included_quantity\":\"2000\""),
                        contract("acct_c", "cus_c", "\"stripe_meter_id\":\"mtr_api\"")),
                StandardCharsets.UTF_8);
        Path usageFile = Files.write(work.resolve("usage.jsonl"), usage, StandardCharsets.UTF_8);
        Path key = Files.writeString(work.resolve("stripe-key"), "rk_test_e2e\n", StandardCharsets.UTF_8);

        result = Replay.run(
                stack.connectorConfig(),
                new Replay.InputFiles(contracts, usageFile, null, null),
                new Configuration(),
                io.reckon.replay.LoadOptions.defaults(),
                conf -> {
                    // The production ingest job, bounded, between the files and the reconciliation.
                    Configuration c = new Configuration(conf);
                    c.set(StripeSourceOptions.API_BASE, stripe.apiBase());
                    c.set(StripeSourceOptions.API_KEY_FILE, key.toString());
                    c.set(StripeSourceOptions.BOUNDED, true);
                    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(
                            1, Replay.jobConfiguration(c, Files.createTempDirectory(work, "ingest-checkpoints")));
                    StripeIngestWiring.define(env, c);
                    env.execute("stripe-ingest-e2e");
                });
        last = new LinkedHashMap<>();
        result.anomalies().stream()
                .sorted(Comparator.comparingInt(Anomaly::getRevision))
                .forEach(a -> last.put(a.getAnomalyId(), a));
    }

    @AfterAll
    void stop() {
        if (stripe != null) {
            stripe.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theLeaksOnTheStripeSideAreFoundWithTheirExactAmountsAndNothingElse() {
        List<Anomaly> open = last.values().stream()
                .filter(a -> !a.getStatus().equals("resolved"))
                .sorted(Comparator.comparing(Anomaly::getAccountId))
                .toList();
        assertThat(open)
                .extracting(Anomaly::getType, Anomaly::getAccountId, Anomaly::getAmountMinor)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("UNBILLED_USAGE", "acct_a", 6000L),
                        org.assertj.core.groups.Tuple.tuple("MISSED_OVERAGE", "acct_b", 2000L),
                        org.assertj.core.groups.Tuple.tuple("UNDER_REPORTED_USAGE", "acct_c", 750L));
        assertThat(open).allSatisfy(a -> {
            assertThat(a.getFinal$()).isTrue();
            assertThat(a.getMeter()).isEqualTo("api_calls");
            assertThat(a.getPeriodStart()).isEqualTo(START);
            assertThat(a.getCurrency()).isEqualTo("usd");
        });
        Anomaly unbilled = open.get(0);
        assertThat(unbilled.getPricedReportedAmountMinor()).isEqualTo(6000);
        assertThat(unbilled.getBilledAmountMinor()).isNull();
        Anomaly missed = open.get(1);
        assertThat(missed.getReportedQuantity()).isEqualByComparingTo("10000");
        assertThat(missed.getPricedReportedAmountMinor()).isEqualTo(4000);
        assertThat(missed.getBilledAmountMinor()).isEqualTo(2000);
        Anomaly under = open.get(2);
        assertThat(under.getActualQuantity()).isEqualByComparingTo("9000");
        assertThat(under.getReportedQuantity()).isEqualByComparingTo("7500");
        assertThat(under.getExpectedAmountMinor()).isEqualTo(4500);
        assertThat(under.getPricedReportedAmountMinor()).isEqualTo(3750);
    }

    @Test
    void whatTheIngestWroteIsWhatTheReconciliationReadAndTheOneOffLineIsDeadLetteredWithItsReason() {
        InputCounts reported = result.counts().get(InputKind.REPORTED);
        InputCounts invoices = result.counts().get(InputKind.INVOICES);
        // Fifteen hourly summaries. il_c in three events (created, finalized, paid); il_b in four (the
        // draft corrected too); il_b_deleted on the draft, then void when the corrected draft shows
        // it gone.
        assertThat(reported.read()).isEqualTo(15);
        assertThat(reported.valid()).isEqualTo(15);
        assertThat(invoices.read()).isEqualTo(9);
        assertThat(invoices.valid()).isEqualTo(9);
        assertThat(result.counts().get(InputKind.USAGE).valid()).isEqualTo(30);
        assertThat(result.counts().values()).allMatch(InputCounts::balanced);
        List<DeadLetter> oneOff = result.deadLetters().stream()
                .filter(d -> d.getSource().equals("stripe.invoice_line"))
                .toList();
        assertThat(oneOff).hasSize(3).allSatisfy(d -> assertThat(d.getReason())
                .contains("invoice in_c line il_c_setup")
                .contains("no price"));
    }

    /** Two events of {@code calls} an hour from 10:00 to 15:00 on the 10th. */
    private static void usage(String account, int calls, List<String> out) {
        for (int h = 0; h < 5; h++) {
            for (int k = 0; k < 2; k++) {
                Instant t = DAY.plusSeconds((10 + h) * 3600L + 600 + k * 1800L);
                out.add("{\"event_id\":\"" + account + "-" + h + "-" + k + "\",\"account_id\":\"" + account
                        + "\",\"meter\":\"api_calls\",\"event_time\":\"" + t + "\",\"quantity\":\"" + calls + "\"}");
            }
        }
    }

    /** Created as a draft half an hour after the period, finalized an hour later and paid at once. */
    private void invoice(String id, String customer, List<Line> lines) {
        invoice(id, customer, lines, lines);
    }

    /** As above, the draft's lines {@code drafted} corrected to {@code lines} ten minutes in. */
    private void invoice(String id, String customer, List<Line> drafted, List<Line> lines) {
        long created = END.getEpochSecond() + 1800;
        stripe.invoice(id, customer, "usd", created, "draft", drafted);
        stripe.event("invoice.created", id, created);
        if (!drafted.equals(lines)) {
            stripe.invoice(id, customer, "usd", created, "draft", lines);
            stripe.event("invoice.updated", id, created + 600);
        }
        stripe.status(id, "open");
        stripe.event("invoice.finalized", id, created + 3600);
        stripe.status(id, "paid");
        stripe.event("invoice.paid", id, created + 3600);
    }

    private static String contract(String account, String customer, String meterIds) {
        return "{\"account_id\":\"" + account + "\",\"version\":1,\"effective_from\":\""
                + START.minusSeconds(365 * 86_400L) + "\",\"currency\":\"usd\",\"stripe_customer_id\":\"" + customer
                + "\",\"meters\":[{\"meter\":\"api_calls\"," + meterIds
                + ",\"pricing\":{\"model\":\"per_unit\",\"unit_amount_decimal\":\"0.5\"}}]}";
    }

    private static BigDecimal q(String v) {
        return new BigDecimal(v);
    }
}
