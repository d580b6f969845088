package io.reckon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.avro.Anomaly;
import io.reckon.connectors.embedded.EmbeddedStack;
import io.reckon.connectors.embedded.FakeStripeReads;
import io.reckon.demo.DemoReport;
import io.reckon.demo.DemoWorkload;
import io.reckon.demo.StripeWorld;
import io.reckon.jobs.sources.InputKind;
import io.reckon.replay.InputOrder;
import io.reckon.replay.LoadOptions;
import io.reckon.replay.Replay;
import java.nio.file.Path;
import java.time.Duration;
import java.time.YearMonth;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's two paths on a small workload: invoices and reported usage served by the Stripe stand-in
 * and read by the Stripe ingest job, or produced straight into Kafka. Both end with the same final
 * revision of every anomaly (type, figures, amount, status), although the Stripe path turns the
 * pipeline's reports into hourly summaries and every invoice record into invoice events; and they raise
 * the same signals. (Anomalies that open and resolve on the way may differ: the direct path has
 * reports that arrive late, Stripe's summaries have none.) Both run as {@code reckon demo} does, with
 * UPSELL_OPPORTUNITY on: the opportunities are scored against the workload's truth, and the demo's
 * action policy gives each a CRM task.
 */
class DemoThroughStripeTest {

    @TempDir
    Path work;

    private static DemoWorkload.Options options() {
        return new DemoWorkload.Options(
                7L,
                16,
                List.of("api_calls", "storage_gb", "seats"),
                YearMonth.of(2026, 1),
                2,
                2,
                10,
                Duration.ofMinutes(3),
                2,
                1);
    }

    @Test
    void throughStripeTheFinalAnomaliesAreThoseOfTheDirectPath() throws Exception {
        DemoWorkload workload = DemoWorkload.generate(options());
        Path directFiles = work.resolve("direct");
        workload.writeTo(directFiles);
        Map<String, String> viaKafka;
        try (EmbeddedStack stack = EmbeddedStack.start(work.resolve("stack-direct"))) {
            Replay.Result r = Replay.run(
                    stack.connectorConfig(),
                    new Replay.InputFiles(
                            directFiles.resolve(DemoWorkload.CONTRACTS_FILE),
                            directFiles.resolve(DemoWorkload.USAGE_FILE),
                            directFiles.resolve(DemoWorkload.REPORTED_FILE),
                            directFiles.resolve(DemoWorkload.INVOICES_FILE)),
                    demoConfiguration(stack),
                    LoadOptions.defaults().withOrder(InputOrder.FILE));
            viaKafka = finalRevisions(r.anomalies());
        }

        Path files = work.resolve("stripe");
        workload.writeTo(files);
        StripeWorld world = StripeWorld.of(workload);
        Map<String, String> viaStripe;
        DemoStripe.Outcome[] ingested = new DemoStripe.Outcome[1];
        Replay.Result r;
        DemoActions.Outcome actions;
        try (EmbeddedStack stack = EmbeddedStack.start(work.resolve("stack-stripe"));
                FakeStripeReads stripe = DemoStripe.standIn(world)) {
            r = Replay.run(
                    stack.connectorConfig(),
                    new Replay.InputFiles(
                            files.resolve(DemoWorkload.CONTRACTS_FILE),
                            files.resolve(DemoWorkload.USAGE_FILE),
                            null,
                            null),
                    demoConfiguration(stack),
                    LoadOptions.defaults().withOrder(InputOrder.FILE),
                    c -> ingested[0] = DemoStripe.ingest(c, stripe, world, work));
            viaStripe = finalRevisions(r.anomalies());
            actions = DemoActions.run(demoConfiguration(stack), work, r.anomalies());
        }

        assertThat(viaStripe).isEqualTo(viaKafka);
        // Every type the workload injected is among them.
        for (DemoWorkload.TruthEntry t : workload.truth()) {
            assertThat(viaStripe.values()).anyMatch(v -> v.startsWith(t.type() + " " + t.accountId()));
        }
        assertThat(workload.truth()).extracting(DemoWorkload.TruthEntry::type).contains("UNBILLED_USAGE", UPSELL);

        // The opportunities against the truth: every one found, none other (the near misses included).
        Path anomalies = work.resolve("anomalies.jsonl");
        Replay.writeAnomalies(r.anomalies(), anomalies);
        DemoReport.TypeScore upsell =
                DemoReport.score(workload.truth(), anomalies).type(UPSELL);
        assertThat(upsell.injected())
                .isEqualTo(workload.truth().stream()
                        .filter(t -> t.type().equals(UPSELL))
                        .count())
                .isPositive();
        assertThat(upsell.recall()).hasValue(1.0);
        assertThat(upsell.precision()).hasValue(1.0);
        // The demo's policy (upsell-task) gives every opportunity raised a CRM task.
        long raised = r.anomalies().stream()
                .filter(a -> a.getType().equals(UPSELL))
                .map(Anomaly::getAnomalyId)
                .distinct()
                .count();
        assertThat(actions.summary().tasksByRule()).containsEntry("upsell-task", (int) raised);
        assertThat(raised).isGreaterThanOrEqualTo(upsell.found());
        assertThat(ingested[0].counts().summaries()).isEqualTo(world.stats().summaries());
        assertThat(r.counts().get(InputKind.REPORTED).read())
                .isEqualTo(world.stats().summaries());
        assertThat(r.counts().get(InputKind.INVOICES).read())
                .isEqualTo(ingested[0].counts().invoiceLines());
        assertThat(ingested[0].counts().deadLettered()).isEqualTo(world.stats().oneOffLineRecords());
        assertThat(DemoStripe.summary(world, ingested[0]))
                .contains(String.format(
                        "%,d hourly meter event summaries", world.stats().summaries()));
    }

    private static final String UPSELL = "UPSELL_OPPORTUNITY";

    /** The configuration of {@code reckon demo} without --config: the stack's, upsell opportunities on. */
    private static Configuration demoConfiguration(EmbeddedStack stack) {
        Configuration conf = new Configuration();
        conf.addAll(stack.connectorConfig());
        assertThat(DemoCommand.withUpsell(conf)).isTrue();
        return conf;
    }

    private static final List<String> SIGNALS = List.of("REPORTING_GAP", "USAGE_SPIKE", "USAGE_DROP");

    /**
     * The last revision of every anomaly that is not resolved (what a finance team acts on), and every
     * signal that was raised at some revision, by id.
     */
    private static Map<String, String> finalRevisions(List<Anomaly> anomalies) {
        Map<String, Anomaly> last = new TreeMap<>();
        Map<String, String> out = new TreeMap<>();
        anomalies.stream().sorted(Comparator.comparingInt(Anomaly::getRevision)).forEach(a -> {
            last.put(a.getAnomalyId(), a);
            if (SIGNALS.contains(a.getType()) && !a.getStatus().equals("resolved")) {
                out.put(a.getAnomalyId() + " raised", a.getType() + " " + a.getAccountId() + " " + a.getPeriodStart());
            }
        });
        last.values().stream()
                .filter(a -> !a.getStatus().equals("resolved"))
                .forEach(a -> out.put(
                        a.getAnomalyId(),
                        String.join(
                                " ",
                                a.getType(),
                                a.getAccountId(),
                                a.getMeter(),
                                a.getPeriodStart().toString(),
                                a.getActualQuantity().stripTrailingZeros().toPlainString(),
                                a.getReportedQuantity().stripTrailingZeros().toPlainString(),
                                String.valueOf(a.getBilledAmountMinor()),
                                String.valueOf(a.getAmountMinor()),
                                String.valueOf(a.getFinal$()))));
        return out;
    }
}
