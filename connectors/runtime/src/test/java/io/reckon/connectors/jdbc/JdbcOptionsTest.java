package io.reckon.connectors.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcOptionsTest {

    @TempDir
    Path dir;

    @Test
    void passwordFileWinsOverInlinePasswordAndEnvironmentAndLosesItsLineBreak() throws IOException {
        Path file = Files.writeString(dir.resolve("pw"), "from-file\n");
        Configuration conf = new Configuration();
        conf.set(JdbcOptions.PASSWORD_FILE, file.toString());
        conf.set(JdbcOptions.PASSWORD, "inline");

        assertThat(JdbcOptions.password(conf, Map.of(JdbcOptions.PASSWORD_ENV, "from-env")))
                .isEqualTo("from-file");
    }

    @Test
    void inlinePasswordWinsOverEnvironment() {
        Configuration conf = new Configuration();
        conf.set(JdbcOptions.PASSWORD, "inline");

        assertThat(JdbcOptions.password(conf, Map.of(JdbcOptions.PASSWORD_ENV, "from-env")))
                .isEqualTo("inline");
    }

    @Test
    void environmentIsTheLastResort() {
        assertThat(JdbcOptions.password(new Configuration(), Map.of(JdbcOptions.PASSWORD_ENV, "from-env")))
                .isEqualTo("from-env");
    }

    @Test
    void missingPasswordNamesAllThreeSources() {
        assertThatThrownBy(() -> JdbcOptions.password(new Configuration(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbc.password-file")
                .hasMessageContaining("jdbc.password")
                .hasMessageContaining("RECKON_JDBC_PASSWORD");
    }

    @Test
    void unreadablePasswordFileNamesTheFile() {
        Configuration conf = new Configuration();
        conf.set(JdbcOptions.PASSWORD_FILE, dir.resolve("missing").toString());

        assertThatThrownBy(() -> JdbcOptions.password(conf, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing");
    }

    @Test
    void defaultsAndKeysMatchTheDocumentedContract() {
        Configuration conf = Configuration.fromMap(Map.of("jdbc.batch-interval", "250 ms", "jdbc.batch-size", "10"));

        assertThat(conf.get(JdbcOptions.USERNAME)).as("the jobs' writer role").isEqualTo("reckon_writer");
        assertThat(conf.get(JdbcOptions.MAX_RETRIES)).isEqualTo(5);
        assertThat(conf.get(JdbcOptions.BATCH_SIZE)).isEqualTo(10);
        assertThat(conf.get(JdbcOptions.BATCH_INTERVAL)).isEqualTo(Duration.ofMillis(250));
        assertThat(new Configuration().get(JdbcOptions.BATCH_INTERVAL)).isEqualTo(Duration.ofSeconds(1));
        assertThat(new Configuration().get(JdbcOptions.BATCH_SIZE)).isEqualTo(500);
    }
}
