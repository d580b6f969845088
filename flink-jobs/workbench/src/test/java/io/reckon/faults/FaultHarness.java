package io.reckon.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reckon.avro.Anomaly;
import io.reckon.avro.DeadLetter;
import io.reckon.connectors.embedded.EmbeddedStack;
import io.reckon.connectors.kafka.KafkaOptions;
import io.reckon.connectors.kafka.Topics;
import io.reckon.connectors.registry.ConfluentAvroCodec;
import io.reckon.demo.DemoWorkload;
import io.reckon.jobs.ReconOptions;
import io.reckon.jobs.ReconciliationJob;
import io.reckon.jobs.ReconciliationWiring;
import io.reckon.jobs.reconcile.ReconSettings;
import io.reckon.jobs.records.AnomalyRecord;
import io.reckon.jobs.sinks.OutputRecords;
import io.reckon.jobs.testing.SinkRows;
import io.reckon.replay.Replay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.checkpoint.CheckpointStatsStatus;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * One embedded stack (real KRaft broker, real PostgreSQL) with a generated workload already produced
 * into the input topics, and runs of the production job graph over it on a MiniCluster this class
 * controls (task managers to kill, checkpoints to watch, savepoints to take).
 *
 * <p>Runs share the input topics but not their progress: each run has its own consumer group and
 * transactional id prefix, reads the outputs it wrote from the end offsets seen before it started,
 * and starts on emptied sink tables.
 */
final class FaultHarness implements AutoCloseable {

    /** Processing-time columns: they record when a row was written, so two runs never agree on them. */
    private static final List<String> WALL_CLOCK_COLUMNS = List.of("detected_at", "updated_at");

    private static final ObjectMapper JSON = new ObjectMapper();

    final EmbeddedStack stack;
    final long usageRecords;

    private FaultHarness(EmbeddedStack stack, long usageRecords) {
        this.stack = stack;
        this.usageRecords = usageRecords;
    }

    /**
     * A workload without records later than the out-of-orderness bound: late and after-final records
     * are judged against the processing-order watermark, which a restart legitimately changes, so
     * they would make two correct runs differ. Everything else (duplicates, disorder, every leak type)
     * is in.
     */
    static DemoWorkload.Options workload(int accounts, int months) {
        return new DemoWorkload.Options(
                7L,
                accounts,
                List.of("api_calls", "storage_gb", "seats"),
                YearMonth.of(2026, 1),
                months,
                Math.max(1, accounts / 6),
                10,
                Duration.ofMinutes(3),
                0,
                0);
    }

