package io.reckon.connectors.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;

/**
 * Entry point of the child JVM that {@link EmbeddedKafka} starts: formats the KRaft storage on the
 * first start, then runs {@code kafka.Kafka} with the given server.properties.
 *
 * <p>Usage: {@code java -cp <classpath> io.reckon.connectors.embedded.KafkaBrokerMain
 * <server.properties> <cluster-id>}.
 *
 * <p>The broker runs in its own JVM, not as an internal test kit inside the caller's JVM, so it can
 * be stopped and started again on the same port and log directory (fault-injection tests), is
 * isolated from the caller's heap and class path quirks, and dies with its parent: with {@value
 * #EXIT_WITH_PARENT} set, it exits as soon as its standard input (a pipe from the parent) closes,
 * which the operating system does even when the parent is killed with SIGKILL.
 */
public final class KafkaBrokerMain {

    /** System property that makes the broker exit when its standard input reaches end of file. */
    public static final String EXIT_WITH_PARENT = "reckon.kafka.exit-with-parent";

    private KafkaBrokerMain() {}

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("Usage: KafkaBrokerMain <server.properties> <cluster-id>");
            System.exit(2);
        }
        String config = args[0];
        String clusterId = args[1];
        if (Boolean.getBoolean(EXIT_WITH_PARENT)) {
            exitWhenStdinCloses();
        }
        // --ignore-formatted makes a restart keep the existing log directory and its data.
        int formatted = kafka.tools.StorageTool.execute(
                new String[] {"format", "--cluster-id", clusterId, "--config", config, "--ignore-formatted"},
                System.out);
        if (formatted != 0) {
            System.err.println("Formatting the KRaft storage failed with exit code " + formatted);
            System.exit(formatted);
        }
        kafka.Kafka.main(new String[] {config});
    }

    private static void exitWhenStdinCloses() {
        Thread watchdog = new Thread(
                () -> {
                    try (InputStream in = System.in) {
                        while (in.read() != -1) {
                            // The parent never writes; it only holds the pipe open while it lives.
                        }
                    } catch (IOException ignored) {
                        // A broken pipe means the same as end of file: the parent is gone.
                    }
                    System.err.println("Parent process is gone; shutting the broker down");
                    haltLater();
                    System.exit(0);
                },
                "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /** Orderly shutdown runs Kafka's shutdown hooks; if they hang, nobody is left to wait for them. */
    private static void haltLater() {
        Thread halter = new Thread(
                () -> {
                    try {
                        TimeUnit.SECONDS.sleep(20);
                    } catch (InterruptedException ignored) {
                        Thread.currentThread().interrupt();
                    }
                    Runtime.getRuntime().halt(1);
                },
                "parent-watchdog-halt");
        halter.setDaemon(true);
        halter.start();
    }
}
