import { isAbsolute, join, resolve } from 'node:path';
import type { EnvReader } from './env-reader.js';

export const AUDIT_LEVELS = ['NONE', 'METADATA', 'REQUEST', 'REQUEST_RESPONSE'] as const;
export type AuditLevel = (typeof AUDIT_LEVELS)[number];

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const;
export type GlobalLogLevel = (typeof LOG_LEVELS)[number];

export const TRACES_SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;
export type TracesSampler = (typeof TRACES_SAMPLERS)[number];

export interface AuditConfig {
  /** AUDIT_LOG_LEVEL: upper-cased; anything unknown means NONE (as Open WebUI). */
  level: AuditLevel;
  /** AUDIT_EXCLUDED_PATHS with the leading "/" stripped. */
  excludedPaths: string[];
  /** AUDIT_INCLUDED_PATHS (a whitelist; when set the exclusions are ignored). */
  includedPaths: string[];
  auditGetRequests: boolean;
  maxBodyLogSize: number;
  filePath: string;
  rotationBytes: number;
  fileEnabled: boolean;
  stdoutEnabled: boolean;
}

export interface OtelConfig {
  enabled: boolean;
  traces: boolean;
  metrics: boolean;
  logs: boolean;
  endpoint: string;
  insecure: boolean;
  spanExporter: 'grpc' | 'http';
  serviceName: string;
  resourceAttributes?: string;
  tracesSampler: TracesSampler;
  /** OTEL_TRACES_SAMPLER_ARG: the ratio of the *traceidratio samplers (0..1). */
  tracesSamplerRatio: number;
  basicAuth?: { username: string; password: string };
  metricsExportIntervalMillis: number;
  /** OTEL_BSP_*: how finished spans are queued and batched for export (the SDK's names and defaults). */
  spanBatch: {
    scheduledDelayMillis: number;
    maxQueueSize: number;
    maxExportBatchSize: number;
    exportTimeoutMillis: number;
  };
}

/** Environment settings of the observability library. */
export interface ObservabilityConfig {
  audit: AuditConfig;
  /** METRICS_API_KEY: when set, GET /metrics needs `Authorization: Bearer <key>`. */
  metricsApiKey?: string;
  logLevel: GlobalLogLevel;
  logFormat: 'json' | 'text';
  otel: OtelConfig;
}

const SIZE_UNITS: Record<string, number> = {
  B: 1,
  KB: 1_000,
  MB: 1_000_000,
  GB: 1_000_000_000,
  KIB: 1_024,
  MIB: 1_048_576,
  GIB: 1_073_741_824,
};

/** Loguru-style sizes: "10MB", "10 MB", "500 KB", "1.5 GiB", or bare bytes. */
export function parseByteSize(value: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  if (!match) return undefined;
  const unit = match[2] === '' ? 'B' : match[2].toUpperCase();
  const factor = SIZE_UNITS[unit];
  if (factor === undefined) return undefined;
  const bytes = Math.floor(Number(match[1]) * factor);
  return bytes > 0 ? bytes : undefined;
}

const stripSlash = (paths: string[]): string[] =>
  paths.map((path) => path.replace(/^\/+/, '')).filter((path) => path.length > 0);

/**
 * Reads the audit, log, metrics and OpenTelemetry settings. The audit file defaults to
 * DATA_DIR/audit.log (DATA_DIR resolved as load-config does).
 */
