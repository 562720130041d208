import type { OtelConfig } from '@atrium/config';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { PrometheusMetricSource } from '../metrics/prometheus-metric-producer.js';
import { resetTracers } from './tracers.js';

/** A started OpenTelemetry SDK. */
export interface OtelHandle {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** `k=v,k2=v2` (values percent-decoded), as OTEL_RESOURCE_ATTRIBUTES is written. */
export function parseResourceAttributes(text: string | undefined): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const pair of (text ?? '').split(',')) {
    const index = pair.indexOf('=');
    if (index <= 0) continue;
    const key = pair.slice(0, index).trim();
    let value = pair.slice(index + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      // keep it raw
    }
    if (key) attributes[key] = value;
  }
  return attributes;
}

/** OTLP/HTTP URL of one signal: the endpoint as given, or `<endpoint>/v1/<signal>` when it has no path. */
export function httpSignalUrl(endpoint: string, signal: 'traces' | 'metrics' | 'logs'): string {
  const url = new URL(endpoint);
  if (url.pathname === '' || url.pathname === '/') url.pathname = `/v1/${signal}`;
  return url.toString();
}

/** OTLP/HTTP traces URL (see httpSignalUrl). */
export const httpTracesUrl = (endpoint: string): string => httpSignalUrl(endpoint, 'traces');

/** One log line handed to the OpenTelemetry logs pipeline. */
export interface OtelLogLine {
  severityNumber: number;
  severityText: string;
  body: string;
  attributes: Record<string, string>;
}

/** What a started SDK gives the app: ways to flush and stop, and the signals that are on. */
export interface OtelSignals extends OtelHandle {
  /** Present when ENABLE_OTEL_LOGS: emits one log record (trace-correlated by the active context). */
  emitLog?: (line: OtelLogLine) => void;
}

/**
 * How to reach the collector. `http` is OTLP/HTTP with protobuf bodies
 * (`application/x-protobuf`), the OTLP default and what Open WebUI's Python
 * `otlp.proto.http` exporters send; `grpc` is OTLP/gRPC.
 */
interface ExporterSettings {
  protocol: 'grpc' | 'http';
  endpoint: string;
  headers: Record<string, string>;
  insecure: boolean;
}

/** gRPC options shared by the three OTLP/gRPC exporters. */
async function grpcOptions(settings: ExporterSettings) {
  const grpc = await import('@grpc/grpc-js');
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(settings.headers)) metadata.set(key, value);
  const url = new URL(settings.endpoint);
  return {
    url: settings.endpoint,
    metadata,
    credentials:
      settings.insecure || url.protocol === 'http:'
        ? grpc.credentials.createInsecure()
        : grpc.credentials.createSsl(),
  };
}

async function spanExporter(settings: ExporterSettings): Promise<SpanExporter> {
  if (settings.protocol === 'http') {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
    return new OTLPTraceExporter({
      url: httpSignalUrl(settings.endpoint, 'traces'),
      headers: settings.headers,
    });
  }
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-grpc');
  return new OTLPTraceExporter(await grpcOptions(settings));
}

async function metricExporter(settings: ExporterSettings): Promise<PushMetricExporter> {
  if (settings.protocol === 'http') {
    const { OTLPMetricExporter } = await import('@opentelemetry/exporter-metrics-otlp-proto');
    return new OTLPMetricExporter({
      url: httpSignalUrl(settings.endpoint, 'metrics'),
      headers: settings.headers,
    });
  }
  const { OTLPMetricExporter } = await import('@opentelemetry/exporter-metrics-otlp-grpc');
  return new OTLPMetricExporter(await grpcOptions(settings));
}

async function logExporter(settings: ExporterSettings): Promise<LogRecordExporter> {
  if (settings.protocol === 'http') {
    const { OTLPLogExporter } = await import('@opentelemetry/exporter-logs-otlp-proto');
    return new OTLPLogExporter({
      url: httpSignalUrl(settings.endpoint, 'logs'),
      headers: settings.headers,
    });
  }
  const { OTLPLogExporter } = await import('@opentelemetry/exporter-logs-otlp-grpc');
  return new OTLPLogExporter(await grpcOptions(settings));
}

