{{/*
The migration Job, a Helm hook (pre-install, pre-upgrade). A named template so that the chart's tests
can render it too: helm template leaves hooks out of its output.
*/}}
{{- define "reckon.migrationJob" -}}
{{- if .Values.jdbc.migration.enabled }}
{{- $m := .Values.jdbc.migration }}
{{- $v := .Values }}
# The schema migrations of the sink tables, as the tables' owner, before every install and upgrade.
# The jobs connect as the writer role, which has no DDL rights; they refuse to start on a schema that
# is not current. The owner's password reaches only this Job's pod.
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "reckon.fullname" . }}-migrate
  labels:
    {{- include "reckon.labels" . | nindent 4 }}
    app.kubernetes.io/component: migrate
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "0"
    helm.sh/hook-delete-policy: before-hook-creation
spec:
  backoffLimit: 3
  activeDeadlineSeconds: 600
  template:
    metadata:
      labels:
        {{- include "reckon.labels" . | nindent 8 }}
        app.kubernetes.io/component: migrate
    spec:
      restartPolicy: Never
      {{- with $v.securityContext.pod }}
      securityContext:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: migrate
          image: {{ printf "%s:%s" $v.image.repository $v.image.tag | quote }}
          imagePullPolicy: {{ $v.image.pullPolicy }}
          # The migration entry point of the job jar (Flink's lib/ gives it logging and Flink's
          # configuration classes); it reads only the options given here.
          command:
            - java
            - -cp
            - /opt/flink/usrlib/reckon.jar:/opt/flink/lib/*
            - io.reckon.jobs.MigrateMain
            - -D
            - {{ printf "jdbc.url=%s" (required "jdbc.url is required" $v.jdbc.url) | quote }}
            - -D
            - {{ printf "jdbc.username=%s" (required "jdbc.migration.username is required" $m.username) | quote }}
            - -D
            - {{ printf "jdbc.password-file=/etc/reckon/jdbc-owner/%s" $m.passwordSecret.key | quote }}
            - -D
            - {{ printf "migrate.writer-role=%s" $m.writerRole | quote }}
            - -D
            - {{ printf "migrate.reader-role=%s" $m.readerRole | quote }}
          {{- with $v.securityContext.container }}
          securityContext:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          resources:
            requests:
              cpu: 100m
              memory: 256Mi
            limits:
              memory: 512Mi
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            - name: owner-password
              mountPath: /etc/reckon/jdbc-owner
              readOnly: true
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
        - name: owner-password
          secret:
            secretName: {{ required "jdbc.migration.passwordSecret.name is required" $m.passwordSecret.name }}
            items:
              - key: {{ $m.passwordSecret.key }}
                path: {{ $m.passwordSecret.key }}
{{- end }}
{{- end -}}
