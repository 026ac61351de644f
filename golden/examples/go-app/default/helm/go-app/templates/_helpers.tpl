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

{{- define "go-app.endpoints" -}}
{{- printf "%s-endpoints" (include "go-app.fullname" . | trunc 53 | trimSuffix "-") }}
{{- end }}

{{/* <PREFIX>PEER_FQDNS: the DNS name of the pod of each unit in `ordinals`. Argument: a dict
with root and ordinals. */}}
{{- define "go-app.peerFqdns" -}}
{{- $pod := include "go-app.fullname" .root }}
{{- $domain := printf "%s.%s.svc.cluster.local" (include "go-app.endpoints" .root) .root.Release.Namespace }}
{{- $hosts := list }}
{{- range .ordinals }}
{{- $hosts = append $hosts (printf "%s-%d.%s" $pod (int .) $domain) }}
{{- end }}
{{- join "," $hosts }}
{{- end }}

{{/*
The web pods' wrapper around the main service's command: the environment gives every unit's
host in <PREFIX>PEER_FQDNS; the shell drops this pod's own (its name is $HOSTNAME, else
/etc/hostname: the pod's name), unsets the variable when no other unit is left (as paas-charm
omits it), and execs the command with its arguments unchanged. Argument: the variable's name.
*/}}
{{- define "go-app.peersScript" -}}
set -f; h=${HOSTNAME:-}; [ -n "$h" ] || read -r h < /etc/hostname; p=; IFS=,; for x in ${{ . }}; do case $x in "$h".*) ;; *) p=${p:+$p,}$x ;; esac; done; unset IFS; if [ -n "$p" ]; then export {{ . }}="$p"; else unset {{ . }}; fi; exec "$@"
{{- end }}

{{/* A map of strings (labels, annotations, a node selector), each key and value quoted:
toYaml leaves strings such as `<<` bare, which YAML 1.1 readers take as a merge key. */}}
{{- define "go-app.strings" -}}
{{- range $k, $v := . }}
{{ $k | quote }}: {{ $v | quote }}
{{- end }}
{{- end }}

{{/*
checkov's skip annotations for a workload, each with the reason the check does not fit this
chart (README, "Hardening"). Argument: a dict with root and, for workers and schedulers, noProbes.
*/}}
{{- define "go-app.checkovSkips" -}}
{{- $v := .root.Values }}
checkov.io/skip1: "CKV_K8S_35=paas-charm gives the app its secrets as environment variables; the chart keeps that contract through secretKeyRef"
checkov.io/skip2: "CKV_K8S_15=IfNotPresent: the image is pinned by tag or digest, and Always would make every pod start depend on the registry"
{{- if not $v.image.digest }}
checkov.io/skip3: "CKV_K8S_43=the profile gives the image by tag; give kubernetes.image as REPOSITORY@sha256:DIGEST to pin it"
{{- end }}
{{- $requests := $v.resources.requests | default dict }}
{{- $limits := $v.resources.limits | default dict }}
{{- $why := "the profile sets no kubernetes.resources for it; give requests and limits in production" }}
{{- if not $requests.cpu }}
checkov.io/skip6: {{ printf "CKV_K8S_10=%s" $why | quote }}
{{- end }}
{{- if not $limits.cpu }}
checkov.io/skip7: {{ printf "CKV_K8S_11=%s" $why | quote }}
{{- end }}
{{- if not $requests.memory }}
checkov.io/skip8: {{ printf "CKV_K8S_12=%s" $why | quote }}
{{- end }}
{{- if not $limits.memory }}
checkov.io/skip9: {{ printf "CKV_K8S_13=%s" $why | quote }}
{{- end }}
{{- if .noProbes }}
checkov.io/skip4: "CKV_K8S_8=a worker or scheduler serves no port and the rock's Pebble checks watch only the main service"
checkov.io/skip5: "CKV_K8S_9=a worker or scheduler serves no port and the rock's Pebble checks watch only the main service"
{{- end }}
{{- end }}

