package io.reckon.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.demo.DemoReport.Identity;
import io.reckon.demo.DemoReport.Mismatch;
import io.reckon.demo.DemoReport.TypeScore;
import io.reckon.demo.DemoWorkload.TruthEntry;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DemoReportTest {

    private static final List<TruthEntry> TRUTH = List.of(
            truth("UNDER_REPORTED_USAGE", "acct_a", "api_calls", "2026-01-01", 1000, "2026-01-10T05:00:00Z", "usd"),
            truth("UNDER_REPORTED_USAGE", "acct_b", "seats", "2026-01-01", 500, "2026-01-12T00:00:00Z", "eur"),
            truth("OVER_REPORTED_USAGE", "acct_c", "storage_gb", "2026-02-01", 300, "2026-02-03T00:00:00Z", "usd"),
            truth("OVER_REPORTED_USAGE", "acct_d", "api_calls", "2026-01-15", 700, "2026-01-20T00:00:00Z", "usd"),
            truth("OVER_REPORTED_USAGE", "acct_g", "storage_gb", "2026-02-01", 1100, "2026-02-03T02:00:00Z", "eur"));

    private static DemoReport report;

    @BeforeAll
    static void scoreTheSmallFile() throws URISyntaxException {
        Path anomalies = Path.of(
                DemoReportTest.class.getResource("anomalies-small.jsonl").toURI());
        report = DemoReport.score(TRUTH, anomalies);
    }

    private static TruthEntry truth(
            String type, String account, String meter, String day, long amount, String detectable, String currency) {
        return new TruthEntry(
                type, account, meter, Instant.parse(day + "T00:00:00Z"), amount, Instant.parse(detectable), currency);
    }

    @Test
    void underReportedCountsTheReopenedAnomalyAndNotTheResolvedOnes() {
        TypeScore under = report.type("UNDER_REPORTED_USAGE");
        // acct_a: open, resolved, updated -> counts; acct_b and acct_f end resolved -> do not.
        assertThat(under.injected()).isEqualTo(2);
        assertThat(under.found()).isEqualTo(1);
        assertThat(under.truePositives()).isEqualTo(1);
        assertThat(under.precision()).hasValue(1.0);
        assertThat(under.recall()).hasValue(0.5);
        // Latency from the first open revision (07:00), not the last one: 2 h after 05:00.
        assertThat(under.latencies()).containsExactly(Duration.ofHours(2));
        assertThat(under.injectedAmount()).isEqualTo(Map.of("usd", 1000L, "eur", 500L));
        assertThat(under.foundAmount()).isEqualTo(Map.of("usd", 1000L));
    }

    @Test
    void overReportedUsesTheHighestRevisionWhateverTheLineOrder() {
        TypeScore over = report.type("OVER_REPORTED_USAGE");
        assertThat(over.injected()).isEqualTo(3);
        assertThat(over.found()).isEqualTo(2);
        assertThat(over.truePositives()).isEqualTo(2);
        assertThat(over.precision()).hasValue(1.0);
        assertThat(over.recall().getAsDouble()).isEqualTo(2.0 / 3);
        // acct_d: revision 2 (750) is written before revision 1 (700); acct_g uses epoch millis.
        assertThat(over.foundAmount()).isEqualTo(Map.of("usd", 750L, "eur", 1200L));
        assertThat(over.latencies()).containsExactlyInAnyOrder(Duration.ofHours(4), Duration.ofHours(10));
        assertThat(over.medianLatency()).hasValue(Duration.ofHours(7));
        assertThat(over.maxLatency()).hasValue(Duration.ofHours(10));
    }

    @Test
    void findingWithoutTruthIsAFalsePositiveAndSignalsAreNotScored() {
        TypeScore overbilled = report.type("OVERBILLED");
        assertThat(overbilled.found()).isEqualTo(1);
        assertThat(overbilled.truePositives()).isZero();
        assertThat(overbilled.precision()).hasValue(0.0);
        assertThat(overbilled.recall()).isEmpty();
        assertThat(report.falsePositives())
                .extracting(Mismatch::identity)
                .containsExactly(
                        new Identity("OVERBILLED", "acct_e", "api_calls", Instant.parse("2026-01-01T00:00:00Z")));
        assertThat(report.type("REPORTING_GAP").found()).isEqualTo(1);
    }

    @Test
    void missedListsNeverRaisedAndResolvedTruth() {
        assertThat(report.missed())
                .extracting(m -> m.identity().accountId() + ": " + m.note())
                .containsExactly("acct_c: never raised", "acct_b: resolved at revision 2");
    }

    @Test
    void renderShowsMoneyPerCurrencyAndEveryType() {
        String text = report.render();
        assertThat(text)
                .contains("Read 12 revisions of 7 anomalies (1 unreadable line skipped)")
                .contains("injected 2, found 1, true positives 1; precision 100.0%, recall 50.0%")
                .contains("leaked amount: injected €5.00 + $10.00, found $10.00")
                .contains("median 7.0 h, max 10.0 h")
                .contains("injected 5, found 4, true positives 3; precision 75.0%, recall 60.0%")
                .containsPattern("UNBILLED_USAGE +not injected")
                .containsPattern("REPORTING_GAP +1 raised \\(a signal, not scored\\)")
                .contains("$1,234.56")
                .contains("False positives (1)")
                .contains("Missed (2)");
    }

    @Test
    void moneyIsFormattedAsPeopleReadIt() {
        assertThat(DemoReportText.money(123456, "usd")).isEqualTo("$1,234.56");
        assertThat(DemoReportText.money(1200, "eur")).isEqualTo("€12.00");
        assertThat(DemoReportText.money(-5, "usd")).isEqualTo("-$0.05");
        assertThat(DemoReportText.money(500, "jpy")).isEqualTo("¥500");
        assertThat(DemoReportText.money(Map.of())).isEqualTo("none");
    }

    @Test
    void renderShowsEveryInjectedBillingTypeWithItsScoreAndLatency() {
        List<TruthEntry> truth = List.of(
                truth("UNBILLED_USAGE", "acct_u", "seats", "2026-01-01", 3000, "2026-02-04T00:00:00Z", "usd"),
                truth("RENEWAL_DRIFT", "acct_r", "api_calls", "2026-03-01", 930, "2026-04-01T06:00:00Z", "usd"),
                truth("MISSED_OVERAGE", "acct_m", "storage_gb", "2026-02-01", 1000, "2026-03-01T06:00:00Z", "eur"),
                truth("OVERBILLED", "acct_o", "api_calls", "2026-01-15", 1440, "2026-02-15T06:00:00Z", "usd"));
        List<String> lines = List.of(
                anomaly("UNBILLED_USAGE", "acct_u", "seats", "2026-01-01", 1, "open", 3000, "2026-02-04T00:00:00Z"),
                anomaly("RENEWAL_DRIFT", "acct_r", "api_calls", "2026-03-01", 1, "open", 930, "2026-04-01T06:00:00Z"),
                anomaly(
                        "MISSED_OVERAGE",
                        "acct_m",
                        "storage_gb",
                        "2026-02-01",
                        1,
                        "open",
                        1000,
                        "2026-03-01T08:00:00Z"),
                // Raised and resolved on a clean key: neither found nor a false positive.
                anomaly("OVERBILLED", "acct_x", "seats", "2026-01-01", 1, "open", 50, "2026-02-01T06:00:00Z"),
                anomaly("OVERBILLED", "acct_x", "seats", "2026-01-01", 2, "resolved", 0, "2026-02-01T07:00:00Z"));
        DemoReport r = DemoReport.score(truth, lines);
        assertThat(r.type("UNBILLED_USAGE").recall()).hasValue(1.0);
        assertThat(r.type("MISSED_OVERAGE").latencies()).containsExactly(Duration.ofHours(2));
        assertThat(r.type("OVERBILLED").found()).isZero();
        assertThat(r.falsePositives()).isEmpty();
        assertThat(r.missed()).extracting(m -> m.identity().type()).containsExactly("OVERBILLED");
        String text = r.render();
        for (String type : List.of("UNBILLED_USAGE", "RENEWAL_DRIFT", "MISSED_OVERAGE")) {
            String block = text.substring(text.indexOf(type + "\n"));
            assertThat(block)
                    .as(type)
                    .containsPattern("injected 1, found 1, true positives 1; precision 100.0%, recall 100.0%");
        }
        assertThat(text)
                .contains("OVERBILLED\n  injected 1, found 0, true positives 0; precision n/a, recall 0.0%")
                .contains("detection latency (event time): median 2.0 h, max 2.0 h");
    }

    private static String anomaly(
            String type,
            String account,
            String meter,
            String day,
            int revision,
            String status,
            long amount,
            String watermark) {
        return "{\"type\":\"" + type + "\",\"account_id\":\"" + account + "\",\"meter\":\"" + meter
                + "\",\"period_start\":\"" + day + "T00:00:00Z\",\"revision\":" + revision + ",\"status\":\""
                + status + "\",\"amount_minor\":" + amount + ",\"currency\":\"usd\",\"final\":true,"
                + "\"event_time_watermark\":\"" + watermark + "\"}";
    }

    private static String signal(
            String type, String account, String hour, int revision, String status, long amount, String watermark) {
        return "{\"type\":\"" + type + "\",\"account_id\":\"" + account + "\",\"meter\":\"api_calls\","
                + "\"period_start\":\"" + hour + "\",\"revision\":" + revision + ",\"status\":\"" + status
                + "\",\"amount_minor\":" + amount + ",\"currency\":\"usd\",\"event_time_watermark\":\""
                + watermark + "\"}";
    }

    @Test
    void anUpsellOpportunityIsShownApartFromTheLeaksNotAsAFalsePositive() {
        DemoWorkload.Truth truth =
                new DemoWorkload.Truth(List.of(), 10_000, 50_000, Instant.parse("2026-04-01T00:00:00Z"));
        List<String> lines = List.of(
                signal("UPSELL_OPPORTUNITY", "acct_u", "2026-02-01T00:00:00Z", 1, "open", 6940, "2026-03-01T06:00:00Z"),
                signal("UPSELL_OPPORTUNITY", "acct_v", "2026-02-01T00:00:00Z", 1, "open", 0, "2026-03-01T06:00:00Z"));
        DemoReport r = DemoReport.score(truth, lines);
        assertThat(r.falsePositives()).isEmpty();
        assertThat(r.zeroAmount("UPSELL_OPPORTUNITY")).isEqualTo(1);
        assertThat(r.render())
                .contains("UPSELL_OPPORTUNITY     2 raised (a sales signal, apart from the leaks; not scored: no"
                        + " injected truth), 1 with amount 0")
                .contains("All leak types (signals apart): injected 0, found 0");
    }

    @Test
    void upsellTruthIsScoredApartFromTheLeaksWithPrecisionAndRecall() {
        Instant feb = Instant.parse("2026-02-01T00:00:00Z");
        Instant finalAt = Instant.parse("2026-03-01T06:00:00Z");
        DemoWorkload.Truth truth = new DemoWorkload.Truth(
                List.of(
                        new TruthEntry("UPSELL_OPPORTUNITY", "acct_u", "api_calls", feb, 6940, finalAt, "usd"),
                        new TruthEntry("UPSELL_OPPORTUNITY", "acct_w", "api_calls", feb, 1200, finalAt, "usd"),
                        new TruthEntry("UNBILLED_USAGE", "acct_b", "api_calls", feb, 5000, finalAt, "usd")),
                10_000,
                50_000,
                Instant.parse("2026-04-01T00:00:00Z"));
        List<String> lines = List.of(
                signal("UPSELL_OPPORTUNITY", "acct_u", "2026-02-01T00:00:00Z", 1, "open", 6940, "2026-03-01T08:00:00Z"),
                // acct_w's opportunity was raised, then resolved by a late record: its last revision decides.
                signal("UPSELL_OPPORTUNITY", "acct_w", "2026-02-01T00:00:00Z", 1, "open", 1200, "2026-03-01T06:00:00Z"),
                signal(
                        "UPSELL_OPPORTUNITY",
                        "acct_w",
                        "2026-02-01T00:00:00Z",
                        2,
                        "resolved",
                        0,
                        "2026-03-02T00:00:00Z"),
                // A key near but below the margin: raised, not in the truth.
                signal("UPSELL_OPPORTUNITY", "acct_n", "2026-02-01T00:00:00Z", 1, "open", 300, "2026-03-01T06:00:00Z"),
                signal("UNBILLED_USAGE", "acct_b", "2026-02-01T00:00:00Z", 1, "open", 5000, "2026-03-04T00:00:00Z"));
        DemoReport r = DemoReport.score(truth, lines);

        DemoReport.TypeScore upsell = r.type("UPSELL_OPPORTUNITY");
        assertThat(upsell.injected()).isEqualTo(2);
        assertThat(upsell.found()).isEqualTo(2);
        assertThat(upsell.truePositives()).isEqualTo(1);
        assertThat(upsell.precision()).hasValue(0.5);
        assertThat(upsell.recall()).hasValue(0.5);
        assertThat(upsell.medianLatency()).contains(Duration.ofHours(2));
        // Not a leak: neither in the leaks' total nor among their false positives; missed like a leak.
        assertThat(r.falsePositives()).isEmpty();
        assertThat(r.missed()).extracting(m -> m.identity().accountId()).containsExactly("acct_w");
        String text = r.render();
        assertThat(text)
                .contains("All leak types (signals apart): injected 1, found 1, true positives 1")
                .contains("UPSELL_OPPORTUNITY (a sales signal, scored apart from the leaks)\n"
                        + "  in truth 2, found 2, true positives 1; precision 50.0%, recall 50.0%; 0 found with"
                        + " amount 0\n"
                        + "  usage beyond the plan, priced: in truth $81.40, found $72.40 (true positives $69.40)\n"
                        + "  raised after the period's metering became final (event time): median 2.0 h, max 2.0 h\n");
        assertThat(text.indexOf("UPSELL_OPPORTUNITY (a sales signal")).isGreaterThan(text.indexOf("All leak types"));
    }

    @Test
    void aSignalCountsOnceRaisedEvenIfABackfillResolvedItAndFalseSignalsAreRated() {
        DemoWorkload.Truth truth = new DemoWorkload.Truth(
                List.of(
                        truth("REPORTING_GAP", "acct_g", "api_calls", "2026-02-03", 420, "2026-02-03T08:00:00Z", "usd"),
                        truth("USAGE_SPIKE", "acct_s", "api_calls", "2026-02-10", 0, "2026-02-10T01:00:00Z", "usd"),
                        truth("USAGE_DROP", "acct_d", "api_calls", "2026-02-11", 0, "2026-02-11T01:00:00Z", "usd")),
                10_000,
                50_000,
                Instant.parse("2026-04-01T00:00:00Z"));
        List<String> lines = List.of(
                // The gap: raised, grown, then resolved by the catch-up report. Counts, with 420.
                signal("REPORTING_GAP", "acct_g", "2026-02-03T00:00:00Z", 1, "open", 300, "2026-02-03T09:00:00Z"),
                signal("REPORTING_GAP", "acct_g", "2026-02-03T00:00:00Z", 2, "updated", 420, "2026-02-03T12:00:00Z"),
                signal("REPORTING_GAP", "acct_g", "2026-02-03T00:00:00Z", 3, "resolved", 0, "2026-03-01T06:00:00Z"),
                signal("USAGE_SPIKE", "acct_s", "2026-02-10T00:00:00Z", 1, "open", 0, "2026-02-10T01:00:00Z"),
                // Noise: a spike on the case's key, another on a clean key, a drop after the input ends.
                signal("USAGE_SPIKE", "acct_s", "2026-02-20T05:00:00Z", 1, "open", 0, "2026-02-20T06:00:00Z"),
                signal("USAGE_SPIKE", "acct_x", "2026-02-21T05:00:00Z", 1, "open", 0, "2026-02-21T06:00:00Z"),
                signal("USAGE_DROP", "acct_y", "2026-04-02T05:00:00Z", 1, "open", 0, "2026-04-02T06:00:00Z"),
                // Only ever resolved: never a detection.
                signal("USAGE_DROP", "acct_d", "2026-02-11T00:00:00Z", 1, "resolved", 0, "2026-02-11T01:00:00Z"));
        DemoReport r = DemoReport.score(truth, lines);

        TypeScore gap = r.type("REPORTING_GAP");
        assertThat(gap.truePositives()).isEqualTo(1);
        assertThat(gap.truePositiveAmount()).isEqualTo(Map.of("usd", 420L));
        assertThat(gap.latencies()).containsExactly(Duration.ofHours(1));
        assertThat(r.type("USAGE_SPIKE").found()).isEqualTo(3);
        assertThat(r.type("USAGE_SPIKE").recall()).hasValue(1.0);
        assertThat(r.type("USAGE_DROP").recall()).hasValue(0.0);

        DemoReport.FalseSignals spikes = r.falseSignals("USAGE_SPIKE");
        assertThat(spikes.total()).isEqualTo(2);
        assertThat(spikes.onKeysWithoutCase()).isEqualTo(1);
        assertThat(spikes.rate()).hasValue(2.0 / 10_000);
        DemoReport.FalseSignals drops = r.falseSignals("USAGE_DROP");
        assertThat(drops.total()).isEqualTo(1);
        assertThat(drops.afterInputEnd()).isEqualTo(1);
        assertThat(r.falseSignals("REPORTING_GAP").total()).isZero();
        // The gap rule runs on every key-hour, the seasonal rules only on dense ones: own denominators.
        assertThat(r.falseSignals("REPORTING_GAP").keyHoursJudged()).isEqualTo(50_000);
        assertThat(spikes.keyHoursJudged()).isEqualTo(10_000);
        // Signals are rated, not listed; the leak lists keep to the leak types.
        assertThat(r.falsePositives()).isEmpty();
        assertThat(r.missed()).extracting(m -> m.identity().type()).containsExactly("USAGE_DROP");

        String text = r.render();
        assertThat(text)
                .contains("USAGE_SPIKE\n  injected 1, found 3, true positives 1")
                .contains("false signals (no injected case): 2, of which 1 on keys without a case of this type and 0"
                        + " after the input ends; rate 0.200 per 1,000 key-hours judged (10,000 key-hours)")
                .contains("All leak types (signals apart): injected 0, found 0");
    }

    @Test
    void aPlainTruthListLeavesTheFalseSignalRateUnknown() {
        DemoReport r = DemoReport.score(
                List.of(),
                List.of(signal("USAGE_DROP", "acct_y", "2026-02-02T05:00:00Z", 1, "open", 0, "2026-02-02T06:00:00Z")));
        assertThat(r.falseSignals("USAGE_DROP").total()).isEqualTo(1);
        assertThat(r.falseSignals("USAGE_DROP").rate()).isEmpty();
        assertThat(r.render())
                .contains("USAGE_DROP             1 raised (a signal, not scored)")
                .contains("rate n/a");
    }
}
