package io.reckon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.reckon.cluster.ClusterJobOptions;
import io.reckon.cluster.FlinkRest;
import io.reckon.cluster.LocalFlinkCluster;
import io.reckon.connectors.embedded.EmbeddedPostgres;
import io.reckon.connectors.embedded.EmbeddedStack;
import io.reckon.connectors.kafka.KafkaOptions;
import io.reckon.connectors.kafka.TopicAdmin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code reckon cluster}: the embedded stack and a standalone Flink cluster of separate JVMs (a JobManager and a
 * TaskManager started from Flink's own entry points), with the reconciliation job submitted as the image's job jar
 * through the REST API: a real deployment on one machine, without Kubernetes.
 */
@Command(
        name = "cluster",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the reconciliation job on a standalone Flink cluster beside the embedded stack, until Ctrl-C.",
            "Starts Kafka, PostgreSQL and the schema registry and a standalone Flink cluster (JobManager and "
                    + "TaskManager in JVMs of their own), uploads the job jar through Flink's REST API and runs the "
                    + "reconciliation job (io.reckon.jobs.ReconciliationMain) on it. Keeps running until Ctrl-C."
        })
public final class ClusterCommand implements Callable<Integer> {

    static final String ENTRY_CLASS = "io.reckon.jobs.ReconciliationMain";

    @Option(names = "--work", description = "Folder of the stack's and the cluster's data and logs [${DEFAULT-VALUE}].")
    Path work = Path.of(System.getProperty("java.io.tmpdir"), "reckon-cluster");

    @Option(
            names = "--jar",
            description = "The job jar [flink-jobs/job/target/reckon.jar of the checkout, built by ./mvnw package].")
    Path jar;

    @Override
    public Integer call() throws Exception {
        Path jobJar = jar != null
                ? jar
                : Path.of(System.getProperty("reckon.home", "."), "flink-jobs", "job", "target", "reckon.jar");
        if (!Files.isRegularFile(jobJar)) {
            System.err.println(
                    "reckon cluster: no job jar at " + jobJar + " (build it with ./mvnw package -DskipTests)");
            return 2;
        }
        Files.createDirectories(work);
        System.out.println("Starting Kafka, PostgreSQL and the schema registry in " + work + " ...");
        EmbeddedStack stack = EmbeddedStack.start(work.resolve("stack"));
        Configuration conf = stack.connectorConfig();
        try (TopicAdmin admin = TopicAdmin.connect(conf)) {
            admin.ensureTopics(conf.get(KafkaOptions.TOPIC_PARTITIONS));
        }
        Map<String, String> options = ClusterJobOptions.of(conf, work);
        System.out.println("Starting a Flink JobManager and a TaskManager ...");
        LocalFlinkCluster cluster;
        try {
            cluster = LocalFlinkCluster.start(work.resolve("cluster"), options);
        } catch (Exception e) {
            stack.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping the Flink cluster, Kafka, PostgreSQL and the schema registry ...");
            cluster.close();
            stack.close();
            System.out.println("Stopped; the data and logs stay in " + work + ".");
        }));
        FlinkRest rest = cluster.rest();
        String jarId = rest.uploadJar(jobJar);
        String job = rest.run(jarId, ENTRY_CLASS);
        String state = awaitRunning(rest, job, Duration.ofMinutes(2));
        EmbeddedPostgres.Login reader = stack.jdbcReader();
        Path pgpass = LiveStackInstructions.writePgpass(
                work.resolve(".pgpass"),
                stack.postgres().port(),
                EmbeddedPostgres.DATABASE,
                reader.username(),
                reader.password());
        LiveStackInstructions stackInfo = new LiveStackInstructions(
                stack.bootstrapServers(),
                stack.schemaRegistryUrl(),
                stack.postgres().port(),
                EmbeddedPostgres.DATABASE,
                reader.username(),
                pgpass,
                cluster.webUrl().toString());
        System.out.println();
        System.out.println("Flink cluster      " + cluster.webUrl() + "  (web UI and REST API)");
        System.out.println("  job " + job + " (" + ENTRY_CLASS + " from " + jobJar.getFileName() + "): " + state);
        System.out.println("  configuration    " + cluster.home().resolve("conf/config.yaml"));
        System.out.println("  logs             " + cluster.home().resolve("log"));
        System.out.println("Kafka              " + stack.bootstrapServers());
        System.out.println("Schema registry    " + stack.schemaRegistryUrl() + "  (Confluent API; Apicurio Registry)");
        System.out.println("PostgreSQL         " + stackInfo.psql());
        System.out.println();
        System.out.println(
                "Produce Confluent Avro to recon.usage, recon.reported, recon.invoices and recon.contracts"
                        + " (README.md, \"Feed a running stack from outside\"); the job writes recon.anomalies and the tables.");
        System.out.println("TaskManager pid "
                + cluster.taskManagerPids().stream().map(String::valueOf).collect(Collectors.joining(", "))
                + ": kill -9 it to watch the job recover from its last checkpoint; a new TaskManager is started as"
                + " Kubernetes would replace a lost pod.");
        System.out.println("Press Ctrl-C to stop.");
        while (true) {
            Thread.sleep(1000);
            for (long pid : cluster.replaceExitedTaskManagers()) {
                System.out.println("A TaskManager exited; started TaskManager pid " + pid + ".");
            }
        }
    }

    /** The innermost cause of the job's latest failure, one line. */
    static String rootCause(JsonNode exceptions) {
        JsonNode entries = exceptions.path("exceptionHistory").path("entries");
        if (entries.isEmpty()) {
            return "no failure recorded";
        }
        String trace = entries.get(0).path("stacktrace").asText();
        int cause = trace.lastIndexOf("Caused by: ");
        String line = cause < 0 ? trace : trace.substring(cause + "Caused by: ".length());
        int end = line.indexOf('\n');
        return end < 0 ? line : line.substring(0, end);
    }

    static String awaitRunning(FlinkRest rest, String job, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode status = rest.job(job);
            String state = status.path("state").asText();
            boolean allRunning = status.path("vertices").size() > 0;
            for (JsonNode v : status.path("vertices")) {
                allRunning &= "RUNNING".equals(v.path("status").asText());
            }
            if ("RUNNING".equals(state) && allRunning) {
                return state;
            }
            if ("FAILED".equals(state) || "CANCELED".equals(state) || System.nanoTime() > deadline) {
                throw new IllegalStateException("job " + job + " is " + state + ": " + rootCause(rest.exceptions(job))
                        + " (the JobManager's log has the rest)");
            }
            Thread.sleep(200);
        }
    }
}
