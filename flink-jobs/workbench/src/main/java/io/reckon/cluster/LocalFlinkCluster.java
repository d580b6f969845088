package io.reckon.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A standalone Flink session cluster on this machine, each process a JVM of its own started from Flink's own entry
 * points as the distribution's scripts start them: {@code StandaloneSessionClusterEntrypoint} (the JobManager) and
 * {@code TaskManagerRunner}, with the memory options computed by {@code BashJavaUtils} as {@code jobmanager.sh} and
 * {@code taskmanager.sh} do. The class path is Flink's alone ({@code reckon-flink-cluster}); jobs come as jars
 * through the REST API ({@link #rest()}) and run with Flink's user-code class loading.
 */
public final class LocalFlinkCluster implements AutoCloseable {

    static final String CLASSPATH_RESOURCE = "/io/reckon/cluster/flink-classpath.txt";
    private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";

    private final ClusterFiles files;
    private final String classpath;
    private final FlinkRest rest;
    private final Process jobManager;
    private final Deque<Process> taskManagers = new ArrayDeque<>();
    private int taskManagersStarted;

    private LocalFlinkCluster(ClusterFiles files, String classpath, Process jobManager) {
        this.files = files;
        this.classpath = classpath;
        this.jobManager = jobManager;
        this.rest = new FlinkRest(URI.create("http://localhost:" + files.restPort));
    }

    /**
     * Starts the JobManager and one TaskManager and waits until the TaskManager has registered.
     *
     * @param home the cluster's folder: conf/, log/, checkpoints, uploaded jars
     * @param options added to the cluster's {@code config.yaml} (the jobs' options: kafka.*, jdbc.*, ...)
     */
    public static LocalFlinkCluster start(Path home, Map<String, String> options) throws IOException {
        ClusterFiles files = new ClusterFiles(home, freePort(), freePort());
        files.writeConfig(options);
        String classpath = flinkClasspath();
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(resourceParams(files, classpath, "GET_JM_RESOURCE_PARAMS").jvm);
        command.addAll(commonJvmOptions(files, "jobmanager"));
        command.add("org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint");
        command.add("--configDir");
        command.add(files.conf.toString());
        Process jm = launch(files, classpath, command, "jobmanager");
        LocalFlinkCluster cluster = new LocalFlinkCluster(files, classpath, jm);
        try {
            cluster.awaitRest(Duration.ofSeconds(90));
            cluster.startTaskManager();
            cluster.awaitTaskManagers(1, Duration.ofSeconds(90));
            return cluster;
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    public FlinkRest rest() {
        return rest;
    }

    /** The web UI and REST API. */
    public URI webUrl() {
        return rest.base();
    }

    public Path home() {
        return files.home;
    }

    /**
     * Rewrites the jobs' options in {@code config.yaml}; the entry points read it when a job is submitted, so the
     * next run sees them (as a changed {@code flinkConfiguration} under the operator).
     */
    public void setOptions(Map<String, String> options) throws IOException {
        files.writeConfig(options);
    }

    /** Starts one more TaskManager process; returns its process id. */
    public synchronized long startTaskManager() throws IOException {
        String name = "taskmanager-" + taskManagersStarted++;
        ResourceParams params = resourceParams(files, classpath, "GET_TM_RESOURCE_PARAMS");
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(params.jvm);
        command.addAll(commonJvmOptions(files, name));
        command.add("org.apache.flink.runtime.taskexecutor.TaskManagerRunner");
        command.add("--configDir");
        command.add(files.conf.toString());
        command.addAll(params.dynamic);
        Process tm = launch(files, classpath, command, name);
        taskManagers.addLast(tm);
        return tm.pid();
    }

    /**
     * Kills the oldest live TaskManager with SIGKILL (no shutdown hook runs, nothing is flushed or closed), as a
     * lost machine or an OOM-killed pod; returns its process id.
     */
    public synchronized long killTaskManager() throws InterruptedException {
        Process tm = taskManagers.pollFirst();
        if (tm == null) {
            throw new IllegalStateException("no TaskManager is running");
        }
        // Process#destroyForcibly is SIGKILL on Linux and macOS.
        tm.destroyForcibly();
        tm.waitFor(30, TimeUnit.SECONDS);
        return tm.pid();
    }

    /** Replaces TaskManagers whose process has exited, as Kubernetes replaces a lost pod; returns the new pids. */
    public synchronized List<Long> replaceExitedTaskManagers() throws IOException {
        int exited = 0;
        for (Iterator<Process> it = taskManagers.iterator(); it.hasNext(); ) {
            if (!it.next().isAlive()) {
                it.remove();
                exited++;
            }
        }
        List<Long> started = new ArrayList<>();
        for (int i = 0; i < exited; i++) {
            started.add(startTaskManager());
        }
        return started;
    }

    /** Process ids of the TaskManagers started and not killed through this class. */
    public synchronized List<Long> taskManagerPids() {
        return taskManagers.stream().map(Process::pid).toList();
    }

    /** Waits until {@code count} TaskManagers are registered with the JobManager. */
    public void awaitTaskManagers(int count, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode overview = rest.overview();
            if (overview.path("taskmanagers").asInt() == count) {
                return;
            }
            requireAlive();
            if (System.nanoTime() > deadline) {
                throw new IOException("expected " + count + " TaskManagers within " + timeout + ", got " + overview
                        + "\n" + logTail());
            }
            sleep(200);
        }
    }

    @Override
    public synchronized void close() {
        List<Process> all = new ArrayList<>(taskManagers);
        all.add(jobManager);
        all.forEach(Process::destroy);
        for (Process p : all) {
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        taskManagers.clear();
    }

    /** The last lines of the JobManager's log, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(files.log.resolve("jobmanager.log"), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no JobManager log: " + e.getMessage() + ")";
        }
    }

    private void awaitRest(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                rest.overview();
                return;
            } catch (IOException notYet) {
                requireAlive();
                if (System.nanoTime() > deadline) {
                    throw new IOException(
                            "the JobManager's REST API did not answer within " + timeout + "\n" + logTail(), notYet);
                }
                sleep(200);
            }
        }
    }

    private void requireAlive() throws IOException {
        if (!jobManager.isAlive()) {
            throw new IOException("the JobManager exited with " + jobManager.exitValue() + "\n" + logTail());
        }
    }

    /** JVM memory flags and {@code -D} memory settings, computed by Flink from config.yaml as its scripts do. */
    record ResourceParams(List<String> jvm, List<String> dynamic) {}

    static ResourceParams resourceParams(ClusterFiles files, String classpath, String command) throws IOException {
        List<String> cmd = List.of(
                java(),
                "-cp",
                classpath,
                "org.apache.flink.runtime.util.bash.BashJavaUtils",
                command,
                "--configDir",
                files.conf.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            p.waitFor(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        List<String> results = out.lines()
                .filter(l -> l.startsWith(RESULT_PREFIX))
                .map(l -> l.substring(RESULT_PREFIX.length()).trim())
                .toList();
        if (p.exitValue() != 0 || results.size() < 2) {
            throw new IOException("BashJavaUtils " + command + " failed (exit " + p.exitValue() + "):\n" + out);
        }
        return new ResourceParams(split(results.get(0)), split(results.get(1)));
    }

    private static List<String> split(String line) {
        return line.isBlank() ? List.of() : Arrays.asList(line.trim().split("\\s+"));
    }

    private static List<String> commonJvmOptions(ClusterFiles files, String name) {
        List<String> options = new ArrayList<>(ClusterFiles.JAVA_17_OPTS);
        options.add("-XX:+UseParallelGC");
        options.add("-Djava.io.tmpdir=" + files.home.resolve("tmp"));
        options.add("-Dlog.file=" + files.log.resolve(name + ".log"));
        options.add("-Dlog4j.configurationFile="
                + files.conf.resolve("log4j.properties").toUri());
        return options;
    }

    private static Process launch(ClusterFiles files, String classpath, List<String> command, String name)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(files.log.resolve(name + ".out").toFile());
        pb.environment().put("CLASSPATH", classpath);
        // The entry points and the jobs' main methods (run in the JobManager) read the configuration from here.
        pb.environment().put("FLINK_CONF_DIR", files.conf.toString());
        return pb.start();
    }

    static String flinkClasspath() throws IOException {
        try (InputStream in = LocalFlinkCluster.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IOException(CLASSPATH_RESOURCE + " is missing: build flink-jobs/cluster"
                        + " (./mvnw -pl flink-jobs/workbench -am install -DskipTests)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
