import type { OtelConfig } from '@atrium/config';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

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

/** OTLP/HTTP traces URL: the endpoint as given, or `<endpoint>/v1/traces` when it has no path. */
export function httpTracesUrl(endpoint: string): string {
  const url = new URL(endpoint);
  if (url.pathname === '' || url.pathname === '/') url.pathname = '/v1/traces';
  return url.toString();
}

/**
 * Loads and starts @opentelemetry/sdk-node with an OTLP span exporter (grpc or http). Imported
 * dynamically, so with ENABLE_OTEL off none of the SDK is ever loaded.
 */
export async function startOtel(config: OtelConfig): Promise<OtelHandle> {
  const [{ NodeSDK }, { resourceFromAttributes }, base] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/sdk-trace-base'),
  ]);
  const headers: Record<string, string> = {};
  if (config.basicAuth) {
    const token = Buffer.from(`${config.basicAuth.username}:${config.basicAuth.password}`);
    headers.authorization = `Basic ${token.toString('base64')}`;
  }
  let exporter: SpanExporter;
  if (config.spanExporter === 'http') {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    exporter = new OTLPTraceExporter({ url: httpTracesUrl(config.endpoint), headers });
  } else {
    const [{ OTLPTraceExporter }, grpc] = await Promise.all([
      import('@opentelemetry/exporter-trace-otlp-grpc'),
      import('@grpc/grpc-js'),
    ]);
    const metadata = new grpc.Metadata();
    for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
    const url = new URL(config.endpoint);
    exporter = new OTLPTraceExporter({
      url: config.endpoint,
      metadata,
      credentials:
        config.insecure || url.protocol === 'http:'
          ? grpc.credentials.createInsecure()
          : grpc.credentials.createSsl(),
    });
  }
  const processor = new base.BatchSpanProcessor(exporter);
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      ...parseResourceAttributes(config.resourceAttributes),
      'service.name': config.serviceName,
    }),
    sampler: samplerOf(base, config),
    spanProcessors: [processor],
    instrumentations: [],
  });
  sdk.start();
  return {
    forceFlush: () => processor.forceFlush(),
    shutdown: () => sdk.shutdown(),
  };
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
