{{- define "reckon.fullname" -}}
{{- printf "%s-reckon" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "reckon.labels" -}}
app.kubernetes.io/name: reckon
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/*
The Flink configuration of the job as a dict of strings: Flink's own options first, then the job's
options (ReconOptions, KafkaOptions, SchemaRegistryOptions, JdbcOptions), then .Values.flinkConfiguration.
Secrets never appear here: the database password and the action targets' keys are mounted files and
the registry credentials an environment variable. Arguments: root (the chart's context) and component
(reconciliation or actions).
*/}}
{{- define "reckon.flinkConfiguration" -}}
{{- $v := .root.Values -}}
{{- $actions := eq .component "actions" -}}
{{- $c := dict -}}
{{- $_ := set $c "taskmanager.numberOfTaskSlots" (toString $v.taskManager.slots) -}}
{{- $_ := set $c "pipeline.generic-types" "false" -}}
{{- if not $actions -}}
{{- /* Chained operators hand records on without a deep copy. Only the reconciliation graph is
audited as safe with it (docs/guarantees.md, "Object reuse"); the action job keeps Flink's default. */ -}}
{{- $_ := set $c "pipeline.object-reuse" "true" -}}
{{- end -}}
{{- $_ := set $c "state.backend.type" "rocksdb" -}}
{{- $_ := set $c "execution.checkpointing.dir" $v.checkpointing.dir -}}
{{- $_ := set $c "execution.checkpointing.savepoint-dir" $v.checkpointing.savepointDir -}}
{{- $_ := set $c "execution.checkpointing.interval" (toString $v.checkpointing.interval) -}}
{{- $_ := set $c "execution.checkpointing.incremental" (toString $v.checkpointing.incremental) -}}
{{- $_ := set $c "execution.checkpointing.externalized-checkpoint-retention" $v.checkpointing.retention -}}
{{- if $v.highAvailability.enabled -}}
{{- $_ := set $c "high-availability.type" "kubernetes" -}}
{{- $_ := set $c "high-availability.storageDir" (required "highAvailability.storageDir is required" $v.highAvailability.storageDir) -}}
{{- end -}}
{{- if $v.metrics.prometheus.enabled -}}
{{- $_ := set $c "metrics.reporter.prom.factory.class" "org.apache.flink.metrics.prometheus.PrometheusReporterFactory" -}}
{{- $_ := set $c "metrics.reporter.prom.port" (toString $v.metrics.prometheus.port) -}}
{{- end -}}
{{- if $v.autoscaler.enabled -}}
{{- $_ := set $c "job.autoscaler.enabled" "true" -}}
{{- /* The autoscaler rescales in place through the adaptive scheduler. */ -}}
{{- $_ := set $c "jobmanager.scheduler" "adaptive" -}}
{{- range $k, $val := $v.autoscaler.settings -}}
{{- $_ := set $c (printf "job.autoscaler.%s" $k) (toString $val) -}}
{{- end -}}
{{- end -}}
{{- $_ := set $c "kafka.bootstrap-servers" (required "kafka.bootstrapServers is required" $v.kafka.bootstrapServers) -}}
{{- /* Shared by both jobs: the action job reads with the group <group-id>-actions, and every
exactly-once sink of either job appends its own name to the transactional id prefix. */ -}}
{{- $_ := set $c "kafka.group-id" $v.kafka.groupId -}}
{{- $_ := set $c "kafka.transactional-id-prefix" $v.kafka.transactionalIdPrefix -}}
{{- $_ := set $c "kafka.starting-offsets" $v.kafka.startingOffsets -}}
{{- $_ := set $c "kafka.transaction-timeout" (toString $v.kafka.transactionTimeout) -}}
{{- range $k, $val := $v.kafka.properties -}}
{{- $_ := set $c (printf "kafka.properties.%s" $k) (toString $val) -}}
{{- end -}}
{{- $_ := set $c "schema-registry.url" (required "schemaRegistry.url is required" $v.schemaRegistry.url) -}}
{{- $_ := set $c "schema-registry.auto-register" (toString $v.schemaRegistry.autoRegister) -}}
{{- range $k, $val := $v.schemaRegistry.properties -}}
{{- $_ := set $c (printf "schema-registry.properties.%s" $k) (toString $val) -}}
{{- end -}}
{{- $_ := set $c "jdbc.url" (required "jdbc.url is required" $v.jdbc.url) -}}
{{- $_ := set $c "jdbc.username" $v.jdbc.username -}}
{{- $_ := set $c "jdbc.password-file" (printf "%s/%s" $v.jdbc.mountPath $v.jdbc.passwordSecret.key) -}}
{{- range $k, $val := $v.reconcile -}}
{{- $_ := set $c (printf "reconcile.%s" $k) (toString $val) -}}
{{- end -}}
{{- if $actions -}}
{{- $_ := set $c "actions.policy-file" "/etc/reckon/actions/policy.yaml" -}}
{{- $_ := set $c "actions.stripe.api-base" $v.actions.stripe.apiBase -}}
{{- if $v.actions.stripe.apiKeySecret.name -}}
{{- $_ := set $c "actions.stripe.api-key-file" (printf "/etc/reckon/stripe/%s" $v.actions.stripe.apiKeySecret.key) -}}
{{- end -}}
{{- $_ := set $c "actions.hubspot.api-base" $v.actions.hubspot.apiBase -}}
{{- if $v.actions.hubspot.tokenSecret.name -}}
{{- $_ := set $c "actions.hubspot.token-file" (printf "/etc/reckon/hubspot/%s" $v.actions.hubspot.tokenSecret.key) -}}
{{- end -}}
{{- range $name, $hook := $v.actions.webhooks -}}
{{- $_ := set $c (printf "actions.webhooks.%s.url" $name) (required (printf "actions.webhooks.%s.url is required" $name) $hook.url) -}}
{{- $_ := set $c (printf "actions.webhooks.%s.secret-file" $name) (printf "/etc/reckon/webhooks/%s/%s" $name $hook.secret.key) -}}
{{- end -}}
{{- range $k, $val := $v.actions.settings -}}
{{- $_ := set $c (printf "actions.%s" $k) (toString $val) -}}
{{- end -}}
{{- end -}}
{{- range $k, $val := $v.flinkConfiguration -}}
{{- $_ := set $c $k (toString $val) -}}
{{- end -}}
{{- range $k := keys $c | sortAlpha }}
{{ $k }}: {{ get $c $k | quote }}
{{- end -}}
{{- end -}}
