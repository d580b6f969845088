package io.reckon.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The optional Stripe ingest job of the chart: off by default, its own FlinkDeployment when enabled. */
class StripeIngestChartTest {

    @TempDir
    Path dir;

    @Test
    void theIngestJobIsOffByDefaultAndWhenEnabledReadsItsKeyFromTheSecretAsAFile() throws Exception {
        assertThat(Chart.ofKind(Chart.render(Chart.PRODUCTION_VALUES), "FlinkDeployment"))
                .noneMatch(d -> d.path("metadata").path("name").asText().endsWith("stripe-ingest"));

        Path overlay = dir.resolve("stripe.yaml");
        Files.writeString(
                overlay,
                "stripeIngest:\n  enabled: true\n  apiKeySecret:\n    name: reckon-stripe-read\n"
                        + "  settings:\n    page-size: 50\n");
        List<JsonNode> resources = Chart.render(Chart.PRODUCTION_VALUES, overlay);
        JsonNode ingest = Chart.deployment(resources, "stripe-ingest");

        assertThat(ingest.path("spec").path("job").path("entryClass").asText())
                .isEqualTo("io.reckon.ingest.stripe.StripeIngestMain");
        JsonNode conf = ingest.path("spec").path("flinkConfiguration");
        assertThat(conf.path("stripe.api-key-file").asText()).isEqualTo("/etc/reckon/stripe-ingest/api-key");
        assertThat(conf.path("stripe.page-size").asText()).isEqualTo("50");
        assertThat(conf.path("kafka.bootstrap-servers").asText()).isNotEmpty();
        assertThat(ingest.toString()).contains("reckon-stripe-read").doesNotContain("rk_live");
    }
}
