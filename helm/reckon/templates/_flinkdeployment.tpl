{{/*
One job as a FlinkDeployment in application mode. Arguments: root (the chart's context), component
(reconciliation or actions) and job (that job's values: entryClass, parallelism, upgradeMode, ...).
Both jobs share the image, checkpoint storage, Kafka, registry and database settings.
*/}}
{{- define "reckon.flinkDeployment" -}}
{{- $root := .root -}}
{{- $component := .component -}}
{{- $job := .job -}}
{{- $name := include "reckon.fullname" $root -}}
{{- if ne $component "reconciliation" -}}
{{- $name = printf "%s-%s" $name $component | trunc 63 | trimSuffix "-" -}}
{{- end -}}
apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata:
  name: {{ $name }}
  labels:
    {{- include "reckon.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ $component }}
spec:
  image: {{ printf "%s:%s" $root.Values.image.repository $root.Values.image.tag | quote }}
  imagePullPolicy: {{ $root.Values.image.pullPolicy }}
  flinkVersion: {{ $root.Values.flinkVersion }}
  serviceAccount: {{ $root.Values.serviceAccount }}
  mode: native
  restartNonce: {{ $root.Values.restartNonce }}
  flinkConfiguration:
    {{- include "reckon.flinkConfiguration" (dict "root" $root "component" $component) | indent 4 }}
  podTemplate:
    metadata:
      labels:
        {{- include "reckon.labels" $root | nindent 8 }}
        app.kubernetes.io/component: {{ $component }}
      {{- if or $root.Values.metrics.prometheus.enabled (eq $component "actions") }}
      annotations:
        {{- if $root.Values.metrics.prometheus.enabled }}
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ $root.Values.metrics.prometheus.port | quote }}
        {{- end }}
        {{- if eq $component "actions" }}
        # A changed policy changes the spec, so the operator redeploys the job through a savepoint.
        reckon.io/policy-sha256: {{ $root.Values.actions.policy | sha256sum | quote }}
        {{- end }}
      {{- end }}
    spec:
      {{- with $root.Values.securityContext.pod }}
      securityContext:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        # The operator merges this into the JobManager and TaskManager containers.
        - name: flink-main-container
          {{- with $root.Values.securityContext.container }}
          securityContext:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- if $root.Values.metrics.prometheus.enabled }}
          ports:
            - name: metrics
              containerPort: {{ $root.Values.metrics.prometheus.port }}
              protocol: TCP
          {{- end }}
          {{- if $root.Values.schemaRegistry.basicAuthSecret.name }}
          env:
            # Read by SchemaRegistryOptions when schema-registry.basic-auth.user-info is not set.
            - name: SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO
              valueFrom:
                secretKeyRef:
                  name: {{ $root.Values.schemaRegistry.basicAuthSecret.name }}
                  key: {{ $root.Values.schemaRegistry.basicAuthSecret.key }}
          {{- end }}
          volumeMounts:
            {{- range $name, $path := $root.Values.securityContext.writableDirs }}
            - name: {{ printf "writable-%s" $name }}
              mountPath: {{ $path }}
            {{- end }}
            - name: jdbc-password
              mountPath: {{ $root.Values.jdbc.mountPath }}
              readOnly: true
            {{- if $root.Values.kafkaUsers.enabled }}
            - name: kafka-user
              mountPath: {{ $root.Values.kafkaUsers.mountPath }}
              readOnly: true
            {{- end }}
            {{- if $root.Values.kafka.secret.name }}
            - name: kafka-secret
              mountPath: {{ $root.Values.kafka.secret.mountPath }}
              readOnly: true
            {{- end }}
            {{- if eq $component "actions" }}
            {{- include "reckon.actionsVolumeMounts" $root | nindent 12 }}
            {{- end }}
      volumes:
        {{- range $name, $path := $root.Values.securityContext.writableDirs }}
        - name: {{ printf "writable-%s" $name }}
          emptyDir:
            sizeLimit: {{ $root.Values.securityContext.writableDirSizeLimit }}
        {{- end }}
        {{- if $root.Values.kafkaUsers.enabled }}
        # The Secret Strimzi's User Operator writes for this job's own KafkaUser.
        - name: kafka-user
          secret:
            secretName: {{ $name }}
        {{- end }}
        - name: jdbc-password
          secret:
            secretName: {{ required "jdbc.passwordSecret.name is required" $root.Values.jdbc.passwordSecret.name }}
            items:
              - key: {{ $root.Values.jdbc.passwordSecret.key }}
                path: {{ $root.Values.jdbc.passwordSecret.key }}
        {{- if $root.Values.kafka.secret.name }}
        - name: kafka-secret
          secret:
            secretName: {{ $root.Values.kafka.secret.name }}
        {{- end }}
        {{- if eq $component "actions" }}
        {{- include "reckon.actionsVolumes" $root | nindent 8 }}
        {{- end }}
  jobManager:
    replicas: {{ $root.Values.jobManager.replicas }}
    resource:
      cpu: {{ $root.Values.jobManager.resources.cpu }}
      memory: {{ $root.Values.jobManager.resources.memory | quote }}
  taskManager:
    resource:
      cpu: {{ $root.Values.taskManager.resources.cpu }}
      memory: {{ $root.Values.taskManager.resources.memory | quote }}
  job:
    jarURI: {{ $job.jarURI }}
    entryClass: {{ $job.entryClass }}
    parallelism: {{ $job.parallelism }}
    upgradeMode: {{ $job.upgradeMode }}
    state: {{ $job.state }}
    allowNonRestoredState: {{ $job.allowNonRestoredState }}
    savepointTriggerNonce: {{ $job.savepointTriggerNonce }}
    {{- with $job.initialSavepointPath }}
    initialSavepointPath: {{ . }}
    {{- end }}
{{- end -}}

