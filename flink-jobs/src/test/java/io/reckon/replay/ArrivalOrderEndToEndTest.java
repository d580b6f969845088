package io.reckon.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.avro.Anomaly;
import io.reckon.connectors.embedded.EmbeddedStack;
import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.MeterEvent;
import io.reckon.jobs.records.MeterEventJson;
import io.reckon.jobs.testing.ArrivalScenario;
import io.reckon.jobs.testing.Deliveries;
import io.reckon.jobs.testing.FinalAnomalies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One generated scenario replayed through the production job graph over the real broker in three
 * arrival orders: in event time, grouped by account (a warehouse export), and in an order where 5 % of
 * the records and every later copy of an id arrive 1 to 20 days late. Each order is produced into the
 * topics as it is (replay's file order). All three end with the same final anomalies, and coalescing
 * keeps the late order's revisions within 20 % of the ordered one's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArrivalOrderEndToEndTest {

    @TempDir
    static Path work;

    private EmbeddedStack stack;

    @BeforeAll
    void startStack() {
        stack = EmbeddedStack.start(work.resolve("stack"));
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void threeArrivalOrdersEndWithTheSameFinalAnomalies() throws Exception {
        ArrivalScenario.Input input = ArrivalScenario.generate(
                20_261_203L, new ArrivalScenario.Shape(2, true, false, true, 10, true, true, true, true));
        Configuration options = new Configuration();
        // Every record must arrive within the retention for the answer to be the same (spec v1.1).
        options.setString("reconcile.state-retention", "90 d");
        options.setString("reconcile.spike-min-records", "1");

        Run ordered = replay(input, Deliveries.EVENT_TIME, options);
        Run grouped = replay(input, Deliveries.GROUPED_BY_ACCOUNT, options);
        Run late = replay(input, Deliveries.LATE_RECORDS_AND_COPIES, options);
        System.out.printf(
                "arrival orders: %d records; revisions: event time %d, grouped by account %d (%d late),"
                        + " late records and copies %d (%d late); %d anomalies stand%n",
                input.records().size(),
                ordered.anomalies.revisions(),
                grouped.anomalies.revisions(),
                grouped.late,
                late.anomalies.revisions(),
                late.late,
                ordered.anomalies.standing().size());

        assertThat(ordered.anomalies.standing()).hasSizeGreaterThan(10);
        assertThat(grouped.late + late.late).as("records that arrived late").isPositive();
        assertThat(grouped.anomalies.differencesFrom(ordered.anomalies)).isEmpty();
        assertThat(late.anomalies.differencesFrom(ordered.anomalies)).isEmpty();
        assertThat(late.anomalies.revisions()).isLessThanOrEqualTo(ordered.anomalies.revisions() * 6 / 5);
        for (Run r : List.of(ordered, grouped, late)) {
            assertThat(r.anomalies.allFinal()).isTrue();
            assertThat(r.result.deadLetters()).isEmpty();
            assertThat(r.result.counts().values()).allMatch(InputCounts::balanced);
        }
    }

    private record Run(Replay.Result result, FinalAnomalies anomalies, long late) {}

    private Run replay(ArrivalScenario.Input input, Deliveries order, Configuration options) throws Exception {
        CleanSlate.reset(stack);
        Path dir = Files.createDirectories(work.resolve(order.name()));
        List<MeterEvent> records = order.order(input.records(), 7L);
        Replay.InputFiles files = new Replay.InputFiles(
                write(
                        dir.resolve("contracts.jsonl"),
                        input.contracts().stream().map(c -> c.json).toList()),
                write(dir.resolve("usage.jsonl"), json(records, MeterEvent.Kind.USAGE)),
                write(dir.resolve("reported.jsonl"), json(records, MeterEvent.Kind.REPORTED)),
                write(dir.resolve("invoices.jsonl"), json(records, MeterEvent.Kind.INVOICE_LINE)));
        Replay.Result result = Replay.run(
                stack.connectorConfig(), files, options, LoadOptions.defaults().withOrder(InputOrder.FILE));
        List<AnomalyRecord> revisions = new ArrayList<>();
        for (Anomaly a : result.anomalies()) {
            revisions.add(record(a));
        }
        long late =
                result.counts().values().stream().mapToLong(InputCounts::late).sum();
        return new Run(result, new FinalAnomalies(revisions), late);
    }

    private static List<String> json(List<MeterEvent> records, MeterEvent.Kind kind) {
        return records.stream()
                .filter(e -> e.kind == kind)
                .map(MeterEventJson::of)
                .toList();
    }

    private static Path write(Path file, List<String> lines) throws Exception {
        return Files.write(file, lines);
    }

    private static AnomalyRecord record(Anomaly a) {
        AnomalyRecord r = new AnomalyRecord();
        r.anomalyId = a.getAnomalyId();
        r.revision = a.getRevision();
        r.status = a.getStatus();
        r.type = a.getType();
        r.accountId = a.getAccountId();
        r.meter = a.getMeter();
        r.periodStart = a.getPeriodStart().toEpochMilli();
        r.periodEnd = a.getPeriodEnd().toEpochMilli();
        r.currency = a.getCurrency();
        r.actualQuantity = a.getActualQuantity();
        r.reportedQuantity = a.getReportedQuantity();
        r.expectedAmountMinor = a.getExpectedAmountMinor();
        r.pricedReportedAmountMinor = a.getPricedReportedAmountMinor();
        r.billedAmountMinor = a.getBilledAmountMinor();
        r.amountMinor = a.getAmountMinor();
        r.finalRevision = a.getFinal$();
        return r;
    }
}
