package io.reckon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.xml.XmlConfiguration;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;

class UnseenCheckpointFilterTest {

    private static final String RPC_ACTOR = "org.apache.flink.runtime.rpc.pekko.PekkoRpcActor";

    @Test
    void theCommandLinesLogConfigurationDropsFlinksUnseenCheckpointErrorAndNothingElse() throws Exception {
        LoggerContext context = new LoggerContext("reckon-cli-config-test");
        try {
            XmlConfiguration config = new XmlConfiguration(
                    context,
                    ConfigurationSource.fromResource(
                            "reckon-cli-log4j2.xml", getClass().getClassLoader()));
            config.initialize();
            LoggerConfig rpc = config.getLoggerConfig(RPC_ACTOR);
            assertThat(rpc.getName()).isEqualTo(RPC_ACTOR);
            assertThat(rpc.getFilter()).isInstanceOf(UnseenCheckpointFilter.class);

            assertThat(rpc.isFiltered(event(new IllegalStateException("Trying to open gateway for unseen checkpoint:"
                            + " latest known checkpoint = 3, incoming checkpoint = 4"))))
                    .isTrue();
            assertThat(rpc.isFiltered(event(new RuntimeException(
                            "wrapped", new IllegalStateException("Trying to open gateway for unseen checkpoint: x")))))
                    .isTrue();
            assertThat(rpc.isFiltered(event(new IllegalStateException("Some other failure"))))
                    .isFalse();
            assertThat(rpc.isFiltered(event(null))).isFalse();
            assertThat(config.getLoggerConfig("org.apache.flink.runtime.checkpoint.CheckpointCoordinator")
                            .isFiltered(event(new IllegalStateException("Some other failure"))))
                    .isFalse();
        } finally {
            context.stop();
        }
    }

    private static LogEvent event(Throwable thrown) {
        return Log4jLogEvent.newBuilder()
                .setLoggerName(RPC_ACTOR)
                .setLevel(Level.ERROR)
                .setMessage(new SimpleMessage("Caught exception while executing runnable in main thread."))
                .setThrown(thrown)
                .build();
    }
}
