{{- define "berth.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "berth.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one component: (dict "ctx" $ "component" "scheduler") */}}
{{- define "berth.selectorLabels" -}}
app.kubernetes.io/name: {{ .ctx.Chart.Name }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "berth.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "berth.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- .Values.serviceAccount.name | default (include "berth.fullname" .) -}}
{{- else -}}
{{- .Values.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end -}}

{{- define "berth.bundledPostgres" -}}
{{- if and (not .Values.externalDatabase.url) (not .Values.externalDatabase.existingSecret) -}}true{{- end -}}
{{- end -}}
{{- define "berth.bundledRedis" -}}
{{- if and (not .Values.externalRedis.url) (not .Values.externalRedis.existingSecret) -}}true{{- end -}}
{{- end -}}

{{- define "berth.connectionsSecret" -}}{{ include "berth.fullname" . }}-connections{{- end -}}
{{- define "berth.keysSecret" -}}{{ .Values.keys.existingSecret | default (printf "%s-keys" (include "berth.fullname" .)) }}{{- end -}}

{{/* The environment every Berth process gets: connections, keys, settings. */}}
{{- define "berth.env" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.externalDatabase.existingSecret | default (include "berth.connectionsSecret" .) }}
      key: DATABASE_URL
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.externalRedis.existingSecret | default (include "berth.connectionsSecret" .) }}
      key: REDIS_URL
- name: BERTH_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "berth.keysSecret" . }}
      key: BERTH_SECRET_KEY
- name: BERTH_SERVER_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "berth.keysSecret" . }}
      key: BERTH_SERVER_SECRET_KEY
# Pods are reached through Services: listen on every interface (the default, 127.0.0.1, is for local runs).
- name: BERTH_BIND_ADDRESS
  value: 0.0.0.0
- name: BERTH_DATA_DIR
  value: /var/lib/berth
# git and helm write their caches under $HOME: the writable /tmp (the root filesystem is read-only).
- name: HOME
  value: /tmp
{{- range $name, $value := .Values.config }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end -}}

{{/* /healthz says the process answers (liveness); /readyz that Postgres and Redis do too (readiness). */}}
{{- define "berth.probes" -}}
startupProbe:
  httpGet: { path: /healthz, port: http }
  periodSeconds: 2
  failureThreshold: 60
livenessProbe:
  httpGet: { path: /healthz, port: http }
  periodSeconds: 10
  timeoutSeconds: 3
readinessProbe:
  httpGet: { path: /readyz, port: http }
  periodSeconds: 5
  timeoutSeconds: 3
{{- end -}}

{{/* The writable places of a read-only root filesystem: git mirrors and caches, and /tmp for helm. */}}
{{- define "berth.volumeMounts" -}}
- name: data
  mountPath: /var/lib/berth
- name: tmp
  mountPath: /tmp
{{- end -}}
{{- define "berth.volumes" -}}
- name: data
  emptyDir: {}
- name: tmp
  emptyDir: {}
{{- end -}}

{{/* One Berth Deployment: (dict "ctx" $ "component" "worker" "values" .Values.worker "command" "dist/apps/worker/src/main.js" "portEnv" "WORKER_PORT" "env" (list) ) */}}
{{- define "berth.deployment" -}}
{{- $ := .ctx -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "berth.fullname" $ }}-{{ .component }}
  labels:
    {{- include "berth.labels" $ | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
spec:
  {{- if not .autoscaled }}
  replicas: {{ .values.replicas }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "berth.selectorLabels" (dict "ctx" $ "component" .component) | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "berth.selectorLabels" (dict "ctx" $ "component" .component) | nindent 8 }}
      annotations:
        prometheus.io/scrape: 'true'
        prometheus.io/port: {{ .values.port | quote }}
        prometheus.io/path: /metrics
        {{- with .checksum }}
        checksum/config: {{ . }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "berth.serviceAccountName" $ }}
      automountServiceAccountToken: {{ .needsApi }}
      {{- with $.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $.Values.podSecurityContext | nindent 8 }}
      # SIGTERM drains a process: a worker finishes the sync it runs (grace 120 s by default).
      terminationGracePeriodSeconds: {{ .grace | default 30 }}
      containers:
        - name: {{ .component }}
          image: {{ include "berth.image" $ }}
          imagePullPolicy: {{ $.Values.image.pullPolicy }}
          command: [node, {{ .command }}]
          ports:
            - name: http
              containerPort: {{ .values.port }}
          env:
            - name: {{ .portEnv }}
              value: {{ .values.port | quote }}
            {{- include "berth.env" $ | nindent 12 }}
            {{- with .env }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- with .envFrom }}
          envFrom:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- include "berth.probes" $ | nindent 10 }}
          resources:
            {{- toYaml .values.resources | nindent 12 }}
          securityContext:
            {{- toYaml $.Values.securityContext | nindent 12 }}
          volumeMounts:
            {{- include "berth.volumeMounts" $ | nindent 12 }}
            {{- with .extraMounts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
      volumes:
        {{- include "berth.volumes" $ | nindent 8 }}
        {{- with .extraVolumes }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- with .values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end -}}

{{- define "berth.pdb" -}}
{{- $ := .ctx -}}
{{- if .values.pdb.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "berth.fullname" $ }}-{{ .component }}
  labels:
    {{- include "berth.labels" $ | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
spec:
  {{- if hasKey .values.pdb "minAvailable" }}
  minAvailable: {{ .values.pdb.minAvailable }}
  {{- else }}
  maxUnavailable: {{ .values.pdb.maxUnavailable }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "berth.selectorLabels" (dict "ctx" $ "component" .component) | nindent 6 }}
{{- end }}
{{- end -}}
