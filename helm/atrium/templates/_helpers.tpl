{{/* Chart name. */}}
{{- define "atrium.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified app name. */}}
{{- define "atrium.fullname" -}}
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

{{- define "atrium.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels shared by every object; add app.kubernetes.io/component yourself. */}}
{{- define "atrium.commonLabels" -}}
helm.sh/chart: {{ include "atrium.chart" . }}
app.kubernetes.io/name: {{ include "atrium.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Labels of the API objects. */}}
{{- define "atrium.labels" -}}
{{ include "atrium.commonLabels" . }}
app.kubernetes.io/component: api
{{- end }}

{{- define "atrium.selectorLabels" -}}
app.kubernetes.io/name: {{ include "atrium.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: api
{{- end }}

{{- define "atrium.ollamaSelectorLabels" -}}
app.kubernetes.io/name: {{ include "atrium.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: ollama
{{- end }}

{{- define "atrium.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "atrium.ollamaName" -}}
{{- printf "%s-ollama" (include "atrium.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Checks that several replicas have a shared database and Redis.
*/}}
{{- define "atrium.validate" -}}
{{- $multi := or .Values.autoscaling.enabled (gt (int .Values.replicaCount) 1) }}
{{- if and $multi (not .Values.existingSecret) }}
{{- if not .Values.database.url }}
{{- fail "database.url (PostgreSQL or MySQL) or existingSecret with DATABASE_URL is required with more than one replica" }}
{{- end }}
{{- if not .Values.redis.url }}
{{- fail "redis.url or existingSecret with REDIS_URL is required with more than one replica" }}
{{- end }}
{{- end }}
{{- if and .Values.migrations.enabled (not .Values.existingSecret) (not .Values.database.url) }}
{{- fail "the migration Job needs an external database (database.url or existingSecret); for a single SQLite pod set migrations.enabled=false so the pod migrates at start" }}
{{- end }}
{{- end }}

{{/*
WEBUI_SECRET_KEY: the value given, else the one already in the release's Secret, else a new
random one (computed once per render so every object gets the same value).
*/}}
{{- define "atrium.webuiSecretKey" -}}
{{- if .Values.secrets.webuiSecretKey }}
{{- .Values.secrets.webuiSecretKey }}
{{- else }}
{{- $existing := lookup "v1" "Secret" .Release.Namespace (include "atrium.fullname" .) }}
{{- if and $existing $existing.data (hasKey $existing.data "WEBUI_SECRET_KEY") }}
{{- index $existing.data "WEBUI_SECRET_KEY" | b64dec }}
{{- else }}
{{- if not (hasKey .Values.secrets "_generated") }}
{{- $_ := set .Values.secrets "_generated" (randAlphaNum 48) }}
{{- end }}
{{- .Values.secrets._generated }}
{{- end }}
{{- end }}
{{- end }}

{{/* Plain environment (ConfigMap data). The app pods never migrate: the Job does. */}}
{{- define "atrium.configData" -}}
PORT: {{ .Values.service.port | quote }}
HOST: "0.0.0.0"
DATA_DIR: "/app/backend/data"
{{- $multi := or .Values.autoscaling.enabled (gt (int .Values.replicaCount) 1) }}
{{- if and (or $multi .Values.redis.url) (not (hasKey .Values.env "WEBSOCKET_MANAGER")) }}
WEBSOCKET_MANAGER: "redis"
{{- end }}
{{- if and .Values.ollama.enabled (not (hasKey .Values.env "OLLAMA_BASE_URLS")) }}
OLLAMA_BASE_URLS: {{ printf "http://%s:%v" (include "atrium.ollamaName" .) .Values.ollama.port | quote }}
{{- end }}
{{- range $key, $value := .Values.env }}
{{- if ne $key "ENABLE_DB_MIGRATIONS" }}
{{ $key }}: {{ $value | toString | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/* Secret environment (Secret data, base64). */}}
{{- define "atrium.secretData" -}}
{{- if not (and .Values.existingSecret (not .Values.secrets.webuiSecretKey)) }}
WEBUI_SECRET_KEY: {{ include "atrium.webuiSecretKey" . | b64enc | quote }}
{{- end }}
{{- with .Values.database.url }}
DATABASE_URL: {{ . | b64enc | quote }}
{{- end }}
{{- with .Values.redis.url }}
REDIS_URL: {{ . | b64enc | quote }}
{{- end }}
{{- range $key, $value := .Values.secretEnv }}
{{ $key }}: {{ $value | toString | b64enc | quote }}
{{- end }}
{{- end }}
