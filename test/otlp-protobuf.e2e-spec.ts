import { SpanStatusCode, ValueType, context, trace } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  JsonLogsSerializer,
  JsonMetricsSerializer,
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import { MeterProvider, MetricReader, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeTraceRequest, startOtlpHttpReceiver } from './otel-receiver.js';
import {
  decodeExportRequest,
  decodeMessage,
  type OtlpObject,
  type OtlpSignal,
} from './support/otlp-protobuf.js';

/**
 * The receivers' OTLP protobuf decoder (support/otlp-protobuf.ts) against the OpenTelemetry JS
 * serializers the exporters use: real spans, metrics and log records are encoded with the
 * Protobuf*Serializer, decoded, and compared with what the Json*Serializer makes of the same
 * data; then the real OTLP/HTTP protobuf exporters send to the loopback receiver.
 */

/** A manual reader: collect() hands back the current metrics. */
class CollectingReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

interface Telemetry {
  spans: ReadableSpan[];
  metrics: ResourceMetrics;
  logs: ReadableLogRecord[];
}

async function makeTelemetry(): Promise<Telemetry> {
  const resource = resourceFromAttributes({
    'service.name': 'atrium-test',
    replicas: 3,
    ratio: 1.5,
    canary: true,
    zones: ['a', 'b'],
  });
  const spanExporter = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({
    resource,
    spanProcessors: [new SimpleSpanProcessor(spanExporter)],
  }).getTracer('atrium', '1.2.3');
  const root = tracer.startSpan('GET /api/models', {
    kind: 1, // SERVER
    attributes: { 'http.route': '/api/models', count: 42, delta: -5, share: 0.25, cached: false },
  });
  const child = tracer.startSpan(
    'chat llama3',
    { kind: 2, attributes: { tags: ['x', 'y'], sizes: [1, 2] } }, // CLIENT
    trace.setSpan(context.active(), root),
  );
  child.addEvent('first token', { index: 0 });
  child.addLink({ context: root.spanContext(), attributes: { reason: 'retry' } });
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'Bad Gateway' });
  child.end();
  root.end();

  const reader = new CollectingReader();
  const meter = new MeterProvider({ resource, readers: [reader] }).getMeter('atrium.metrics');
  meter.createCounter('atrium.tokens_relayed').add(34, { kind: 'output' });
  meter.createUpDownCounter('atrium.active_streams').add(-2);
  meter.createGauge('atrium.connections', { valueType: ValueType.INT }).record(7);
  const duration = meter.createHistogram('http.server.request.duration', { unit: 's' });
  duration.record(0.3, { 'http.route': '/api/chat' });
  duration.record(12, { 'http.route': '/api/chat' });
  const { resourceMetrics } = await reader.collect();

  const logExporter = new InMemoryLogRecordExporter();
  const loggerProvider = new LoggerProvider({
    resource,
    processors: [new SimpleLogRecordProcessor({ exporter: logExporter })],
  });
  loggerProvider.getLogger('atrium').emit({
    severityNumber: 13,
    severityText: 'WARNING',
    body: 'upstream slow',
    attributes: { 'code.namespace': 'Relay', attempt: 2 },
    eventName: 'relay.slow',
    context: trace.setSpan(context.active(), root),
  });
  await loggerProvider.forceFlush();

  return {
    spans: spanExporter.getFinishedSpans(),
    metrics: resourceMetrics,
    logs: logExporter.getFinishedLogRecords(),
  };
}

const bytesOf = (data: Uint8Array | undefined): Buffer => {
  if (!data) throw new Error('the serializer returned nothing');
  return Buffer.from(data);
};

const encoded = (telemetry: Telemetry) => ({
  traces: {
    protobuf: bytesOf(ProtobufTraceSerializer.serializeRequest(telemetry.spans)),
    json: bytesOf(JsonTraceSerializer.serializeRequest(telemetry.spans)),
  },
  metrics: {
    protobuf: bytesOf(ProtobufMetricsSerializer.serializeRequest(telemetry.metrics)),
    json: bytesOf(JsonMetricsSerializer.serializeRequest(telemetry.metrics)),
  },
  logs: {
    protobuf: bytesOf(ProtobufLogsSerializer.serializeRequest(telemetry.logs)),
    json: bytesOf(JsonLogsSerializer.serializeRequest(telemetry.logs)),
  },
});

/** oneof members: set even when they hold the default value, so never dropped. */
const ONEOF_MEMBERS = new Set([
  'stringValue',
  'boolValue',
  'intValue',
  'doubleValue',
  'bytesValue',
  'asDouble',
  'asInt',
]);

const isDefault = (value: unknown): boolean =>
  value === undefined ||
  value === '' ||
  value === '0' ||
  value === false ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === 'object' && value !== null && Object.keys(value).length === 0);