{{- define "go-app.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "go-app.selectorLabels" -}}
app.kubernetes.io/name: {{ include "go-app.name" . | quote }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
{{- end }}

{{- define "go-app.labels" -}}
helm.sh/chart: {{ include "go-app.chart" . | quote }}
{{ include "go-app.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
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
gets exactly the value in values.yaml, as paas-charm gives it. Argument: a dict with root and
web (the web pods get every unit in <PREFIX>PEER_FQDNS, which their wrapper narrows).
*/}}
{{- define "go-app.env" -}}
{{- $root := .root }}
{{- $peers := $root.Values.peers }}
{{- $web := default false .web }}
{{- range $root.Values.env }}
- name: {{ .name | quote }}
  {{- if .valueFrom }}
  valueFrom:
    {{- toYaml .valueFrom | nindent 4 }}
  {{- else if and $peers.variable (eq .name $peers.variable) }}
  value: {{ include "go-app.peerFqdns" (dict "root" $root "ordinals" (ternary $peers.units $peers.ordinals (and $web (not (empty $peers.units))))) | quote }}
  {{- else }}
  value: {{ .value | default "" | replace "$" "$$" | quote }}
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
serviceAccountName: {{ include "go-app.serviceAccountName" $root | quote }}
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
  {{- include "go-app.strings" . | trim | nindent 2 }}
{{- end }}
{{- with $v.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
containers:
  - name: {{ .container | quote }}
    image: {{ include "go-app.image" $root | quote }}
    imagePullPolicy: {{ $v.image.pullPolicy | quote }}
    {{- with $p.command }}
    command:
      {{- if and $.web $v.peers.variable $v.peers.units }}
      - "/bin/sh"
      - "-c"
      - {{ include "go-app.peersScript" $v.peers.variable | replace "$" "$$" | quote }}
      - "sh"
      {{- end }}
      {{- range . }}
      - {{ . | replace "$" "$$" | quote }}
      {{- end }}
    {{- end }}
    {{- with $p.workingDir }}
    workingDir: {{ . | quote }}
    {{- end }}
    {{- if .web }}
    ports:
      - name: http
        containerPort: {{ $v.web.port }}
        protocol: TCP
      {{- if and $v.metrics.enabled (not $v.metrics.exporter) (ne (int $v.metrics.port) (int $v.web.port)) }}
      - name: metrics
        containerPort: {{ $v.metrics.port }}
        protocol: TCP
      {{- end }}
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
      {{- include "go-app.env" (dict "root" $root "web" $.web) | trim | nindent 6 }}
    {{- end }}
    {{- with ($p.resources | default $v.resources) }}
    resources:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    {{- with $v.securityContext }}
    securityContext:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    {{- $own := not (not (and (not .hook) (or $v.files $v.persistence))) }}
    {{- $scratch := not (not (and $v.securityContext.readOnlyRootFilesystem $v.scratchDirs)) }}
    {{- if or $own $scratch }}
    volumeMounts:
      {{- if $scratch }}
      {{- range $v.scratchDirs }}
      - name: {{ .name | quote }}
        mountPath: {{ .mountPath | quote }}
      {{- end }}
      {{- end }}
      {{- if $own }}
      {{- range $v.files }}
      - name: files
        mountPath: {{ .mountPath | quote }}
        subPath: {{ .name | quote }}
        readOnly: true
      {{- end }}
      {{- range $v.persistence }}
      - name: {{ .name | quote }}
        mountPath: {{ .mountPath | quote }}
      {{- end }}
      {{- end }}
    {{- end }}
  {{- if and .web $v.metrics.enabled $v.metrics.exporter }}
  {{- with $v.metrics.exporter }}
  - name: {{ .name | quote }}
    image: {{ .image | default (include "go-app.image" $root) | quote }}
    imagePullPolicy: {{ $v.image.pullPolicy | quote }}
    command:
      {{- range .command }}
      - {{ . | replace "$" "$$" | quote }}
      {{- end }}
    ports:
      - name: metrics
        containerPort: {{ $v.metrics.port }}
        protocol: TCP
    readinessProbe:
      tcpSocket:
        port: metrics
      periodSeconds: 10
    livenessProbe:
      tcpSocket:
        port: metrics
      periodSeconds: 20
    {{- with .resources }}
    resources:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    {{- with $v.securityContext }}
    securityContext:
      {{- toYaml . | nindent 6 }}
    {{- end }}
  {{- end }}
  {{- end }}
{{- if or $own $scratch }}
volumes:
  {{- if $scratch }}
  {{- range $v.scratchDirs }}
  - name: {{ .name | quote }}
    emptyDir: {}
  {{- end }}
  {{- end }}
  {{- if and $own $v.files }}
  - name: files
    configMap:
      name: {{ printf "%s-files" (include "go-app.fullname" $root) | quote }}
  {{- end }}
  {{- range (ternary $v.persistence list $own) }}
  - name: {{ .name | quote }}
    persistentVolumeClaim:
      claimName: {{ printf "%s-%s" (include "go-app.fullname" $root) .name | quote }}
  {{- end }}
{{- end }}
{{- end }}

{{- define "go-app.podAnnotations" -}}
{{- with .Values.files }}
checksum/files: {{ toJson . | sha256sum }}
{{- end }}
{{- with .Values.podAnnotations }}
{{ include "go-app.strings" . | trim }}
{{- end }}
{{- end }}
