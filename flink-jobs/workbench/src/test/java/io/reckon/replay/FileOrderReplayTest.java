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
import io.reckon.jobs.sources.InputKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reckon replay --order file} on a file small enough to be read whole before any periodic
 * watermark: event time still moves while it is read, so a March record after April's records comes
 * after March was final, is counted late and gives March's anomaly an {@code updated} revision, as it
 * would in a live job. The periodic watermark is an hour of wall-clock time apart, so only the replay's
 * watermark at each event-time hour can move event time during the read. The late March record is held
 * back until March's final anomaly was emitted, or for a bounded time: with the hourly watermark March
 * becomes final while it waits, on a machine of any speed; without it March cannot, and the same file
 * is read with nothing late.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FileOrderReplayTest {

    private static final String CONTRACT = "{\"account_id\":\"acct_f\",\"version\":1,"
            + "\"effective_from\":\"2026-01-01T00:00:00Z\",\"currency\":\"usd\",\"meters\":[{\"meter\":\"api_calls\","
            + "\"pricing\":{\"model\":\"per_unit\",\"unit_amount_decimal\":\"1\"}}]}";

    /** March: 300 used, 200 reported; then April; then one more March record, 50, never reported. */
    private static final List<String> USAGE = List.of(
            usage("u-1", "2026-03-02T10:00:00Z", "100"),
            usage("u-2", "2026-03-03T10:00:00Z", "100"),
            usage("u-3", "2026-03-04T10:00:00Z", "100"),
            usage("u-4", "2026-04-02T10:00:00Z", "10"),
            usage("u-5", "2026-04-03T10:00:00Z", "10"),
            usage("u-6", "2026-04-04T10:00:00Z", "10"),
            usage("u-late", "2026-03-20T10:00:00Z", "50"));

    private static final List<String> REPORTED = List.of(
            reported("r-1", "2026-03-02T10:00:00Z", "100"),
            reported("r-2", "2026-03-03T10:00:00Z", "100"),
            reported("r-4", "2026-04-02T10:00:00Z", "10"),
            reported("r-5", "2026-04-03T10:00:00Z", "10"),
            reported("r-6", "2026-04-04T10:00:00Z", "10"));

    private static final Instant MARCH = Instant.parse("2026-03-01T00:00:00Z");

    @TempDir
    static Path work;

    @RegisterExtension
    static final SharedStack STACK = new SharedStack();

    @Test
    void aRecordAfterItsPeriodWasFinalIsLateAndRevisesTheFinalAnomaly() throws Exception {
        Run run = run("file-order", new Configuration(), Duration.ofMinutes(2));

        assertThat(run.gateOpened)
                .as("March final while its late record was held")
                .isTrue();
        assertThat(run.late).isEqualTo(1);
        List<Anomaly> march = run.underReportedInMarch();
        // March was final with what had come (300 against 200), then the late record revised it.
        assertThat(march).anySatisfy(a -> {
            assertThat(a.getFinal$()).isTrue();
            assertThat(a.getActualQuantity()).isEqualByComparingTo("300");
            assertThat(a.getAmountMinor()).isEqualTo(100);
        });
        Anomaly last = march.get(march.size() - 1);
        assertThat(last.getStatus()).isEqualTo("updated");
        assertThat(last.getFinal$()).isTrue();
        assertThat(last.getActualQuantity()).isEqualByComparingTo("350");
        assertThat(last.getAmountMinor()).isEqualTo(150);
    }

    @Test
    void withoutTheHourlyWatermarkTheSameFileHasNothingLateAndTheSameAnswer() throws Exception {
        Configuration periodicOnly = new Configuration();
        periodicOnly.set(ReconOptions.WATERMARK_EACH_HOUR, false);
        Run run = run("periodic-only", periodicOnly, Duration.ofSeconds(2));

        assertThat(run.gateOpened)
                .as("March final while its late record was held")
                .isFalse();
        assertThat(run.late).isZero();
        List<Anomaly> march = run.underReportedInMarch();
        // Every record was read before event time moved: March's hours were judged with all of them, and
        // its first final revision already holds the March record that came last.
        assertThat(march.stream().filter(Anomaly::getFinal$)).hasSize(1);
        Anomaly last = march.get(march.size() - 1);
        assertThat(last.getFinal$()).isTrue();
        assertThat(last.getActualQuantity()).isEqualByComparingTo("350");
        assertThat(last.getAmountMinor()).isEqualTo(150);
    }

    private record Run(List<Anomaly> revisions, long late, boolean gateOpened) {
        List<Anomaly> underReportedInMarch() {
            List<Anomaly> march = revisions.stream()
                    .filter(a -> a.getType().equals("UNDER_REPORTED_USAGE"))
                    .filter(a -> a.getPeriodStart().equals(MARCH))
                    .toList();
            assertThat(march).isNotEmpty();
            return march;
        }
    }

    private Run run(String name, Configuration overrides, Duration holdAtMost) throws Exception {
        CleanSlate.reset(STACK.get(), 1);
        Path dir = Files.createDirectories(work.resolve(name));
        Replay.InputFiles files = new Replay.InputFiles(
                Files.write(dir.resolve("contracts.jsonl"), List.of(CONTRACT)),
                Files.write(dir.resolve("usage.jsonl"), USAGE),
                Files.write(dir.resolve("reported.jsonl"), REPORTED),
                null);
        LoadOptions loading = LoadOptions.defaults().withOrder(InputOrder.FILE);
        // No periodic watermark while the input is read: only the one at each event-time hour can move.
        overrides.set(PipelineOptions.AUTO_WATERMARK_INTERVAL, Duration.ofHours(1));
        Configuration conf = Replay.options(STACK.get().connectorConfig(), overrides, loading);
        Replay.produce(conf, files, loading);

        StreamExecutionEnvironment env = Replay.localEnvironment(conf, Files.createTempDirectory(work, "checkpoints-"));
        PeriodFinalGate marchFinal = new PeriodFinalGate();
        ReconciliationJob.Outputs outputs = ReconciliationWiring.kafkaAndPostgresOutputs(conf);
        ReconciliationJob.defineWorkflow(
                env,
                ReconSettings.from(conf),
                ReconciliationJob.Watermarks.from(conf),
                ReconciliationWiring.kafkaInputs(
                        conf,
                        true,
                        (kind, d) -> kind == InputKind.USAGE
                                ? new HeldRecordDeserializer(d, "u-late", marchFinal.name(), holdAtMost)
                                : d),
                new ReconciliationJob.Outputs(
                        anomalies -> {
                            outputs.anomalies().accept(anomalies);
                            anomalies
                                    .filter(marchFinal.opener("UNDER_REPORTED_USAGE", MARCH.toEpochMilli()))
                                    .sinkTo(new DiscardingSink<>());
                        },
                        outputs.deadLetters(),
                        outputs.hourlyRollups(),
                        outputs.unmapped(),
                        outputs.forecasts()));
        JobExecutionResult job = env.execute("file-order-" + name);

        ConfluentAvroCodec codec = ConfluentAvroCodec.fromConfig(conf);
        List<Anomaly> revisions = new ArrayList<>();
        try (TopicAdmin admin = TopicAdmin.connect(conf)) {
            for (ConsumerRecord<byte[], byte[]> r : admin.readAll(Topics.ANOMALIES, true)) {
                revisions.add(codec.decode(r.value(), Anomaly.class));
            }
        }
        Object late = job.getAllAccumulatorResults().get("usage.late");
        return new Run(revisions, late == null ? 0 : ((Number) late).longValue(), marchFinal.heldUntilOpen());
    }

    private static String usage(String id, String time, String quantity) {
        return "{\"event_id\":\"" + id + "\",\"account_id\":\"acct_f\",\"meter\":\"api_calls\",\"event_time\":\"" + time
                + "\",\"quantity\":\"" + quantity + "\"}";
    }

    private static String reported(String id, String time, String quantity) {
        return "{\"report_id\":\"" + id + "\",\"account_id\":\"acct_f\",\"meter\":\"api_calls\",\"event_time\":\""
                + time + "\",\"quantity\":\"" + quantity + "\"}";
    }
}