/**
 * One OTLP/JSON object in one spelling, for comparing two writers that agree on meaning: the
 * JS JSON serializer writes some 64-bit integers as numbers and fields at their default value
 * (`droppedAttributesCount: 0`, `description: ""`), the proto3 JSON mapping decimal strings and
 * nothing. Integers become decimal strings and default-valued fields go (except oneof members).
 */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .map(([key, item]) => [key, canonical(item)] as const)
      .filter(([key, item]) => ONEOF_MEMBERS.has(key) || !isDefault(item)),
  );
}

describe('OTLP protobuf decoder', () => {
  let telemetry: Telemetry;
  let bodies: ReturnType<typeof encoded>;

  beforeAll(async () => {
    telemetry = await makeTelemetry();
    bodies = encoded(telemetry);
  });

  it.each<OtlpSignal>(['traces', 'metrics', 'logs'])(
    'decodes the %s protobuf request into what the JSON serializer writes',
    (signal) => {
      const decoded = decodeExportRequest(signal, bodies[signal].protobuf);
      const json = JSON.parse(bodies[signal].json.toString('utf8')) as OtlpObject;
      expect(Object.keys(json)).toHaveLength(1); // resourceSpans / resourceMetrics / resourceLogs
      expect(JSON.stringify(json)).toContain(signal === 'logs' ? 'upstream slow' : 'atrium');
      expect(canonical(decoded)).toEqual(canonical(json));
    },
  );

  it('writes the OTLP/JSON mapping: hex ids, int64 as strings, enums and doubles as numbers', () => {
    const [resourceSpans] = decodeExportRequest('traces', bodies.traces.protobuf).resourceSpans;
    const [child, root] = resourceSpans.scopeSpans[0].spans as OtlpObject[];
    expect(resourceSpans.scopeSpans[0].scope).toMatchObject({ name: 'atrium', version: '1.2.3' });
    expect(root.traceId).toBe(telemetry.spans[1].spanContext().traceId);
    expect(root.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(child.parentSpanId).toBe(root.spanId);
    expect(root.parentSpanId).toBeUndefined();
    expect(root).toMatchObject({ name: 'GET /api/models', kind: 2, flags: 257 });
    expect(root.startTimeUnixNano).toMatch(/^\d{19}$/);
    expect(root.attributes).toEqual([
      { key: 'http.route', value: { stringValue: '/api/models' } },
      { key: 'count', value: { intValue: '42' } },
      { key: 'delta', value: { intValue: '-5' } },
      { key: 'share', value: { doubleValue: 0.25 } },
      { key: 'cached', value: { boolValue: false } },
    ]);
    expect(child).toMatchObject({
      kind: 3,
      status: { code: 2, message: 'Bad Gateway' },
      events: [{ name: 'first token', attributes: [{ key: 'index', value: { intValue: '0' } }] }],
      links: [{ traceId: root.traceId, spanId: root.spanId }],
    });
    expect(child.attributes[1]).toEqual({
      key: 'sizes',
      value: { arrayValue: { values: [{ intValue: '1' }, { intValue: '2' }] } },
    });

    const [resourceMetrics] = decodeExportRequest('metrics', bodies.metrics.protobuf)
      .resourceMetrics as OtlpObject[];
    const metrics = resourceMetrics.scopeMetrics[0].metrics as OtlpObject[];
    const byName = (name: string) => metrics.find((metric) => metric.name === name)!;
    expect(byName('atrium.tokens_relayed').sum).toMatchObject({
      aggregationTemporality: 2,
      isMonotonic: true,
      dataPoints: [
        { asDouble: 34, attributes: [{ key: 'kind', value: { stringValue: 'output' } }] },
      ],
    });
    expect(byName('atrium.connections').gauge.dataPoints[0].asInt).toBe('7');
    const [point] = byName('http.server.request.duration').histogram.dataPoints as OtlpObject[];
    expect(point).toMatchObject({ count: '2', sum: 12.3, min: 0.3, max: 12 });
    expect(point.explicitBounds.slice(0, 4)).toEqual([0, 5, 10, 25]);
    expect(point.bucketCounts.slice(0, 4)).toEqual(['0', '1', '0', '1']);

    const [record] = decodeExportRequest('logs', bodies.logs.protobuf).resourceLogs[0].scopeLogs[0]
      .logRecords as OtlpObject[];
    expect(record).toMatchObject({
      severityNumber: 13,
      severityText: 'WARNING',
      body: { stringValue: 'upstream slow' },
      eventName: 'relay.slow',
      traceId: root.traceId,
      spanId: root.spanId,
    });
  });

  it('reads unpacked repeated scalars, skips unknown fields and rejects malformed bytes', () => {
    // HistogramDataPoint: count (4, fixed64) = 3; bucket_counts (6) unpacked, one fixed64 each;
    // an unknown field 99 (varint); explicit_bounds (7) packed.
    const fixed64 = (tag: number, value: bigint) => {
      const bytes = Buffer.alloc(9);
      bytes[0] = tag;
      bytes.writeBigUInt64LE(value, 1);
      return bytes;
    };
    const bounds = Buffer.alloc(8);
    bounds.writeDoubleLE(2.5);
    const point = Buffer.concat([
      fixed64((4 << 3) | 1, 3n),
      fixed64((6 << 3) | 1, 1n),
      fixed64((6 << 3) | 1, 2n),
      Buffer.from([0x98, 0x06, 0x01]), // field 99, varint 1
      Buffer.from([(7 << 3) | 2, 8]),
      bounds,
    ]);
    expect(decodeMessage(point, 'HistogramDataPoint')).toEqual({
      count: '3',
      bucketCounts: ['1', '2'],
      explicitBounds: [2.5],
      attributes: [],
    });
    expect(() => decodeMessage(point.subarray(0, 5), 'HistogramDataPoint')).toThrow(/truncated/);
    // KeyValue.key (1) sent as a varint: the wrong wire type for a string.
    expect(() => decodeMessage(Buffer.from([0x08, 0x01]), 'KeyValue')).toThrow(/wire type 0/);
  });

  it('decodes a gRPC trace request into the same spans as the HTTP receiver', async () => {
    const receiver = await startOtlpHttpReceiver();
    try {
      const response = await fetch(`${receiver.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: bodies.traces.protobuf,
      });
      expect(response.status).toBe(200);
      expect(decodeTraceRequest(bodies.traces.protobuf)).toEqual(receiver.spans());
      expect(receiver.spans().map((span) => span.name)).toEqual(['chat llama3', 'GET /api/models']);
    } finally {
      await receiver.close();
    }
  });
});

describe('OTLP/HTTP receiver', () => {
  let receiver: Awaited<ReturnType<typeof startOtlpHttpReceiver>>;
  let telemetry: Telemetry;

  beforeAll(async () => {
    receiver = await startOtlpHttpReceiver();
    telemetry = await makeTelemetry();
  });
  afterAll(() => receiver?.close());

  it('takes the protobuf exports of the OTLP/HTTP exporters', async () => {
    const headers = { authorization: 'Basic dGVzdA==' };
    const results = await Promise.all([
      new Promise<{ code: number }>((resolve) =>
        new OTLPTraceExporter({ url: `${receiver.url}/v1/traces`, headers }).export(
          telemetry.spans,
          resolve,
        ),
      ),
      new Promise<{ code: number }>((resolve) =>
        new OTLPMetricExporter({ url: `${receiver.url}/v1/metrics`, headers }).export(
          telemetry.metrics,
          resolve,
        ),
      ),
      new Promise<{ code: number }>((resolve) =>
        new OTLPLogExporter({ url: `${receiver.url}/v1/logs`, headers }).export(
          telemetry.logs,
          resolve,
        ),
      ),
    ]);
    expect(results.map((result) => result.code)).toEqual([0, 0, 0]); // ExportResultCode.SUCCESS
    expect(receiver.exports).toHaveLength(3);
    for (const item of receiver.exports) {
      expect(item.headers['content-type'], item.path).toBe('application/x-protobuf');
      expect(item.headers.authorization, item.path).toBe('Basic dGVzdA==');
    }

    const root = receiver.spans().find((span) => span.name === 'GET /api/models')!;
    expect(root).toMatchObject({
      kind: 2,
      attributes: { 'http.route': '/api/models', count: 42, delta: -5, share: 0.25 },
      resource: { 'service.name': 'atrium-test', replicas: 3, zones: ['a', 'b'] },
    });
    expect(receiver.spans().find((span) => span.name === 'chat llama3')).toMatchObject({
      parentSpanId: root.spanId,
      status: { code: 2, message: 'Bad Gateway' },
    });
    expect(receiver.metrics()).toContainEqual({
      name: 'http.server.request.duration',
      unit: 's',
      points: [{ attributes: { 'http.route': '/api/chat' }, value: 2 }],
    });
    expect(receiver.metrics().find((metric) => metric.name === 'atrium.connections')).toEqual({
      name: 'atrium.connections',
      points: [{ attributes: {}, value: 7 }],
    });
    expect(receiver.logs()).toEqual([
      {
        severityText: 'WARNING',
        severityNumber: 13,
        body: 'upstream slow',
        traceId: root.traceId,
        spanId: root.spanId,
        attributes: { 'code.namespace': 'Relay', attempt: 2 },
      },
    ]);
  });

  it('still takes OTLP/JSON when the request says application/json', async () => {
    receiver.exports.length = 0;
    const response = await fetch(`${receiver.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: bytesOf(JsonTraceSerializer.serializeRequest(telemetry.spans)),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    const fromJson = receiver.spans();
    expect(fromJson.map((span) => span.name)).toEqual(['chat llama3', 'GET /api/models']);
    expect(fromJson).toEqual(
      decodeTraceRequest(bytesOf(ProtobufTraceSerializer.serializeRequest(telemetry.spans))),
    );
  });

  it('answers 400 with a detail to a body it cannot decode', async () => {
    receiver.exports.length = 0;
    const response = await fetch(`${receiver.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: Buffer.from([0x0a, 0x05, 0x01]), // resource_spans (1) claiming 5 bytes, with 1
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ detail: 'truncated protobuf message' });
    expect(receiver.exports).toHaveLength(0);
  });
});
