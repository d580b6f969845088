package io.reckon.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.reckon.actions.PolicyParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HelmChartTest {

    @TempDir
    Path tmp;

    @Test
    void chartWithDefaultValuesPassesStrictLint() {
        LintResult result = new Helm(Chart.DIR).lint().strict().call();
        assertThat(result.isFailed())
                .as(String.join("\n", result.getMessages()))
                .isFalse();
    }

    @Test
    void chartWithProductionValuesPassesStrictLint() throws Exception {
        Path chart = Chart.copyWithValues(Chart.PRODUCTION_VALUES, tmp.resolve("reckon"));
        LintResult result = new Helm(chart).lint().strict().call();
        assertThat(result.isFailed())
                .as(String.join("\n", result.getMessages()))
                .isFalse();
    }

    @Test
    void defaultValuesRenderTheJobAsAnApplicationWithSavepointUpgrades() throws Exception {
        List<JsonNode> resources = Chart.render();
        JsonNode deployment = Chart.single(resources, "FlinkDeployment");

        assertThat(deployment.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
        JsonNode spec = deployment.path("spec");
        assertThat(spec.path("image").asText()).isEqualTo("reckon:0.1.0");
        assertThat(spec.path("flinkVersion").asText()).isEqualTo("v2_2");
        JsonNode job = spec.path("job");
        assertThat(job.path("jarURI").asText()).isEqualTo("local:///opt/flink/usrlib/reckon.jar");
        assertThat(job.path("entryClass").asText()).isEqualTo("io.reckon.jobs.ReconciliationMain");
        assertThat(job.path("upgradeMode").asText()).isEqualTo("savepoint");
        assertThat(job.path("parallelism").asInt()).isEqualTo(1);
        assertThat(spec.path("jobManager").path("resource").path("memory").asText())
                .isEqualTo("1600m");
        assertThat(spec.path("taskManager").path("resource").path("cpu").asDouble())
                .isEqualTo(1.0);

        Map<String, String> conf = flinkConfiguration(deployment);
        assertThat(conf)
                .containsEntry("state.backend.type", "rocksdb")
                .containsEntry("pipeline.generic-types", "false")
                .containsEntry("pipeline.object-reuse", "true")
                .containsEntry("execution.checkpointing.incremental", "true")
                .containsEntry(
                        "metrics.reporter.prom.factory.class",
                        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory")
                .containsEntry("metrics.reporter.prom.port", "9249")
                .containsEntry("jdbc.password-file", "/etc/reckon/jdbc/password")
                .doesNotContainKeys("high-availability.type", "job.autoscaler.enabled");
        // Every value is a string, as the CRD's flinkConfiguration map requires.
        deployment.path("spec").path("flinkConfiguration").forEach(v -> assertThat(v.isTextual())
                .isTrue());

        assertThat(Chart.ofKind(resources, "KafkaTopic")).isEmpty();
        assertThat(Chart.ofKind(resources, "FlinkDeployment"))
                .as("the action job is off by default")
                .hasSize(1);
    }

    @Test
    void productionValuesAddTheActionJobWithItsPolicyAndTargetSecretsAsFiles() throws Exception {
        List<JsonNode> resources = Chart.render(Chart.PRODUCTION_VALUES);
        JsonNode reconciliation = Chart.deployment(resources, "reconciliation");
        JsonNode actions = Chart.deployment(resources, "actions");

        assertThat(actions.path("metadata").path("name").asText()).isEqualTo("reckon-reckon-actions");
        JsonNode job = actions.path("spec").path("job");
        assertThat(job.path("entryClass").asText()).isEqualTo("io.reckon.actions.ActionsMain");
        assertThat(job.path("upgradeMode").asText()).isEqualTo("savepoint");
        assertThat(job.path("parallelism").asInt()).isEqualTo(2);

        Map<String, String> conf = flinkConfiguration(actions);
        Map<String, String> reconConf = flinkConfiguration(reconciliation);
        // The same Kafka settings; each job's sinks add their own name to the transactional id prefix.
        assertThat(conf.get("kafka.transactional-id-prefix")).isEqualTo(reconConf.get("kafka.transactional-id-prefix"));
        assertThat(conf.get("kafka.bootstrap-servers")).isEqualTo(reconConf.get("kafka.bootstrap-servers"));
        assertThat(reconConf.keySet()).noneMatch(k -> k.startsWith("actions."));
        // Object reuse is audited for the reconciliation graph only.
        assertThat(reconConf).containsEntry("pipeline.object-reuse", "true");
        assertThat(conf).doesNotContainKey("pipeline.object-reuse");
        assertThat(conf)
                .containsEntry("actions.policy-file", "/etc/reckon/actions/policy.yaml")
                .containsEntry("actions.stripe.api-base", "https://api.stripe.com")
                .containsEntry("actions.stripe.api-key-file", "/etc/reckon/stripe/api-key")
                .containsEntry("actions.hubspot.token-file", "/etc/reckon/hubspot/token")
                .containsEntry("actions.webhooks.finance.url", "https://finance-hooks.example.com/reckon")
                .containsEntry("actions.webhooks.finance.secret-file", "/etc/reckon/webhooks/finance/secret");

        JsonNode pod = actions.path("spec").path("podTemplate").path("spec");
        Map<String, String> volumes = new HashMap<>();
        pod.path("volumes")
                .forEach(v -> volumes.put(
                        v.path("name").asText(),
                        v.path("secret")
                                .path("secretName")
                                .asText(v.path("configMap").path("name").asText())));
        assertThat(volumes)
                .containsEntry("actions-policy", "reckon-reckon-actions-policy")
                .containsEntry("stripe-api-key", "reckon-stripe")
                .containsEntry("hubspot-token", "reckon-hubspot")
                .containsEntry("webhook-finance", "reckon-webhook-finance");
        List<String> mounts = new ArrayList<>();
        pod.path("containers")
                .get(0)
                .path("volumeMounts")
                .forEach(m -> mounts.add(m.path("mountPath").asText()));
        assertThat(mounts)
                .contains(
                        "/etc/reckon/actions",
                        "/etc/reckon/stripe",
                        "/etc/reckon/hubspot",
                        "/etc/reckon/webhooks/finance");

        JsonNode policy = Chart.ofKind(resources, "ConfigMap").stream()
                .filter(c -> c.path("metadata").path("name").asText().equals("reckon-reckon-actions-policy"))
                .findFirst()
                .orElseThrow();
        String policyYaml = policy.path("data").path("policy.yaml").asText();
        assertThat(actions.path("spec")
                        .path("podTemplate")
                        .path("metadata")
                        .path("annotations")
                        .path("reckon.io/policy-sha256")
                        .asText())
                .as("a changed policy must change the spec")
                .isEqualTo(sha256(policy.path("data").path("policy.yaml").asText()));
        // The mounted policy is one the job accepts, with the endpoints the chart configures.
        Path policyFile = Files.writeString(tmp.resolve("policy.yaml"), policyYaml);
        assertThat(PolicyParser.fromFile(policyFile, Set.of("finance")).rules()).hasSize(3);
    }

    @Test
    void secretsAreReferencedByNameAndNeverInlined() throws Exception {
        JsonNode deployment = Chart.deployment(Chart.render(Chart.PRODUCTION_VALUES), "reconciliation");
        Map<String, String> conf = flinkConfiguration(deployment);
        assertThat(conf)
                .doesNotContainKeys("jdbc.password", "schema-registry.basic-auth.user-info")
                .containsEntry("jdbc.password-file", "/etc/reckon/jdbc/password");
        assertThat(conf.get("kafka.properties.sasl.jaas.config")).startsWith("${file:/etc/reckon/kafka/");

        JsonNode pod = deployment.path("spec").path("podTemplate").path("spec");
        JsonNode container = pod.path("containers").get(0);
        assertThat(container.path("name").asText()).isEqualTo("flink-main-container");
        JsonNode env = container.path("env").get(0);
        assertThat(env.path("name").asText()).isEqualTo("SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO");
        assertThat(env.has("value")).isFalse();
        assertThat(env.path("valueFrom").path("secretKeyRef").path("name").asText())
                .isEqualTo("reckon-schema-registry");

        Map<String, String> secretVolumes = new HashMap<>();
        pod.path("volumes")
                .forEach(v -> secretVolumes.put(
                        v.path("name").asText(),
                        v.path("secret").path("secretName").asText()));
        assertThat(secretVolumes)
                .containsEntry("jdbc-password", "reckon-postgres")
                .containsEntry("kafka-secret", "reckon-kafka");
        List<String> mounts = new ArrayList<>();
        container
                .path("volumeMounts")
                .forEach(m -> mounts.add(m.path("mountPath").asText()));
        assertThat(mounts).containsExactlyInAnyOrder("/etc/reckon/jdbc", "/etc/reckon/kafka");
    }

    @Test
    void productionValuesEnableHaAutoscalerAndThreeTaskManagers() throws Exception {
        JsonNode deployment = Chart.deployment(Chart.render(Chart.PRODUCTION_VALUES), "reconciliation");
        JsonNode spec = deployment.path("spec");
        Map<String, String> conf = flinkConfiguration(deployment);

        int parallelism = spec.path("job").path("parallelism").asInt();
        int slots = Integer.parseInt(conf.get("taskmanager.numberOfTaskSlots"));
        assertThat(parallelism / slots).as("TaskManagers").isEqualTo(3);
        assertThat(spec.path("job").path("upgradeMode").asText()).isEqualTo("savepoint");
        assertThat(conf)
                .containsEntry("high-availability.type", "kubernetes")
                .containsEntry("high-availability.storageDir", "s3://reckon-prod-flink/ha")
                .containsEntry("execution.checkpointing.dir", "s3://reckon-prod-flink/checkpoints")
                .containsEntry("execution.checkpointing.savepoint-dir", "s3://reckon-prod-flink/savepoints")
                .containsEntry("job.autoscaler.enabled", "true")
                .containsEntry("jobmanager.scheduler", "adaptive")
                .containsEntry("kafka.properties.security.protocol", "SASL_SSL")
                .containsEntry("reconcile.allowed-lateness", "6h");
    }

    @Test
    void productionValuesCreateEveryTopicWithCompactionWhereTheJobNeedsIt() throws Exception {
        List<JsonNode> topics = Chart.ofKind(Chart.render(Chart.PRODUCTION_VALUES), "KafkaTopic");
        Map<String, JsonNode> byName = new HashMap<>();
        topics.forEach(t -> {
            assertThat(t.path("apiVersion").asText()).isEqualTo("kafka.strimzi.io/v1beta2");
            assertThat(t.path("metadata")
                            .path("labels")
                            .path("strimzi.io/cluster")
                            .asText())
                    .isEqualTo("kafka");
            byName.put(t.path("spec").path("topicName").asText(), t.path("spec"));
        });
        assertThat(byName)
                .containsOnlyKeys(
                        "recon.usage",
                        "recon.usage.cloudevents",
                        "recon.reported",
                        "recon.invoices",
                        "recon.contracts",
                        "recon.anomalies",
                        "recon.dlq",
                        "recon.actions",
                        "recon.approvals");
        JsonNode anomalies = byName.get("recon.anomalies").path("config");
        assertThat(anomalies.path("cleanup.policy").asText()).isEqualTo("compact");
        assertThat(anomalies.path("min.compaction.lag.ms").asText()).isEqualTo("604800000");
        assertThat(anomalies.has("retention.ms")).isFalse();
        assertThat(byName.get("recon.contracts")
                        .path("config")
                        .path("cleanup.policy")
                        .asText())
                .isEqualTo("compact");
        assertThat(byName.get("recon.usage").path("config").path("retention.ms").asText())
                .isEqualTo("2592000000");
        assertThat(byName.get("recon.usage").path("partitions").asInt()).isEqualTo(12);
    }

    @Test
    void dashboardConfigMapCarriesTheDashboardFileForGrafanasSidecar() throws Exception {
        JsonNode configMap = Chart.single(Chart.render(), "ConfigMap");
        assertThat(configMap
                        .path("metadata")
                        .path("labels")
                        .path("grafana_dashboard")
                        .asText())
                .isEqualTo("1");
        String json = configMap.path("data").path("reckon.json").asText();
        assertThat(json.strip()).isEqualTo(Files.readString(Chart.DASHBOARD).strip());
    }

    private static String sha256(String text) throws Exception {
        return java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    static Map<String, String> flinkConfiguration(JsonNode deployment) {
        Map<String, String> conf = new HashMap<>();
        deployment
                .path("spec")
                .path("flinkConfiguration")
                .fields()
                .forEachRemaining(e -> conf.put(e.getKey(), e.getValue().asText()));
        return conf;
    }
}
