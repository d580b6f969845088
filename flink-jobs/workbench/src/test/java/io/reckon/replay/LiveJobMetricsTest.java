package io.reckon.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.reckon.connectors.embedded.EmbeddedStack;
import io.reckon.connectors.kafka.TopicAdmin;
import io.reckon.connectors.registry.ConfluentAvroCodec;
import io.reckon.jobs.sources.InputKind;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live job of {@code reckon demo --keep-running}: unbounded sources over a real broker, and its
 * counters and lag gauge scraped from the Prometheus endpoint as a Prometheus server would.
 */
class LiveJobMetricsTest {

    private static final int BATCH = 5;

    /** A usage_read sample line of the task metrics, summed over subtasks below. */
    private static final Pattern USAGE_READ =
            Pattern.compile("(?m)^flink_taskmanager_job_task_operator_usage_read\\{[^}]*} ([0-9.eE+-]+)$");

    private static final Pattern USAGE_LAG =
            Pattern.compile("(?m)^flink_taskmanager_job_task_operator_usage_event_time_lag_ms\\{[^}]*} ([0-9.eE+-]+)$");

    @TempDir
    Path work;

    @Test
    @Timeout(120)
    void liveJobServesTheUsageReadCounterAndTheEventTimeLagToPrometheus() throws Exception {
        try (EmbeddedStack stack = EmbeddedStack.start(work.resolve("stack"))) {
            Configuration conf = stack.connectorConfig();
            // A port of its own: other Flink processes on the machine may hold the default range.
            conf.setString(LiveJob.PROMETHEUS_PORT_KEY, String.valueOf(freePort()));
            try (LiveJob live = LiveJob.start(conf)) {
                HttpClient http = HttpClient.newHttpClient();
                ConfluentAvroCodec codec = ConfluentAvroCodec.fromConfig(conf);
                // The sources start at the latest offsets, which each reader resolves when it first
                // polls; a batch produced before that is (by design) skipped. Batches are produced until
                // one is counted, so the check does not depend on how fast the sources start.
                long produced = 0;
                long read = 0;
                String body = "";
                Instant eventTime = Instant.now().minus(Duration.ofMinutes(10));
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                int round = 0;
                while (System.nanoTime() < deadline) {
                    round++;
                    produce(conf, codec, round, eventTime);
                    produced += BATCH;
                    long roundDeadline =
                            System.nanoTime() + Duration.ofSeconds(4).toNanos();
                    while (System.nanoTime() < roundDeadline) {
                        body = http.send(
                                        HttpRequest.newBuilder(URI.create(live.metricsUrl()))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body();
                        read = sum(USAGE_READ, body);
                        if (read >= BATCH && USAGE_LAG.matcher(body).find()) {
                            break;
                        }
                        Thread.sleep(300);
                    }
                    if (read >= BATCH && USAGE_LAG.matcher(body).find()) {
                        break;
                    }
                }

                assertThat(read).as("usage_read on %s", live.metricsUrl()).isGreaterThanOrEqualTo(BATCH);
                assertThat(read).isLessThanOrEqualTo(produced);
                OptionalLong lag = max(USAGE_LAG, body);
                assertThat(lag).isPresent();
                // The newest event is ten minutes old; the gauge is wall clock minus that.
                assertThat(lag.getAsLong())
                        .isBetween(
                                Duration.ofMinutes(10).toMillis(),
                                Duration.ofMinutes(10).plusSeconds(90).toMillis());
            }
        }
    }

    private static void produce(Configuration conf, ConfluentAvroCodec codec, int round, Instant eventTime)
            throws Exception {
        String subject = ConfluentAvroCodec.valueSubject(InputKind.USAGE.topic());
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            String line = "{\"event_id\":\"live-" + round + "-" + i + "\",\"account_id\":\"acct_" + i
                    + "\",\"meter\":\"api_calls\",\"event_time\":\"" + eventTime + "\",\"quantity\":\"10\"}";
            JsonInputs.Converted c = JsonInputs.convert(InputKind.USAGE, line);
            records.add(TopicAdmin.record(InputKind.USAGE.topic(), c.key(), codec.encode(subject, c.value()), null));
        }
        try (TopicAdmin admin = TopicAdmin.connect(conf)) {
            admin.produceAll(records);
        }
    }

    private static long sum(Pattern p, String body) {
        Matcher m = p.matcher(body);
        long total = 0;
        while (m.find()) {
            total += (long) Double.parseDouble(m.group(1));
        }
        return total;
    }

    private static OptionalLong max(Pattern p, String body) {
        Matcher m = p.matcher(body);
        OptionalLong max = OptionalLong.empty();
        while (m.find()) {
            long v = (long) Double.parseDouble(m.group(1));
            max = OptionalLong.of(max.isPresent() ? Math.max(max.getAsLong(), v) : v);
        }
        return max;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
