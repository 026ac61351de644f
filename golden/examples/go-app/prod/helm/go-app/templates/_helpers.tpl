{{/* Names, labels and the pod spec shared by every workload of the chart. */}}

{{- define "go-app.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "go-app.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "go-app.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "go-app.selectorLabels" -}}
app.kubernetes.io/name: {{ include "go-app.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "go-app.labels" -}}
helm.sh/chart: {{ include "go-app.chart" . }}
{{ include "go-app.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "go-app.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "go-app.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "go-app.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/*
The environment. Kubernetes expands $(NAME) and $$ in `value`, so `$` is doubled: the process
gets exactly the value in values.yaml, as paas-charm gives it.
*/}}
{{- define "go-app.env" -}}
{{- range .Values.env }}
- name: {{ .name | toJson }}
  {{- if .valueFrom }}
  valueFrom:
    {{- toYaml .valueFrom | nindent 4 }}
  {{- else }}
  value: {{ .value | default "" | replace "$" "$$" | toJson }}
  {{- end }}
{{- end }}
{{- end }}

{{/*
A pod spec. Arguments (a dict): root (the top context), process (web.*, a worker, a scheduler
or the migration: command, workingDir, resources), component, web (bool: ports, probes and
anti-affinity), hook (bool: a pre-install Job, which cannot use what the release creates).
*/}}
{{- define "go-app.podSpec" -}}
{{- $root := .root }}
{{- $v := $root.Values }}
{{- $p := .process }}
{{- with $v.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if or (not .hook) (not $v.serviceAccount.create) }}
serviceAccountName: {{ include "go-app.serviceAccountName" $root }}
{{- end }}
automountServiceAccountToken: {{ $v.serviceAccount.automount }}
{{- with $v.podSecurityContext }}
securityContext:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if .hook }}
restartPolicy: Never
{{- end }}
{{- if and .web (ne $v.antiAffinity "none") }}
affinity:
  podAntiAffinity:
    {{- if eq $v.antiAffinity "hard" }}
    requiredDuringSchedulingIgnoredDuringExecution:
      - topologyKey: kubernetes.io/hostname
        labelSelector:
          matchLabels:
            {{- include "go-app.selectorLabels" $root | nindent 12 }}
            app.kubernetes.io/component: web
    {{- else }}
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          topologyKey: kubernetes.io/hostname
          labelSelector:
            matchLabels:
              {{- include "go-app.selectorLabels" $root | nindent 14 }}
              app.kubernetes.io/component: web
    {{- end }}
{{- end }}
{{- with $v.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
containers:
  - name: {{ .container }}
    image: {{ include "go-app.image" $root | toJson }}
    imagePullPolicy: {{ $v.image.pullPolicy }}
    {{- with $p.command }}
    command:
      {{- range . }}
      - {{ . | replace "$" "$$" | toJson }}
      {{- end }}
    {{- end }}
    {{- with $p.workingDir }}
    workingDir: {{ . | toJson }}
    {{- end }}
    {{- if .web }}
    ports:
      - name: http
        containerPort: {{ $v.web.port }}
        protocol: TCP
    {{- with $v.startupProbe }}
    startupProbe:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    {{- with $v.readinessProbe }}
    readinessProbe:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    {{- with $v.livenessProbe }}
    livenessProbe:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    {{- end }}
    {{- with $v.env }}
    env:
      {{- include "go-app.env" $root | trim | nindent 6 }}
    {{- end }}
    {{- with ($p.resources | default $v.resources) }}
    resources:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    {{- with $v.securityContext }}
    securityContext:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    {{- if and (not .hook) (or $v.files $v.persistence) }}
    volumeMounts:
      {{- range $v.files }}
      - name: files
        mountPath: {{ .mountPath | toJson }}
        subPath: {{ .name | toJson }}
        readOnly: true
      {{- end }}
      {{- range $v.persistence }}
      - name: {{ .name }}
        mountPath: {{ .mountPath | toJson }}
      {{- end }}
    {{- end }}
{{- if and (not .hook) (or $v.files $v.persistence) }}
volumes:
  {{- if $v.files }}
  - name: files
    configMap:
      name: {{ include "go-app.fullname" $root }}-files
  {{- end }}
  {{- range $v.persistence }}
  - name: {{ .name }}
    persistentVolumeClaim:
      claimName: {{ include "go-app.fullname" $root }}-{{ .name }}
  {{- end }}
{{- end }}
{{- end }}

{{- define "go-app.podAnnotations" -}}
{{- with .Values.files }}
checksum/files: {{ toJson . | sha256sum }}
{{- end }}
{{- with .Values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end }}
