package io.reckon.replay;

import io.reckon.connectors.kafka.KafkaOptions;
import io.reckon.connectors.kafka.TopicAdmin;
import io.reckon.jobs.ReconciliationJob;
import io.reckon.jobs.ReconciliationWiring;
import io.reckon.jobs.reconcile.ReconSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** A running unbounded job on a local cluster, and where its metrics are served. */
public record LiveJob(JobClient client, int metricsPort, Path checkpoints) implements AutoCloseable {

    /** Prometheus reporter options of the live job; the Helm chart sets the same for the cluster. */
    public static final String PROMETHEUS_FACTORY_KEY = "metrics.reporter.prom.factory.class";

    public static final String PROMETHEUS_PORT_KEY = "metrics.reporter.prom.port";

    public static final String PROMETHEUS_PORTS = "9249-9260";

    public String metricsUrl() {
        return "http://localhost:" + metricsPort + "/metrics";
    }

    /** Cancels the job and removes its checkpoints. */
    @Override
    public void close() throws Exception {
        try {
            client.cancel().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            org.apache.commons.io.FileUtils.deleteQuietly(checkpoints.toFile());
        }
    }

    /**
     * Starts the production job graph with unbounded Kafka sources on a local cluster that serves its
     * metrics to Prometheus, and returns once the metrics endpoint shows the job. The consumer group
     * is {@code reckon-live} starting at the latest offsets, so records a replay already reconciled
     * are not reconciled (and their anomalies emitted) a second time; only records produced from now
     * on are read. Contracts are the exception: {@code recon.contracts} is a table, read from the
     * earliest offset, so the live job knows every contract written before it started.
     *
     * <pre>{@code
     * try (LiveJob live = LiveJob.start(stack.connectorConfig())) {
     *     System.out.println(live.metricsUrl());
     * }
     * }</pre>
     *
     * @param connectors connector configuration of a running stack, plus any options for the job;
     *     {@code metrics.reporter.prom.port} may name a port or range (default 9249-9260)
     */
    public static LiveJob start(Configuration connectors) throws Exception {
        Configuration conf = new Configuration(connectors);
        conf.set(KafkaOptions.GROUP_ID, "reckon-live");
        conf.set(KafkaOptions.STARTING_OFFSETS, KafkaOptions.StartingOffsets.LATEST.value());
        // The bounded replay's sinks have finished; distinct transactional ids still keep the two
        // jobs' producers apart should both ever run at once.
        conf.set(KafkaOptions.TRANSACTIONAL_ID_PREFIX, "reckon-live");
        conf.setString(PROMETHEUS_FACTORY_KEY, "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        if (!conf.containsKey(PROMETHEUS_PORT_KEY)) {
            conf.setString(PROMETHEUS_PORT_KEY, PROMETHEUS_PORTS);
        }
        try (TopicAdmin admin = TopicAdmin.connect(conf)) {
            admin.ensureTopics(conf.get(KafkaOptions.TOPIC_PARTITIONS));
        }
        ReconciliationJob.withObjectReuse(conf);
        Path checkpoints = Files.createTempDirectory("reckon-live-checkpoints-");
        StreamExecutionEnvironment env = Replay.localEnvironment(conf, checkpoints);
        ReconciliationJob.defineWorkflow(
                env,
                ReconSettings.from(conf),
                ReconciliationJob.Watermarks.from(conf),
                ReconciliationWiring.kafkaInputs(conf, false),
                ReconciliationWiring.kafkaAndPostgresOutputs(conf));
        JobClient client = env.executeAsync("reckon-live");
        try {
            int port = metricsPort(client.getJobID(), conf.getString(PROMETHEUS_PORT_KEY, PROMETHEUS_PORTS));
            return new LiveJob(client, port, checkpoints);
        } catch (Exception e) {
            client.cancel();
            org.apache.commons.io.FileUtils.deleteQuietly(checkpoints.toFile());
            throw e;
        }
    }

    /**
     * The reporter takes the first free port of its range, and the range may be shared with other
     * Flink processes on the machine, so the port is found by asking each for this job's task metrics.
     */
    private static int metricsPort(JobID job, String range) throws Exception {
        String[] bounds = range.trim().split("-");
        int first = Integer.parseInt(bounds[0].trim());
        int last = bounds.length > 1 ? Integer.parseInt(bounds[1].trim()) : first;
        String needle = "job_id=\"" + job + "\"";
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            for (int port = first; port <= last; port++) {
                try {
                    HttpResponse<String> r = http.send(
                            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics"))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200
                            && r.body().contains("flink_taskmanager_job_task")
                            && r.body().contains(needle)) {
                        return port;
                    }
                } catch (IOException nothingThere) {
                    // Port not open (yet) or not an HTTP server: try the next.
                }
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the metrics of job " + job + " did not appear on ports " + range);
    }
}
