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
        assertThat(conf.get("kafka.properties.sasl.jaas.config"))
                .isEqualTo("${dir:/etc/reckon/kafka-user:sasl.jaas.config}");

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
                .containsEntry("kafka-secret", "reckon-kafka")
                .as("the job's own KafkaUser Secret, made by Strimzi's User Operator")
                .containsEntry("kafka-user", "reckon-reckon");
        List<String> mounts = new ArrayList<>();
        container
                .path("volumeMounts")
                .forEach(m -> mounts.add(m.path("mountPath").asText()));
        assertThat(mounts)
                .containsExactlyInAnyOrder(
                        "/tmp", "/opt/flink/log", "/etc/reckon/jdbc", "/etc/reckon/kafka", "/etc/reckon/kafka-user");
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
            assertThat(t.path("apiVersion").asText()).isEqualTo("kafka.strimzi.io/v1");
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
        JsonNode configMap = Chart.ofKind(Chart.render(), "ConfigMap").stream()
                .filter(c -> c.path("metadata").path("name").asText().equals("reckon-reckon-dashboard"))
                .findFirst()
                .orElseThrow();
        assertThat(configMap
                        .path("metadata")
                        .path("labels")
                        .path("grafana_dashboard")
                        .asText())
                .isEqualTo("1");
        String json = configMap.path("data").path("reckon.json").asText();
        assertThat(json.strip()).isEqualTo(Files.readString(Chart.DASHBOARD).strip());
    }

    @Test
    void onlyTheNamedPrincipalsWriteContractsAndApprovalsAndTheJobsGetNoMoreThanTheyNeed() throws Exception {
        Map<String, List<String>> writers = new HashMap<>();
        Map<String, List<String>> aclsByUser = new HashMap<>();
        for (JsonNode user : Chart.ofKind(Chart.render(Chart.PRODUCTION_VALUES), "KafkaUser")) {
            assertThat(user.path("apiVersion").asText()).isEqualTo("kafka.strimzi.io/v1");
            assertThat(user.path("spec").path("authentication").path("type").asText())
                    .isEqualTo("scram-sha-512");
            assertThat(user.path("spec").path("authorization").path("type").asText())
                    .isEqualTo("simple");
            String name = user.path("metadata").path("name").asText();
            List<String> acls = new ArrayList<>();
            for (JsonNode acl : user.path("spec").path("authorization").path("acls")) {
                JsonNode resource = acl.path("resource");
                String pattern = resource.path("patternType").asText("literal");
                for (JsonNode op : acl.path("operations")) {
                    acls.add(resource.path("type").asText() + ":"
                            + resource.path("name").asText() + ":" + pattern + ":" + op.asText());
                    if (resource.path("type").asText().equals("topic")
                            && op.asText().equals("Write")) {
                        writers.computeIfAbsent(resource.path("name").asText(), t -> new ArrayList<>())
                                .add(name);
                    }
                }
            }
            aclsByUser.put(name, acls);
        }
        assertThat(writers.get("recon.approvals")).containsExactly("reckon-approval-console");
        assertThat(writers.get("recon.contracts")).containsExactly("reckon-contract-sync");
        assertThat(writers.get("recon.usage")).containsExactly("reckon-metering");
        assertThat(writers.get("recon.anomalies")).containsExactly("reckon-reckon");
        assertThat(writers.get("recon.actions")).containsExactly("reckon-reckon-actions");
        assertThat(writers.get("recon.dlq")).containsExactlyInAnyOrder("reckon-reckon", "reckon-reckon-actions");

        assertThat(aclsByUser.get("reckon-reckon"))
                .containsExactlyInAnyOrder(
                        "topic:recon.usage:literal:Describe",
                        "topic:recon.usage:literal:Read",
                        "topic:recon.usage.cloudevents:literal:Describe",
                        "topic:recon.usage.cloudevents:literal:Read",
                        "topic:recon.reported:literal:Describe",
                        "topic:recon.reported:literal:Read",
                        "topic:recon.invoices:literal:Describe",
                        "topic:recon.invoices:literal:Read",
                        "topic:recon.contracts:literal:Describe",
                        "topic:recon.contracts:literal:Read",
                        "topic:recon.anomalies:literal:Describe",
                        "topic:recon.anomalies:literal:Write",
                        "topic:recon.dlq:literal:Describe",
                        "topic:recon.dlq:literal:Write",
                        "group:reckon:literal:Read",
                        "transactionalId:reckon-prod:prefix:Describe",
                        "transactionalId:reckon-prod:prefix:Write");
        assertThat(aclsByUser.get("reckon-reckon-actions"))
                .contains("topic:recon.approvals:literal:Read", "group:reckon-actions:literal:Read")
                .doesNotContain("topic:recon.approvals:literal:Write", "topic:recon.contracts:literal:Write");
        assertThat(aclsByUser.get("reckon-approval-console"))
                .containsExactlyInAnyOrder(
                        "topic:recon.approvals:literal:Describe", "topic:recon.approvals:literal:Write");
        assertThat(aclsByUser.values().stream().flatMap(List::stream))
                .as("no principal may create, alter or delete anything, or hold All")
                .noneMatch(a -> a.endsWith(":All")
                        || a.endsWith(":Create")
                        || a.endsWith(":Alter")
                        || a.endsWith(":Delete")
                        || a.endsWith(":AlterConfigs")
                        || a.startsWith("cluster:"));
        assertThat(Chart.ofKind(Chart.render(), "KafkaUser"))
                .as("off by default")
                .isEmpty();
    }

    @Test
    void everyPodRunsAsNonRootOnAReadOnlyRootFilesystemWithWritableEmptyDirsForFlink() throws Exception {
        List<JsonNode> resources = Chart.render(Chart.PRODUCTION_VALUES);
        List<JsonNode> pods = new ArrayList<>();
        Chart.ofKind(resources, "FlinkDeployment")
                .forEach(d -> pods.add(d.path("spec").path("podTemplate")));
        Chart.ofKind(resources, "Job").forEach(j -> pods.add(j.path("spec").path("template")));
        assertThat(pods).hasSize(3);
        for (JsonNode pod : pods) {
            JsonNode spec = pod.path("spec");
            assertThat(spec.path("securityContext").path("runAsNonRoot").asBoolean())
                    .isTrue();
            assertThat(spec.path("securityContext").path("runAsUser").asInt()).isEqualTo(9999);
            assertThat(spec.path("securityContext")
                            .path("seccompProfile")
                            .path("type")
                            .asText())
                    .isEqualTo("RuntimeDefault");
            JsonNode container = spec.path("containers").get(0);
            JsonNode sc = container.path("securityContext");
            assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).isTrue();
            assertThat(sc.path("allowPrivilegeEscalation").asBoolean()).isFalse();
            assertThat(sc.path("capabilities").path("drop").get(0).asText()).isEqualTo("ALL");
            Map<String, String> emptyDirs = new HashMap<>();
            spec.path("volumes").forEach(v -> {
                if (v.has("emptyDir")) {
                    emptyDirs.put(v.path("name").asText(), "");
                }
            });
            List<String> writable = new ArrayList<>();
            container.path("volumeMounts").forEach(m -> {
                if (emptyDirs.containsKey(m.path("name").asText())) {
                    writable.add(m.path("mountPath").asText());
                }
            });
            assertThat(writable).contains("/tmp");
        }
        JsonNode jobManagerPod =
                Chart.deployment(resources, "reconciliation").path("spec").path("podTemplate");
        List<String> mounts = new ArrayList<>();
        jobManagerPod
                .path("spec")
                .path("containers")
                .get(0)
                .path("volumeMounts")
                .forEach(m -> mounts.add(m.path("mountPath").asText()));
        assertThat(mounts).as("Flink's log directory").contains("/opt/flink/log");
    }

    @Test
    void theNetworkPolicySelectsTheReleasesPodsAndAllowsOnlyWhatTheyUse() throws Exception {
        JsonNode policy = Chart.single(Chart.render(Chart.PRODUCTION_VALUES), "NetworkPolicy");
        JsonNode spec = policy.path("spec");
        assertThat(spec.path("podSelector")
                        .path("matchLabels")
                        .path("app.kubernetes.io/instance")
                        .asText())
                .isEqualTo("reckon");
        assertThat(spec.path("policyTypes").toString()).isEqualTo("[\"Ingress\",\"Egress\"]");
        List<String> ingressPorts = new ArrayList<>();
        spec.path("ingress").forEach(r -> r.path("ports")
                .forEach(p -> ingressPorts.add(p.path("port").asText())));
        assertThat(ingressPorts).containsExactlyInAnyOrder("8081", "9249");
        List<String> egressPorts = new ArrayList<>();
        spec.path("egress").forEach(r -> r.path("ports")
                .forEach(p -> egressPorts.add(p.path("port").asText())));
        assertThat(egressPorts).containsExactlyInAnyOrder("53", "53", "443", "9093", "8081", "5432", "443");
        // Production narrows Kafka and PostgreSQL to their namespaces.
        assertThat(spec.path("egress").toString()).contains("\"kubernetes.io/metadata.name\":\"db\"");
    }

    @Test
    void migrationsRunAsTheOwnerInAHookJobWhileTheJobsConnectAsTheWriterAndGrafanaAsTheReader() throws Exception {
        List<JsonNode> resources = Chart.render(Chart.PRODUCTION_VALUES);
        JsonNode job = Chart.single(resources, "Job");
        assertThat(job.path("metadata").path("annotations").path("helm.sh/hook").asText())
                .isEqualTo("pre-install,pre-upgrade");
        List<String> command = new ArrayList<>();
        job.path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .get(0)
                .path("command")
                .forEach(c -> command.add(c.asText()));
        assertThat(command)
                .contains(
                        "/opt/flink/usrlib/reckon.jar:/opt/flink/lib/*",
                        "io.reckon.jobs.MigrateMain",
                        "jdbc.username=reckon_owner",
                        "jdbc.password-file=/etc/reckon/jdbc-owner/password",
                        "migrate.writer-role=reckon_writer",
                        "migrate.reader-role=reckon_reader");
        assertThat(job.path("spec")
                        .path("template")
                        .path("spec")
                        .path("volumes")
                        .toString())
                .contains("reckon-postgres-owner");
        for (JsonNode deployment : Chart.ofKind(resources, "FlinkDeployment")) {
            assertThat(flinkConfiguration(deployment)).containsEntry("jdbc.username", "reckon_writer");
            assertThat(deployment.toString()).doesNotContain("reckon-postgres-owner");
        }
        JsonNode datasource = Chart.ofKind(resources, "ConfigMap").stream()
                .filter(c -> c.path("metadata")
                        .path("labels")
                        .path("grafana_datasource")
                        .asText()
                        .equals("1"))
                .findFirst()
                .orElseThrow();
        JsonNode provisioning = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
                .readTree(datasource.path("data").path("reckon-datasource.yaml").asText());
        JsonNode ds = provisioning.path("datasources").get(0);
        assertThat(ds.path("user").asText()).isEqualTo("reckon_reader");
        assertThat(ds.path("type").asText()).isEqualTo("grafana-postgresql-datasource");
        assertThat(ds.path("secureJsonData").path("password").asText())
                .isEqualTo("$__file{/etc/secrets/reckon-reader/password}");
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