{{/* The action job's policy and the Secrets of its targets, each mounted read-only as files. */}}
{{- define "reckon.actionsVolumeMounts" -}}
{{- $a := .Values.actions -}}
- name: actions-policy
  mountPath: /etc/reckon/actions
  readOnly: true
{{- if $a.stripe.apiKeySecret.name }}
- name: stripe-api-key
  mountPath: /etc/reckon/stripe
  readOnly: true
{{- end }}
{{- if $a.hubspot.tokenSecret.name }}
- name: hubspot-token
  mountPath: /etc/reckon/hubspot
  readOnly: true
{{- end }}
{{- range $name, $hook := $a.webhooks }}
- name: {{ printf "webhook-%s" $name | trunc 63 | trimSuffix "-" }}
  mountPath: {{ printf "/etc/reckon/webhooks/%s" $name }}
  readOnly: true
{{- end }}
{{- end -}}

{{- define "reckon.actionsVolumes" -}}
{{- $a := .Values.actions -}}
- name: actions-policy
  configMap:
    name: {{ include "reckon.fullname" . }}-actions-policy
{{- if $a.stripe.apiKeySecret.name }}
- name: stripe-api-key
  secret:
    secretName: {{ $a.stripe.apiKeySecret.name }}
    items:
      - key: {{ $a.stripe.apiKeySecret.key }}
        path: {{ $a.stripe.apiKeySecret.key }}
{{- end }}
{{- if $a.hubspot.tokenSecret.name }}
- name: hubspot-token
  secret:
    secretName: {{ $a.hubspot.tokenSecret.name }}
    items:
      - key: {{ $a.hubspot.tokenSecret.key }}
        path: {{ $a.hubspot.tokenSecret.key }}
{{- end }}
{{- range $name, $hook := $a.webhooks }}
- name: {{ printf "webhook-%s" $name | trunc 63 | trimSuffix "-" }}
  secret:
    secretName: {{ required (printf "actions.webhooks.%s.secret.name is required" $name) $hook.secret.name }}
    items:
      - key: {{ $hook.secret.key }}
        path: {{ $hook.secret.key }}
{{- end }}
{{- end -}}
