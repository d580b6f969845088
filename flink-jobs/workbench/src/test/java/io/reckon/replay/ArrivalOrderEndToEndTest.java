package io.reckon.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.avro.Anomaly;
import io.reckon.connectors.kafka.TopicAdmin;
import io.reckon.connectors.kafka.Topics;
import io.reckon.connectors.registry.ConfluentAvroCodec;
import io.reckon.jobs.ReconOptions;
import io.reckon.jobs.ReconciliationJob;
import io.reckon.jobs.ReconciliationWiring;
import io.reckon.jobs.reconcile.ReconSettings;
import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.records.MeterEvent;
import io.reckon.jobs.records.MeterEventJson;
import io.reckon.jobs.testing.ArrivalScenario;
import io.reckon.jobs.testing.Deliveries;
import io.reckon.jobs.testing.FinalAnomalies;
import io.reckon.jobs.testing.OracleContract;
import io.reckon.jobs.testing.SpecOracle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One generated scenario through the production job graph over the real broker, in three arrival
 * orders: in event time, grouped by account (a warehouse export), and with 5 % of the records and
 * every later copy of an id 1 to 20 days behind their place. Each order is produced into the topics as
 * it is, and the sources read at a steady pace, so that the watermark follows the records as a live
 * job's would and the records behind their place arrive late. All three end with the same final
 * anomalies, whose leaks are those {@link SpecOracle} computes from the records. Grouped by account, thousands of records arrive after their period is final, in bursts:
 * coalesced, they add at most 20 % revisions. In every order no anomaly gets two revisions in one
 * evaluation (one event-time hour of the watermark). Records days behind add the revisions of what
 * real time legitimately saw while they were missing (a report days late is under-reporting until it
 * arrives, re-emitted at every hour its figures move, as the spec asks), so that run's revisions are
 * printed, split into those of the anomalies the ordered run emitted too and those it alone emitted,
 * not bounded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArrivalOrderEndToEndTest {

    private static final ArrivalScenario.Shape SHAPE =
            new ArrivalScenario.Shape(2, true, false, true, 10, true, true, true, true);
    private static final Set<String> SIGNALS = Set.of("REPORTING_GAP", "USAGE_SPIKE", "USAGE_DROP");

    @TempDir
    static Path work;

    @RegisterExtension
    static final SharedStack STACK = new SharedStack();

    @Test
    void threeArrivalOrdersEndWithTheSameFinalAnomalies() throws Exception {
        ArrivalScenario.Input input = ArrivalScenario.generate(20_261_203L, SHAPE);

        Run ordered = run(input, Deliveries.EVENT_TIME);
        Run grouped = run(input, Deliveries.GROUPED_BY_ACCOUNT);
        Run late = run(input, Deliveries.LATE_RECORDS_AND_COPIES);
        System.out.printf(
                "arrival orders: %d records; revisions: event time %d (%d late), grouped by account %d (%d late),"
                        + " late records and copies %d (%d late); %d anomalies stand%n",
                input.records().size(),
                ordered.anomalies.revisions(),
                ordered.late,
                grouped.anomalies.revisions(),
                grouped.late,
                late.anomalies.revisions(),
                late.late,
                ordered.anomalies.standing().size());
        System.out.printf(
                "late run: %d revisions of the anomalies the ordered run emitted too (%d there), %d of %d anomalies"
                        + " it alone emitted; grouped run: %d shared (%d there), %d of %d its own%n",
                late.anomalies.revisionsOf(ordered.anomalies, true),
                ordered.anomalies.revisionsOf(late.anomalies, true),
                late.anomalies.revisionsOf(ordered.anomalies, false),
                late.anomalies.anomaliesNotIn(ordered.anomalies),
                grouped.anomalies.revisionsOf(ordered.anomalies, true),
                ordered.anomalies.revisionsOf(grouped.anomalies, true),
                grouped.anomalies.revisionsOf(ordered.anomalies, false),
                grouped.anomalies.anomaliesNotIn(ordered.anomalies));
        System.out.printf(
                "most revisions of one anomaly in one evaluation: %d / %d / %d%n",
                ordered.anomalies.mostRevisionsPerEvaluation(),
                grouped.anomalies.mostRevisionsPerEvaluation(),
                late.anomalies.mostRevisionsPerEvaluation());

        assertThat(ordered.anomalies.standing()).hasSizeGreaterThan(10);
        // And the ordered answer is the spec's: the leaks an independent batch reading of it finds.
        List<String> spec = new SpecOracle(
                        OracleContract.scenarioVersions(SHAPE),
                        Duration.ofHours(24).toMillis())
                .standing(input.records());
        assertThat(spec).isNotEmpty();
        assertThat(ordered.anomalies.standing().stream()
                        .filter(a -> !SIGNALS.contains(a.substring(0, a.indexOf(' '))))
                        .toList())
                .containsExactlyInAnyOrderElementsOf(spec);
        assertThat(ordered.late).as("records late in event-time order").isZero();
        assertThat(grouped.late).as("records late when grouped by account").isPositive();
        assertThat(late.late).as("records late when delayed").isPositive();
        assertThat(grouped.anomalies.differencesFrom(ordered.anomalies)).isEmpty();
        assertThat(grouped.anomalies.revisions()).isLessThanOrEqualTo(ordered.anomalies.revisions() * 6 / 5);
        assertThat(late.anomalies.differencesFrom(ordered.anomalies)).isEmpty();
        for (Run r : List.of(ordered, grouped, late)) {
            assertThat(r.anomalies.allFinal()).isTrue();
            assertThat(r.anomalies.finalityReversals()).isEmpty();
            // Coalesced: however many records of one evaluation's hour arrive late, one revision each.
            assertThat(r.anomalies.mostRevisionsPerEvaluation()).isEqualTo(1);
        }
    }

    private record Run(FinalAnomalies anomalies, long late) {}

    private Run run(ArrivalScenario.Input input, Deliveries order) throws Exception {
        // One partition per topic: a file grouped by account is then read grouped by account.
        CleanSlate.reset(STACK.get(), 1);
        Path dir = Files.createDirectories(work.resolve(order.name()));
        List<MeterEvent> records = order.order(input.records(), 7L);
        Replay.InputFiles files = new Replay.InputFiles(
                Files.write(
                        dir.resolve("contracts.jsonl"),
                        input.contracts().stream().map(c -> c.json).toList()),
                Files.write(dir.resolve("usage.jsonl"), json(records, MeterEvent.Kind.USAGE)),
                Files.write(dir.resolve("reported.jsonl"), json(records, MeterEvent.Kind.REPORTED)),
                Files.write(dir.resolve("invoices.jsonl"), json(records, MeterEvent.Kind.INVOICE_LINE)));

        Configuration conf = new Configuration(STACK.get().connectorConfig());
        conf.set(ReconOptions.SOURCE_IDLE_TIMEOUT, Duration.ZERO);
        // Every record must arrive within the retention for the answer to be the same (spec v1.1).
        conf.setString("reconcile.state-retention", "90 d");
        conf.setString("reconcile.spike-min-records", "1");
        conf.set(io.reckon.connectors.kafka.KafkaOptions.TOPIC_PARTITIONS, 1);
        conf.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, Duration.ofMillis(2));
        ReconciliationJob.withObjectReuse(conf);
        Replay.produce(conf, files, LoadOptions.defaults().withOrder(InputOrder.FILE));
        // Every order tells the job the same end of the usage input: its third largest distinct time.
        long[] usageTimes = records.stream()
                .filter(r -> r.kind == MeterEvent.Kind.USAGE)
                .mapToLong(r -> r.eventTime)
                .distinct()
                .sorted()
                .toArray();
        assertThat(conf.get(io.reckon.jobs.ReconOptions.INPUT_END)).isEqualTo(usageTimes[usageTimes.length - 3]);

        Path checkpoints = Files.createTempDirectory(work, "checkpoints-");
        StreamExecutionEnvironment env = Replay.localEnvironment(conf, checkpoints);
        ReconciliationJob.defineWorkflow(
                env,
                ReconSettings.from(conf),
                ReconciliationJob.Watermarks.from(conf),
                ReconciliationWiring.kafkaInputs(
                        conf, true, (kind, d) -> new PacedDeserializer(d, Duration.ofNanos(200_000))),
                ReconciliationWiring.kafkaAndPostgresOutputs(conf));
        JobExecutionResult job = env.execute("arrival-order-" + order.name().toLowerCase());

        ConfluentAvroCodec codec = ConfluentAvroCodec.fromConfig(conf);
        List<AnomalyRecord> revisions = new ArrayList<>();
        try (TopicAdmin admin = TopicAdmin.connect(conf)) {
            for (ConsumerRecord<byte[], byte[]> r : admin.readAll(Topics.ANOMALIES, true)) {
                revisions.add(record(codec.decode(r.value(), Anomaly.class)));
            }
        }
        Map<String, Object> counts = job.getAllAccumulatorResults();
        long late = 0;
        for (String name : List.of("usage", "reported", "invoices")) {
            Object n = counts.get(name + ".late");
            late += n == null ? 0 : ((Number) n).longValue();
        }
        return new Run(new FinalAnomalies(revisions), late);
    }

    /**
     * Reads a record every 200 microseconds: the watermark, emitted every 2 ms, then follows each
     * input's reading closely, and the inputs, read at one pace, keep step with each other.
     */
    private static List<String> json(List<MeterEvent> records, MeterEvent.Kind kind) {
        return records.stream()
                .filter(e -> e.kind == kind)
                .map(MeterEventJson::of)
                .toList();
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
        r.eventTimeWatermark = a.getEventTimeWatermark().toEpochMilli();
        return r;
    }
}
