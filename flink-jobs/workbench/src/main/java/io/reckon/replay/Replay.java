package io.reckon.replay;

import io.reckon.avro.Anomaly;
import io.reckon.avro.DeadLetter;
import io.reckon.connectors.kafka.KafkaOptions;
import io.reckon.connectors.kafka.TopicAdmin;
import io.reckon.connectors.kafka.Topics;
import io.reckon.connectors.registry.ConfluentAvroCodec;
import io.reckon.jobs.ReconOptions;
import io.reckon.jobs.ReconciliationJob;
import io.reckon.jobs.ReconciliationWiring;
import io.reckon.jobs.reconcile.ReconSettings;
import io.reckon.jobs.sinks.OutputRecords;
import io.reckon.jobs.sources.InputKind;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays JSON Lines files through the production job graph: the files are produced into the Kafka
 * topics (Avro, Confluent wire format) of a running stack, each in event-time order unless {@link
 * LoadOptions} say file order, the reconciliation job runs with bounded Kafka sources on a local
 * cluster until the end of the input (the watermark then goes to the end of time and every period
 * closes), and the anomaly and dead-letter topics are read back with read_committed.
 *
 * <p>Why event-time order: the job's watermark follows the largest event time read, so a file
 * grouped by account (or in any other order) would make the records after the first account late.
 * Produced in event-time order, every partition of the usage, reported and invoice topics is in
 * event-time order (records keep their key, the account, so an account's records share a partition),
 * and the answer is the same whatever the order of the lines in the files. Contracts keep file order:
 * they carry no event time, and the job orders an account's versions itself.
 *
 * <pre>{@code
 * try (EmbeddedStack stack = EmbeddedStack.start(dir)) {
 *     Replay.Result r = Replay.run(stack.connectorConfig(), files, new Configuration());
 * }
 * }</pre>
 */
public final class Replay {

    /**
     * The four input files; any of them may be null (an empty input). CloudEvents usage has no file:
     * produce it to {@code recon.usage.cloudevents} before the run.
     */
    public record InputFiles(Path contracts, Path usage, Path reported, Path invoices) {
        Path of(InputKind kind) {
            return switch (kind) {
                case CONTRACTS -> contracts;
                case USAGE -> usage;
                case REPORTED -> reported;
                case INVOICES -> invoices;
                // CloudEvents are produced to their topic as they are; replay reads what is there.
                case USAGE_CLOUDEVENTS -> null;
            };
        }
    }

    public record Result(
            Map<InputKind, InputCounts> counts,
            List<Anomaly> anomalies,
            List<DeadLetter> deadLetters,
            Duration jobTime,
            JobExecutionResult job) {}

    /**
     * Work done after the files are produced and before the reconciliation job starts, given the run's
     * configuration: e.g. another job that writes an input topic (the demo's Stripe ingest).
     */
    @FunctionalInterface
    public interface BeforeJob {
        void run(Configuration conf) throws Exception;
    }

    private static final int LOAD_BATCH = 5_000;

    private static final Logger LOG = LoggerFactory.getLogger(Replay.class);

    private Replay() {}

    /**
     * @param connectors connector configuration of a running stack (Kafka, registry, JDBC)
     * @param overrides reconciliation options and Flink settings for this run
     */
    public static Result run(Configuration connectors, InputFiles files, Configuration overrides) throws Exception {
        return run(connectors, files, overrides, LoadOptions.defaults());
    }

    /**
     * @param connectors connector configuration of a running stack (Kafka, registry, JDBC)
     * @param overrides reconciliation options and Flink settings for this run
     * @param loading the order in which the files are produced, and the memory of the ordering
     */
    public static Result run(Configuration connectors, InputFiles files, Configuration overrides, LoadOptions loading)
            throws Exception {
        return run(connectors, files, overrides, loading, conf -> {});
    }

    /**
     * As {@link #run(Configuration, InputFiles, Configuration, LoadOptions)}, with {@code beforeJob} run
     * once the files are in their topics. An input without a file is counted from what the job read.
     */
    public static Result run(
            Configuration connectors,
            InputFiles files,
            Configuration overrides,
            LoadOptions loading,
            BeforeJob beforeJob)
            throws Exception {
        return run(connectors, files, overrides, loading, beforeJob, null);
    }

    /**
     * As {@link #run(Configuration, InputFiles, Configuration, LoadOptions, BeforeJob)}, and when {@code
     * forecasts} is not null every period-end forecast revision is written to it as a JSON line, ordered
     * by account, meter, period and as_of ({@code reckon replay --forecasts}).
     */
    public static Result run(
            Configuration connectors,
            InputFiles files,
            Configuration overrides,
            LoadOptions loading,
            BeforeJob beforeJob,
            Path forecasts)
            throws Exception {
        Configuration conf = options(connectors, overrides, loading);
        ConfluentAvroCodec codec = ConfluentAvroCodec.fromConfig(conf);
        Map<InputKind, long[]> loaded = produce(conf, files, loading);
        beforeJob.run(conf);

        Path checkpoints = loading.tempDirectory() == null
                ? Files.createTempDirectory("reckon-checkpoints-")
                : Files.createTempDirectory(loading.tempDirectory(), "reckon-checkpoints-");
        Path forecastParts = forecasts == null ? null : Files.createTempDirectory("reckon-forecasts-");
        StreamExecutionEnvironment env = localEnvironment(conf, checkpoints);
        ReconciliationJob.defineWorkflow(
                env,
                ReconSettings.from(conf),
                ReconciliationJob.Watermarks.from(conf),
                ReconciliationWiring.kafkaInputs(conf, true),
                withForecastLines(ReconciliationWiring.kafkaAndPostgresOutputs(conf), forecastParts));
        long started = System.nanoTime();
        JobExecutionResult job;
        try {
            job = env.execute("reckon-replay");
            if (forecastParts != null) {
                ForecastLines.merge(forecastParts, forecasts);
            }
        } finally {
            org.apache.commons.io.FileUtils.deleteQuietly(checkpoints.toFile());
            if (forecastParts != null) {
                org.apache.commons.io.FileUtils.deleteQuietly(forecastParts.toFile());
            }
        }
        Duration jobTime = Duration.ofNanos(System.nanoTime() - started);

        Map<String, Object> accumulators = job.getAllAccumulatorResults();
        Map<InputKind, InputCounts> counts = new EnumMap<>(InputKind.class);
        for (InputKind kind : InputKind.values()) {
            long[] l = loaded.get(kind);
            counts.put(kind, InputCounts.of(kind, files.of(kind) != null, l[0], l[1], accumulators));
        }

        List<Anomaly> anomalies = new ArrayList<>();
        List<DeadLetter> deadLetters = new ArrayList<>();
        try (TopicAdmin admin = TopicAdmin.connect(conf)) {
            for (ConsumerRecord<byte[], byte[]> r : admin.readAll(Topics.ANOMALIES, true)) {
                anomalies.add(codec.decode(r.value(), Anomaly.class));
            }
            for (ConsumerRecord<byte[], byte[]> r : admin.readAll(Topics.DLQ, true)) {
                deadLetters.add(codec.decode(r.value(), DeadLetter.class));
            }
            // What the job refused is reported as the line of the file it came from.
            deadLetters = new ArrayList<>(SourceLines.asFileLines(deadLetters, files, admin));
        }
        // Topic order interleaves partitions; a stable order makes runs comparable line by line.
        anomalies.sort(Comparator.comparing(Anomaly::getEventTimeWatermark)
                .thenComparing(Anomaly::getAccountId)
                .thenComparing(Anomaly::getMeter)
                .thenComparing(Anomaly::getType)
                .thenComparing(Anomaly::getPeriodStart)
                .thenComparing(Anomaly::getRevision));
        deadLetters.sort(Comparator.comparing(DeadLetter::getSource)
                .thenComparing(d -> d.getOffset() == null ? -1L : d.getOffset()));
        return new Result(counts, anomalies, deadLetters, jobTime, job);
    }

    /** The production outputs, and every forecast revision also to part files under {@code parts}. */
    private static ReconciliationJob.Outputs withForecastLines(ReconciliationJob.Outputs outputs, Path parts) {
        if (parts == null) {
            return outputs;
        }
        return new ReconciliationJob.Outputs(
                outputs.anomalies(), outputs.deadLetters(), outputs.hourlyRollups(), outputs.unmapped(), forecasts -> {
                    outputs.forecasts().accept(forecasts);
                    forecasts
                            .sinkTo(new ForecastLines(parts))
                            .name("forecast-lines")
                            .uid("forecast-lines");
                });
    }

    /**
     * Creates the topics and produces the files into them, as {@link #run} does before it starts the
     * job; for callers that run the job graph themselves (e.g. on a cluster they control). Sets {@code
     * reconcile.input-end} in {@code conf} to where the usage file reaches ({@link InputEnd}) unless
     * it is set already, so that the job built from {@code conf} judges usage signals up to the same
     * end on every subtask.
     *
     * @return per input, {lines read, lines dead-lettered by the loader}
     */
    public static Map<InputKind, long[]> produce(Configuration conf, InputFiles files) throws IOException {
        return produce(conf, files, LoadOptions.defaults());
    }

    /**
     * The options of a replay's job: {@code connectors}, then the replay's own, then {@code overrides}.
     */
    static Configuration options(Configuration connectors, Configuration overrides, LoadOptions loading) {
        Configuration conf = new Configuration(connectors);
        // Bounded input: no source is ever idle, it finishes; idleness would only add nondeterminism.
        conf.set(ReconOptions.SOURCE_IDLE_TIMEOUT, Duration.ZERO);
        // In file order a file is read far faster than its event time passes, most often whole within one
        // periodic watermark: event time must move while it is read for its late records to be late.
        conf.set(ReconOptions.WATERMARK_EACH_HOUR, loading.order() == InputOrder.FILE);
        conf.addAll(overrides);
        // A replay reads the topics it has just filled, from their start to their end, whatever the
        // options of a live job say (kafka.bounded is fixed the same way: the inputs are bounded).
        conf.set(KafkaOptions.STARTING_OFFSETS, "earliest");
        // Not in jobConfiguration: ActionReplay shares it, and the action job is not audited for reuse.
        ReconciliationJob.withObjectReuse(conf);
        return conf;
    }

    /** As {@link #produce(Configuration, InputFiles)}, in the order {@code loading} asks for. */
    public static Map<InputKind, long[]> produce(Configuration conf, InputFiles files, LoadOptions loading)
            throws IOException {
        ConfluentAvroCodec codec = ConfluentAvroCodec.fromConfig(conf);
        Map<InputKind, long[]> loaded = new EnumMap<>(InputKind.class);
        try (TopicAdmin admin = TopicAdmin.connect(conf)) {
            admin.ensureTopics(conf.get(KafkaOptions.TOPIC_PARTITIONS));
            for (InputKind kind : InputKind.values()) {
                Path file = files.of(kind);
                if (file == null) {
                    loaded.put(kind, new long[] {0, 0});
                    continue;
                }
                InputLoader.Result r =
                        load(admin, codec, loading, kind, file, InputEnd.of(conf, System.currentTimeMillis()));
                loaded.put(kind, new long[] {r.lines(), r.deadLettered()});
                if (kind == InputKind.USAGE
                        && r.end() != io.reckon.jobs.sources.CorroboratedTime.NONE
                        && !conf.contains(ReconOptions.INPUT_END)) {
                    conf.set(ReconOptions.INPUT_END, r.end());
                }
            }
        }
        return loaded;
    }

    /**
     * A local cluster with exactly-once checkpoints on the local file system and no Kryo fallback.
     * Checkpoints go to files, not to the JobManager's memory, whose 5 MB cap a realistic replay
     * exceeds. A bounded run gets a bounded restart strategy, so a real failure ends the replay with
     * its cause instead of restarting forever.
     */
    static StreamExecutionEnvironment localEnvironment(Configuration conf, Path checkpoints) {
        Configuration flink = jobConfiguration(conf, checkpoints);
        int parallelism = conf.getOptional(CoreOptions.DEFAULT_PARALLELISM).orElse(2);
        return StreamExecutionEnvironment.createLocalEnvironment(parallelism, flink);
    }

    /**
     * The Flink settings of a replay on top of {@code conf}: exactly-once checkpoints to files under
     * {@code checkpoints}, no Kryo fallback, and (unless {@code conf} sets one) a bounded restart
     * strategy. Public for callers that run the job on a cluster they control.
     */
    public static Configuration jobConfiguration(Configuration conf, Path checkpoints) {
        Configuration flink = new Configuration(conf);
        flink.set(PipelineOptions.GENERIC_TYPES, false);
        if (!flink.contains(CheckpointingOptions.CHECKPOINTING_INTERVAL)) {
            // Exactly-once sinks commit on checkpoints; a bounded job also commits on its final one.
            flink.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(2));
        }
        flink.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        flink.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        flink.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        if (!flink.contains(RestartStrategyOptions.RESTART_STRATEGY)) {
            flink.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
            flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
        }
        return flink;
    }

    /** Produces one file into its topic, in batches of {@value #LOAD_BATCH} records. */
    private static InputLoader.Result load(
            TopicAdmin admin, ConfluentAvroCodec codec, LoadOptions loading, InputKind kind, Path file, InputEnd end)
            throws IOException {
        List<ProducerRecord<byte[], byte[]>> batch = new ArrayList<>(LOAD_BATCH);
        InputLoader loader = new InputLoader(
                codec,
                loading,
                record -> {
                    batch.add(record);
                    if (batch.size() >= LOAD_BATCH) {
                        admin.produceAll(batch);
                        batch.clear();
                    }
                },
                end);
        InputLoader.Result r = loader.load(kind, file);
        admin.produceAll(batch);
        LOG.info(
                "{}: {} lines, {} dead-lettered by the loader, {} in {} s",
                file.getFileName(),
                r.lines(),
                r.deadLettered(),
                InputLoader.ordersByEventTime(loading, kind)
                        ? String.format(
                                "%d records ordered by event time (%d sorted runs, %.1f s)",
                                r.ordered(), r.runs(), r.sortTime().toMillis() / 1000.0)
                        : "produced in file order",
                String.format("%.1f", r.time().toMillis() / 1000.0));
        return r;
    }

    public static void writeAnomalies(List<Anomaly> anomalies, Path out) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (Anomaly a : anomalies) {
                w.write(OutputRecords.toJson(a));
                w.newLine();
            }
        }
    }

    public static void writeDeadLetters(List<DeadLetter> deadLetters, Path out) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (DeadLetter d : deadLetters) {
                w.write(OutputRecords.toJson(d));
                w.newLine();
            }
        }
    }

    /** The per-input summary a person reads after a replay. */
    public static String summary(Result r) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(
                "%-18s %10s %10s %14s %11s %9s %7s%n",
                "input", "read", "valid", "dead-lettered", "duplicates", "unmapped", "late"));
        for (InputCounts c : r.counts().values()) {
            s.append(String.format(
                    "%-18s %10d %10d %14d %11d %9d %7d%n",
                    c.input().label(), c.read(), c.valid(), c.deadLettered(), c.duplicates(), c.unmapped(), c.late()));
        }
        return s.toString();
    }
}