    static FaultHarness start(Path work, DemoWorkload.Options options) throws Exception {
        EmbeddedStack stack = EmbeddedStack.start(work.resolve("stack"));
        try {
            DemoWorkload workload = DemoWorkload.generate(options);
            Path files = work.resolve("input");
            workload.writeTo(files);
            Map<io.reckon.jobs.sources.InputKind, long[]> loaded = Replay.produce(
                    stack.connectorConfig(),
                    new Replay.InputFiles(
                            files.resolve(DemoWorkload.CONTRACTS_FILE),
                            files.resolve(DemoWorkload.USAGE_FILE),
                            files.resolve(DemoWorkload.REPORTED_FILE),
                            files.resolve(DemoWorkload.INVOICES_FILE)));
            return new FaultHarness(stack, loaded.get(io.reckon.jobs.sources.InputKind.USAGE)[0]);
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    @Override
    public void close() {
        stack.close();
    }

    // ---------------------------------------------------------------------------------------------
    // Runs

    /** What a run does besides running the job to the end of its input. */
    static final class RunSpec {
        final String name;
        int taskManagers = 1;
        int slotsPerTaskManager = 2;
        Duration checkpointInterval = Duration.ofMillis(500);
        InjectedFailures.Plan plan;
        /** Runs on its own thread once the job is running; may kill task managers, stop services. */
        Action during;
        /** Extra job-graph changes for the upgrade test (an added branch). */
        Consumer<DataStream<AnomalyRecord>> extraAnomalyBranch;
        /** Extra consumers of the rollups and unmapped usage (a copy into a committed test topic). */
        Consumer<DataStream<io.reckon.jobs.records.HourlyRollup>> extraRollupBranch;

        Consumer<DataStream<io.reckon.jobs.records.UnmappedUsage>> extraUnmappedBranch;

        String restoreFrom;
        /** Keep the outputs of the previous run (a run restored from its savepoint continues them). */
        boolean continuesPrevious;

        UnaryOperator<Configuration> tweak = c -> c;
        /** How long the job may take before the run is abandoned. */
        Duration timeout = Duration.ofMinutes(3);

        RunSpec(String name) {
            this.name = name;
        }
    }

    /** What a run does to the job while it runs. */
    @FunctionalInterface
    interface Action {
        void accept(Running running) throws Exception;

        /**
         * Kills a task manager {@code kills} times, each after {@code checkpointsBetween} completed
         * checkpoints, and starts a new one at once, as Kubernetes would replace a lost pod.
         */
        static Action killTaskManagers(int kills, int checkpointsBetween, Duration checkpointWait) {
            return running -> {
                for (int kill = 0; kill < kills && !running.finished(); kill++) {
                    running.awaitCompletedCheckpoints(checkpointsBetween, checkpointWait);
                    if (running.finished()) {
                        break;
                    }
                    running.monitor().failureAt(System.currentTimeMillis());
                    running.cluster().terminateTaskManager(kill).get();
                    running.cluster().startTaskManager();
                }
            };
        }
    }

    /** A job running on its MiniCluster, as the {@code during} action sees it. */
    record Running(MiniCluster cluster, JobID job, RunMonitor monitor) {

        /**
         * Waits for {@code count} checkpoints that complete from now on, by their completion time: the
         * monitor polls, so a checkpoint completed before a kill can be registered after it, and counting
         * registrations would let the next kill land before the job recovered from the last one.
         */
        void awaitCompletedCheckpoints(int count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            long from = System.currentTimeMillis();
            while (completedSince(from) < count && System.nanoTime() < deadline && !finished()) {
                Thread.sleep(50);
            }
        }

        private long completedSince(long from) {
            return monitor.completedCheckpoints().values().stream()
                    .filter(t -> t > from)
                    .count();
        }

        boolean finished() {
            return monitor.finished;
        }
    }

    /** Figures of one run. */
    record RunReport(
            String name,
            JobResult result,
            Duration jobTime,
            int restarts,
            List<Long> failureMillis,
            List<Duration> recoveries,
            List<Duration> afterServiceBack,
            int completedCheckpoints,
            long usageRecordsRead,
            String savepoint) {

        Duration maxRecovery() {
            return recoveries.stream().max(Duration::compareTo).orElse(Duration.ZERO);
        }

        String summary() {
            return String.format(
                    "%s: job %d ms, restarts %d, failures %d, recoveries %s ms, after service back %s ms,"
                            + " checkpoints %d, usage records read %d",
                    name,
                    jobTime.toMillis(),
                    restarts,
                    failureMillis.size(),
                    recoveries.stream().map(Duration::toMillis).toList(),
                    afterServiceBack.stream().map(Duration::toMillis).toList(),
                    completedCheckpoints,
                    usageRecordsRead);
        }
    }

    /** Where each output topic ended before a run, so the run's own records can be read back. */
    private Map<TopicPartition, Long> outputStart = Map.of();

    /**
     * Empties the sink tables and reads outputs from the topics' current ends on: for a run started outside
     * {@link #run}, on a cluster of its own.
     */
    void resetOutputs() throws Exception {
        truncateTables();
        outputStart = endOffsets();
    }

    Configuration jobConfig(String runName) {
        Configuration conf = stack.connectorConfig();
        conf.set(KafkaOptions.GROUP_ID, "faults-" + runName);
        conf.set(KafkaOptions.TRANSACTIONAL_ID_PREFIX, "faults-" + runName);
        conf.set(KafkaOptions.STARTING_OFFSETS, KafkaOptions.StartingOffsets.EARLIEST.value());
        conf.set(ReconOptions.SOURCE_IDLE_TIMEOUT, Duration.ZERO);
        return conf;
    }

    RunReport run(RunSpec spec) throws Exception {
        if (!spec.continuesPrevious) {
            truncateTables();
            outputStart = endOffsets();
        }
        Path checkpoints = Files.createTempDirectory("faults-checkpoints-");
        Configuration conf = spec.tweak.apply(jobConfig(spec.name));
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, spec.checkpointInterval);
        conf.set(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS, Duration.ZERO);
        if (!conf.contains(RestartStrategyOptions.RESTART_STRATEGY)) {
            conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 50);
            conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        }
        if (spec.restoreFrom != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, spec.restoreFrom);
        }
        Configuration flink = Replay.jobConfiguration(conf, checkpoints);

