package io.reckon.connectors.embedded;

import java.nio.file.Path;

/** Starts a broker and waits forever; a test kills this JVM to check the broker goes with it. */
public final class KafkaParentProcess {

    private KafkaParentProcess() {}

    public static void main(String[] args) throws InterruptedException {
        EmbeddedKafka kafka = EmbeddedKafka.start(Path.of(args[0]));
        System.out.println("READY " + kafka.port());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
