package io.reckon.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration directory of a local standalone cluster: {@code config.yaml} (everything bound to localhost, the
 * memory of each process, checkpoints and restarts, plus the jobs' own options, which the entry points read from the
 * cluster's configuration as they do under the Kubernetes operator) and {@code log4j.properties}.
 */
final class ClusterFiles {

    /** The module flags Flink's distribution sets for Java 17 ({@code env.java.opts.all} of its default config). */
    static final List<String> JAVA_17_OPTS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    private static final String LOG4J =
            """
            rootLogger.level = INFO
            rootLogger.appenderRef.file.ref = FileAppender
            logger.kafka.name = org.apache.kafka
            logger.kafka.level = WARN
            appender.file.name = FileAppender
            appender.file.type = FILE
            appender.file.append = true
            appender.file.fileName = ${sys:log.file}
            appender.file.layout.type = PatternLayout
            appender.file.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
            """;

    final Path home;
    final Path conf;
    final Path log;
    final int rpcPort;
    final int restPort;

    ClusterFiles(Path home, int rpcPort, int restPort) throws IOException {
        this.home = home.toAbsolutePath();
        this.conf = Files.createDirectories(this.home.resolve("conf"));
        this.log = Files.createDirectories(this.home.resolve("log"));
        this.rpcPort = rpcPort;
        this.restPort = restPort;
        Files.createDirectories(this.home.resolve("tmp"));
        Files.writeString(conf.resolve("log4j.properties"), LOG4J, StandardCharsets.UTF_8);
    }

    /** The cluster's own settings; the options given (the jobs') come after and may override them. */
    void writeConfig(Map<String, String> options) throws IOException {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("jobmanager.rpc.address", "localhost");
        c.put("jobmanager.rpc.port", Integer.toString(rpcPort));
        c.put("jobmanager.bind-host", "localhost");
        c.put("jobmanager.memory.process.size", "700m");
        c.put("taskmanager.host", "localhost");
        c.put("taskmanager.bind-host", "localhost");
        c.put("taskmanager.numberOfTaskSlots", "2");
        c.put("taskmanager.memory.process.size", "1100m");
        c.put("taskmanager.memory.managed.size", "64m");
        c.put("parallelism.default", "2");
        c.put("rest.address", "localhost");
        c.put("rest.bind-address", "localhost");
        c.put("rest.port", Integer.toString(restPort));
        // A killed TaskManager is noticed when its heartbeats stop or its RPC connection fails.
        c.put("heartbeat.interval", "1000");
        c.put("heartbeat.timeout", "10000");
        c.put("io.tmp.dirs", home.resolve("tmp").toString());
        c.put("web.tmpdir", home.resolve("tmp").toString());
        c.put("web.upload.dir", home.resolve("upload").toString());
        c.put("execution.checkpointing.interval", "500ms");
        c.put("execution.checkpointing.min-pause", "0ms");
        c.put("execution.checkpointing.storage", "filesystem");
        c.put("execution.checkpointing.dir", home.resolve("checkpoints").toUri().toString());
        c.put("restart-strategy.type", "fixed-delay");
        c.put("restart-strategy.fixed-delay.attempts", "50");
        c.put("restart-strategy.fixed-delay.delay", "1s");
        c.put("pipeline.generic-types", "false");
        c.putAll(options);
        StringBuilder yaml = new StringBuilder("# Written by io.reckon.cluster.LocalFlinkCluster.\n");
        c.forEach((k, v) -> yaml.append(k).append(": ").append(quote(v)).append('\n'));
        Files.writeString(conf.resolve("config.yaml"), yaml, StandardCharsets.UTF_8);
    }

    private static String quote(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