/**
 * Loads and starts @opentelemetry/sdk-node with an OTLP exporter (grpc, or http/protobuf, as
 * OTEL_OTLP_SPAN_EXPORTER says) for each signal that is on: traces (ENABLE_OTEL_TRACES),
 * metrics (ENABLE_OTEL_METRICS: `metrics`' prom-client registry, read every
 * OTEL_METRICS_EXPORT_INTERVAL_MILLIS) and logs (ENABLE_OTEL_LOGS). Every component is given
 * explicitly, so the SDK never falls back to its own OTEL_*_EXPORTER defaults. Imported
 * dynamically: with ENABLE_OTEL off nothing is loaded.
 */
export async function startOtel(
  config: OtelConfig,
  metrics: PrometheusMetricSource,
): Promise<OtelSignals> {
  const [{ NodeSDK }, { resourceFromAttributes }, base, api, { SharedContextManager }] =
    await Promise.all([
      import('@opentelemetry/sdk-node'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/api'),
      import('./shared-context-manager.js'),
    ]);
  const headers: Record<string, string> = {};
  if (config.basicAuth) {
    const token = Buffer.from(`${config.basicAuth.username}:${config.basicAuth.password}`);
    headers.authorization = `Basic ${token.toString('base64')}`;
  }
  const settings: ExporterSettings = {
    protocol: config.spanExporter,
    endpoint: config.endpoint,
    headers,
    insecure: config.insecure,
  };
  const flushes: (() => Promise<void>)[] = [];

  const spanProcessors = [];
  if (config.traces) {
    const processor = new base.BatchSpanProcessor(await spanExporter(settings), config.spanBatch);
    spanProcessors.push(processor);
    flushes.push(() => processor.forceFlush());
  }
  const metricReaders = [];
  if (config.metrics) {
    const [{ PeriodicExportingMetricReader }, { PrometheusMetricProducer }] = await Promise.all([
      import('@opentelemetry/sdk-metrics'),
      import('../metrics/prometheus-metric-producer.js'),
    ]);
    const reader = new PeriodicExportingMetricReader({
      exporter: await metricExporter(settings),
      metricProducers: [new PrometheusMetricProducer(metrics)],
      exportIntervalMillis: config.metricsExportIntervalMillis,
      exportTimeoutMillis: Math.min(30_000, config.metricsExportIntervalMillis),
    });
    metricReaders.push(reader);
    flushes.push(() => reader.forceFlush());
  }
  const logRecordProcessors = [];
  if (config.logs) {
    const { BatchLogRecordProcessor } = await import('@opentelemetry/sdk-logs');
    const processor = new BatchLogRecordProcessor({ exporter: await logExporter(settings) });
    logRecordProcessors.push(processor);
    flushes.push(() => processor.forceFlush());
  }

  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      ...parseResourceAttributes(config.resourceAttributes),
      'service.name': config.serviceName,
    }),
    sampler: samplerOf(base, config),
    spanProcessors,
    metricReaders,
    logRecordProcessors,
    instrumentations: [],
    // The active span lives in the request context's AsyncLocalStorage, not a second one.
    contextManager: new SharedContextManager(),
  });
  sdk.start();
  resetTracers();

  const signals: OtelSignals = {
    forceFlush: async () => {
      await Promise.all(flushes.map((flush) => flush()));
    },
    shutdown: async () => {
      await sdk.shutdown();
      // Let a later app in the same process (tests) register its own SDK.
      api.trace.disable();
      api.metrics.disable();
      api.propagation.disable();
      api.context.disable();
      resetTracers();
      if (config.logs) (await import('@opentelemetry/api-logs')).logs.disable();
    },
  };
  if (config.logs) {
    const { logs } = await import('@opentelemetry/api-logs');
    const logger = logs.getLogger('atrium');
    signals.emitLog = (line) => logger.emit(line);
  }
  return signals;
}

type TraceBase = typeof import('@opentelemetry/sdk-trace-base');

function samplerOf(base: TraceBase, config: OtelConfig) {
  const ratio = new base.TraceIdRatioBasedSampler(config.tracesSamplerRatio);
  switch (config.tracesSampler) {
    case 'always_on':
      return new base.AlwaysOnSampler();
    case 'always_off':
      return new base.AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_off':
      return new base.ParentBasedSampler({ root: new base.AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new base.ParentBasedSampler({ root: ratio });
    case 'parentbased_always_on':
      return new base.ParentBasedSampler({ root: new base.AlwaysOnSampler() });
  }
}