export function readObservabilityConfig(reader: EnvReader): ObservabilityConfig {
  const dataDir = resolve(reader.string('DATA_DIR', './data'));
  const rawLevel = reader.string('AUDIT_LOG_LEVEL', 'NONE').toUpperCase();
  const level = (AUDIT_LEVELS as readonly string[]).includes(rawLevel)
    ? (rawLevel as AuditLevel)
    : 'NONE';
  const filePath = reader.string('AUDIT_LOGS_FILE_PATH', join(dataDir, 'audit.log'));
  const rotation = reader.string('AUDIT_LOG_FILE_ROTATION_SIZE', '10MB');
  const rotationBytes = parseByteSize(rotation);
  reader.check(
    'AUDIT_LOG_FILE_ROTATION_SIZE',
    rotationBytes !== undefined,
    `expected a size such as 10MB, got "${rotation}"`,
  );
  const otelEnabled = reader.bool('ENABLE_OTEL', false);
  const username = reader.optionalString('OTEL_BASIC_AUTH_USERNAME');
  const password = reader.optionalString('OTEL_BASIC_AUTH_PASSWORD');
  reader.check(
    'OTEL_BASIC_AUTH_PASSWORD',
    (username === undefined) === (password === undefined),
    'OTEL_BASIC_AUTH_USERNAME and OTEL_BASIC_AUTH_PASSWORD are set together',
  );
  const endpoint = reader.string('OTEL_EXPORTER_OTLP_ENDPOINT', 'http://localhost:4317');
  reader.check(
    'OTEL_EXPORTER_OTLP_ENDPOINT',
    URL.canParse(endpoint),
    `expected a URL, got "${endpoint}"`,
  );
  return {
    audit: {
      level,
      excludedPaths: stripSlash(
        reader.list('AUDIT_EXCLUDED_PATHS', ',', ['/chats', '/chat', '/folders']),
      ),
      includedPaths: stripSlash(reader.list('AUDIT_INCLUDED_PATHS', ',')),
      auditGetRequests: reader.bool('ENABLE_AUDIT_GET_REQUESTS', false),
      maxBodyLogSize: reader.int('MAX_BODY_LOG_SIZE', 2048, { min: 0 }),
      filePath: isAbsolute(filePath) ? filePath : resolve(filePath),
      rotationBytes: rotationBytes ?? 10_000_000,
      fileEnabled: reader.bool('ENABLE_AUDIT_LOGS_FILE', true),
      stdoutEnabled: reader.bool('ENABLE_AUDIT_STDOUT', false),
    },
    metricsApiKey: reader.optionalString('METRICS_API_KEY'),
    logLevel: reader.oneOf('GLOBAL_LOG_LEVEL', LOG_LEVELS, 'INFO'),
    logFormat: reader.oneOf('LOG_FORMAT', ['json', 'text'] as const, 'text'),
    otel: {
      enabled: otelEnabled,
      traces: reader.bool('ENABLE_OTEL_TRACES', false),
      metrics: reader.bool('ENABLE_OTEL_METRICS', false),
      logs: reader.bool('ENABLE_OTEL_LOGS', false),
      endpoint,
      insecure: reader.bool('OTEL_EXPORTER_OTLP_INSECURE', false),
      spanExporter: reader.oneOf('OTEL_OTLP_SPAN_EXPORTER', ['grpc', 'http'] as const, 'grpc'),
      serviceName: reader.string('OTEL_SERVICE_NAME', 'open-webui'),
      resourceAttributes: reader.optionalString('OTEL_RESOURCE_ATTRIBUTES'),
      tracesSampler: reader.oneOf('OTEL_TRACES_SAMPLER', TRACES_SAMPLERS, 'parentbased_always_on'),
      tracesSamplerRatio: readRatio(reader),
      basicAuth:
        username !== undefined && password !== undefined ? { username, password } : undefined,
      metricsExportIntervalMillis: reader.int('OTEL_METRICS_EXPORT_INTERVAL_MILLIS', 10_000, {
        min: 100,
      }),
      spanBatch: readSpanBatch(reader),
    },
  };
}

function readSpanBatch(reader: EnvReader): OtelConfig['spanBatch'] {
  const maxQueueSize = reader.int('OTEL_BSP_MAX_QUEUE_SIZE', 2048, { min: 1 });
  const maxExportBatchSize = reader.int('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512, { min: 1 });
  reader.check(
    'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
    maxExportBatchSize <= maxQueueSize,
    `must not exceed OTEL_BSP_MAX_QUEUE_SIZE (${maxQueueSize}), got ${maxExportBatchSize}`,
  );
  return {
    scheduledDelayMillis: reader.int('OTEL_BSP_SCHEDULE_DELAY', 5000, { min: 0 }),
    maxQueueSize,
    maxExportBatchSize,
    exportTimeoutMillis: reader.int('OTEL_BSP_EXPORT_TIMEOUT', 30_000, { min: 1 }),
  };
}

function readRatio(reader: EnvReader): number {
  const raw = reader.string('OTEL_TRACES_SAMPLER_ARG', '1');
  const ratio = Number(raw);
  const valid = raw !== '' && Number.isFinite(ratio) && ratio >= 0 && ratio <= 1;
  reader.check('OTEL_TRACES_SAMPLER_ARG', valid, `expected a ratio between 0 and 1, got "${raw}"`);
  return valid ? ratio : 1;
}