        Configuration clusterConf = new Configuration();
        clusterConf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, org.apache.flink.configuration.MemorySize.parse("64m"));
        // Any free port: Flink's default 8081 may be held by another build or cluster on the machine.
        clusterConf.set(RestOptions.BIND_PORT, "0");
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(clusterConf)
                .setNumTaskManagers(spec.taskManagers)
                .setNumSlotsPerTaskManager(spec.slotsPerTaskManager)
                .build());
        cluster.start();
        try {
            TestStreamEnvironment env = new TestStreamEnvironment(cluster, flink, 2, List.of(), List.of());
            ReconciliationJob.Outputs production = ReconciliationWiring.kafkaAndPostgresOutputs(flink);
            ReconciliationJob.Outputs outputs = new ReconciliationJob.Outputs(
                    anomalies -> {
                        production.anomalies().accept(anomalies);
                        if (spec.extraAnomalyBranch != null) {
                            spec.extraAnomalyBranch.accept(anomalies);
                        }
                    },
                    production.deadLetters(),
                    rollups -> {
                        production.hourlyRollups().accept(rollups);
                        if (spec.extraRollupBranch != null) {
                            spec.extraRollupBranch.accept(rollups);
                        }
                    },
                    unmapped -> {
                        production.unmapped().accept(unmapped);
                        if (spec.extraUnmappedBranch != null) {
                            spec.extraUnmappedBranch.accept(unmapped);
                        }
                    });
            ReconciliationJob.defineWorkflow(
                    env,
                    ReconSettings.from(flink),
                    ReconciliationJob.Watermarks.from(flink),
                    spec.plan == null
                            ? ReconciliationWiring.kafkaInputs(flink, true)
                            : ReconciliationWiring.kafkaInputs(flink, true, InjectedFailures.decorator(spec.plan.id)),
                    outputs);
            long started = System.nanoTime();
            JobClient client = env.executeAsync("faults-" + spec.name);
            RunMonitor monitor = new RunMonitor(cluster, client.getJobID(), spec.plan);
            monitor.start();
            Thread action = null;
            List<Throwable> actionErrors = new CopyOnWriteArrayList<>();
            if (spec.during != null) {
                Running running = new Running(cluster, client.getJobID(), monitor);
                action = new Thread(
                        () -> {
                            try {
                                spec.during.accept(running);
                            } catch (Throwable t) {
                                actionErrors.add(t);
                            }
                        },
                        "fault-action");
                action.start();
            }
            JobResult result =
                    cluster.requestJobResult(client.getJobID()).get(spec.timeout.toMillis(), TimeUnit.MILLISECONDS);
            Duration jobTime = Duration.ofNanos(System.nanoTime() - started);
            monitor.finish();
            if (action != null) {
                action.join(TimeUnit.MINUTES.toMillis(2));
            }
            assertThat(actionErrors).as("errors of the fault action").isEmpty();
            List<Long> failures = new ArrayList<>(monitor.failureMillis);
            if (spec.plan != null) {
                failures.addAll(spec.plan.failedAtMillis);
            }
            Collections.sort(failures);
            return new RunReport(
                    spec.name,
                    result,
                    jobTime,
                    monitor.restarts,
                    failures,
                    monitor.recoveries(failures),
                    monitor.recoveries(monitor.serviceBackMillis),
                    monitor.completedCheckpoints().size(),
                    spec.plan == null ? -1 : spec.plan.records.get(),
                    monitor.savepoint);
        } finally {
            cluster.close();
            org.apache.commons.io.FileUtils.deleteQuietly(checkpoints.toFile());
        }
    }

    /**
     * Polls the job's execution graph: status changes (a restart passes through RESTARTING, which the
     * fixed delay keeps visible for at least 200 ms) and completed checkpoints with their completion
     * times, from which recovery times are computed.
     */
    static final class RunMonitor extends Thread {
        private final MiniCluster cluster;
        private final JobID job;
        private final InjectedFailures.Plan plan;
        private final ConcurrentSkipListMap<Long, Long> completed = new ConcurrentSkipListMap<>();
        final List<Long> failureMillis = new CopyOnWriteArrayList<>();
        final List<Long> serviceBackMillis = new CopyOnWriteArrayList<>();
        volatile int restarts;
        volatile boolean finished;
        volatile String savepoint;

        RunMonitor(MiniCluster cluster, JobID job, InjectedFailures.Plan plan) {
            super("fault-run-monitor");
            setDaemon(true);
            this.cluster = cluster;
            this.job = job;
            this.plan = plan;
        }

        /** Checkpoint id to the time its last acknowledgement arrived (epoch ms). */
        Map<Long, Long> completedCheckpoints() {
            return completed;
        }

        /** Records an externally caused failure (a killed task manager, a stopped service). */
        void failureAt(long epochMillis) {
            failureMillis.add(epochMillis);
        }

        /** Records when a stopped service (broker, database) answered again. */
        void serviceBackAt(long epochMillis) {
            serviceBackMillis.add(epochMillis);
        }

        @Override
        public void run() {
            JobStatus last = null;
            while (!finished) {
                try {
                    AccessExecutionGraph graph = cluster.getExecutionGraph(job).get(5, TimeUnit.SECONDS);
                    JobStatus status = graph.getState();
                    if (status == JobStatus.RESTARTING && last != JobStatus.RESTARTING) {
                        restarts++;
                    }
                    // A restart shorter than the poll interval is not seen as a state; the tasks' attempt
                    // numbers keep count of it (every task of the job's one region restarts each time).
                    restarts = Math.max(restarts, highestAttempt(graph));
                    last = status;
                    var snapshot = graph.getCheckpointStatsSnapshot();
                    if (snapshot != null) {
                        for (AbstractCheckpointStats c : snapshot.getHistory().getCheckpoints()) {
                            if (c.getStatus() == CheckpointStatsStatus.COMPLETED
                                    && completed.putIfAbsent(c.getCheckpointId(), c.getLatestAckTimestamp()) == null
                                    && plan != null
                                    && c.getLatestAckTimestamp() > plan.lastFailureMillis()) {
                                plan.arm();
                            }
                        }
                    }
                    if (status.isGloballyTerminalState()) {
                        return;
                    }
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception jobGoneOrNotYetThere) {
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }

        private static int highestAttempt(AccessExecutionGraph graph) {
            int highest = 0;
            for (var vertex : graph.getAllExecutionVertices()) {
                highest = Math.max(highest, vertex.getCurrentExecutionAttempt().getAttemptNumber());
            }
            return highest;
        }

        void finish() throws InterruptedException {
            finished = true;
            join(10_000);
        }

        /** For each failure, the time until the first checkpoint that completed after it. */
        List<Duration> recoveries(List<Long> failures) {
            List<Duration> out = new ArrayList<>();
            for (long f : failures) {
                completed.values().stream()
                        .filter(t -> t > f)
                        .min(Long::compare)
                        .ifPresent(t -> out.add(Duration.ofMillis(t - f)));
            }
            return out;
        }
    }

    /**
     * Waits until the consumer group has committed (which the sources do on completed checkpoints) the
     * end offset of every input partition.
     */
    void awaitInputsConsumed(String groupId, Duration timeout) throws Exception {
        List<String> inputs =
                List.of(Topics.USAGE, Topics.USAGE_CLOUDEVENTS, Topics.REPORTED, Topics.INVOICES, Topics.CONTRACTS);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                        Map.of("bootstrap.servers", stack.bootstrapServers()));
                KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : inputs) {
                consumer.partitionsFor(topic, Duration.ofSeconds(30))
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            while (System.nanoTime() < deadline) {
                Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(groupId)
                                .partitionsToOffsetAndMetadata()
                                .get(10, TimeUnit.SECONDS);
                boolean done = partitions.stream()
                        .allMatch(tp -> end.get(tp) == 0
                                || (committed.get(tp) != null
                                        && committed.get(tp).offset() >= end.get(tp)));
                if (done) {
                    return;
                }
                Thread.sleep(200);
            }
            throw new IllegalStateException("group " + groupId + " did not consume its inputs within " + timeout);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Outputs

    /** Everything a run wrote, in comparable form. */
    record Outputs(
            Map<String, Integer> anomalyRevisionCounts,
            List<String> anomalies,
            List<String> deadLetters,
            Map<String, List<String>> tables) {

        long revisions() {
            return anomalyRevisionCounts.values().stream()
                    .mapToLong(Integer::longValue)
                    .sum();
        }

        long finalAnomalies() {
            return anomalies.stream().filter(a -> a.contains("\"final\":true")).count();
        }
    }

    /**
     * The anomalies and dead letters the last run(s) wrote, read with read_committed, and the four
     * sink tables. Processing-time fields (detected_at, updated_at) are dropped; everything else,
     * figures and explanations included, is compared.
     */
    Outputs outputs() throws Exception {
        Configuration conf = stack.connectorConfig();
        ConfluentAvroCodec codec = ConfluentAvroCodec.fromConfig(conf);
        Map<String, Integer> counts = new TreeMap<>();
        List<String> anomalies = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readCommitted(Topics.ANOMALIES)) {
            Anomaly a = codec.decode(r.value(), Anomaly.class);
            counts.merge(a.getAnomalyId() + "#" + a.getRevision(), 1, Integer::sum);
            ObjectNode n = (ObjectNode) JSON.readTree(OutputRecords.toJson(a));
            n.remove("detected_at");
            anomalies.add(n.toString());
        }
        Collections.sort(anomalies);
        List<String> deadLetters = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : readCommitted(Topics.DLQ)) {
            DeadLetter d = codec.decode(r.value(), DeadLetter.class);
            deadLetters.add(d.getSource() + "/" + d.getPartition() + "/" + d.getOffset() + ": " + d.getReason());
        }
        Collections.sort(deadLetters);
        Map<String, List<String>> tables = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUsername(), stack.jdbcPassword());
                Statement s = c.createStatement()) {
            for (String table : SinkRows.TABLES) {
                tables.put(table, SinkRows.of(s, table, WALL_CLOCK_COLUMNS));
            }
        }
        return new Outputs(counts, anomalies, deadLetters, tables);
    }

    private void truncateTables() throws Exception {
        try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUsername(), stack.jdbcPassword());
                Statement s = c.createStatement()) {
            SinkRows.truncate(s);
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties p = new Properties();
        p.put("bootstrap.servers", stack.bootstrapServers());
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(p);
    }

    private Map<TopicPartition, Long> endOffsets() {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(Topics.ANOMALIES, Topics.DLQ)) {
                consumer.partitionsFor(topic, Duration.ofSeconds(30))
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            return new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(30)));
        }
    }

    /**
     * The committed records of {@code topic} from where it ended before the run. With read_committed
     * the end offset is the last stable offset: a transaction left open by a failed run would hold it
     * back, and the comparison would then miss records and fail.
     */
    private List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            for (TopicPartition tp : partitions) {
                consumer.seek(tp, outputStart.getOrDefault(tp, 0L));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
