import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Loopback OTLP receivers for the OpenTelemetry e2e specs: an OTLP/HTTP one decoding the JSON
 * the exporters send to /v1/traces, /v1/metrics and /v1/logs, and an OTLP/gRPC trace service
 * decoding the protobuf request with a minimal wire-format reader.
 */
export interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values: OtlpValue[] };
}
export type OtlpAttributes = { key: string; value: OtlpValue }[];

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  status?: { code?: number; message?: string };
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
}

export interface ReceivedMetric {
  name: string;
  unit?: string;
  /** The data points, whatever the metric type. */
  points: { attributes: Record<string, unknown>; value: number }[];
}

export interface ReceivedLog {
  severityText?: string;
  severityNumber?: number;
  body: string;
  traceId?: string;
  spanId?: string;
  attributes: Record<string, unknown>;
}

function valueOf(value: OtlpValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.arrayValue) return value.arrayValue.values.map(valueOf);
  return value;
}

export function attributesOf(list: OtlpAttributes | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, valueOf(value)]));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- OTLP JSON, walked loosely
type Body = Record<string, any>;

export interface OtlpHttpReceiver {
  url: string;
  exports: { path: string; headers: IncomingHttpHeaders; body: Body }[];
  spans(): ReceivedSpan[];
  metrics(): ReceivedMetric[];
  logs(): ReceivedLog[];
  close(): Promise<void>;
}

export async function startOtlpHttpReceiver(): Promise<OtlpHttpReceiver> {
  const exports: OtlpHttpReceiver['exports'] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('error', () => undefined); // an export the exporter aborted (timeout)
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      exports.push({
        path: request.url ?? '',
        headers: request.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body,
      });
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const bodies = (key: string): Body[] =>
    exports.flatMap((item) => (item.body[key] as Body[] | undefined) ?? []);
  return {
    url: `http://127.0.0.1:${port}`,
    exports,
    spans: () =>
      bodies('resourceSpans').flatMap((resource) =>
        (resource.scopeSpans as Body[]).flatMap((scope) =>
          (scope.spans as Body[]).map((span) => ({
            traceId: span.traceId as string,
            spanId: span.spanId as string,
            parentSpanId: (span.parentSpanId as string | undefined) || undefined,
            name: span.name as string,
            kind: span.kind as number,
            status: span.status as ReceivedSpan['status'],
            attributes: attributesOf(span.attributes as OtlpAttributes),
            resource: attributesOf(resource.resource?.attributes as OtlpAttributes),
          })),
        ),
      ),
    metrics: () =>
      bodies('resourceMetrics').flatMap((resource) =>
        (resource.scopeMetrics as Body[]).flatMap((scope) =>
          (scope.metrics as Body[]).map((metric) => {
            const data = (metric.histogram ?? metric.sum ?? metric.gauge) as Body;
            return {
              name: metric.name as string,
              unit: metric.unit as string | undefined,
              points: (data.dataPoints as Body[]).map((point) => ({
                attributes: attributesOf(point.attributes as OtlpAttributes),
                value: Number(point.count ?? point.asDouble ?? point.asInt ?? 0),
              })),
            };
          }),
        ),
      ),
    logs: () =>
      bodies('resourceLogs').flatMap((resource) =>
        (resource.scopeLogs as Body[]).flatMap((scope) =>
          (scope.logRecords as Body[]).map((record) => ({
            severityText: record.severityText as string | undefined,
            severityNumber: record.severityNumber as number | undefined,
            body: valueOf(record.body as OtlpValue) as string,
            traceId: (record.traceId as string | undefined) || undefined,
            spanId: (record.spanId as string | undefined) || undefined,
            attributes: attributesOf(record.attributes as OtlpAttributes),
          })),
        ),
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Protobuf fields of one message: field number -> raw values (varints as bigint, rest as bytes). */
function protoFields(buffer: Buffer): Map<number, (bigint | Buffer)[]> {
  const fields = new Map<number, (bigint | Buffer)[]>();
  let offset = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = buffer[offset++];
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (offset < buffer.length) {
    const key = Number(varint());
    const field = key >> 3;
    const wire = key & 7;
    let value: bigint | Buffer;
    if (wire === 0) value = varint();
    else if (wire === 1) value = buffer.subarray(offset, (offset += 8));
    else if (wire === 5) value = buffer.subarray(offset, (offset += 4));
    else if (wire === 2) {
      const length = Number(varint());
      value = buffer.subarray(offset, (offset += length));
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
    fields.set(field, [...(fields.get(field) ?? []), value]);
  }
  return fields;
}

const bytesOf = (fields: Map<number, (bigint | Buffer)[]>, field: number): Buffer[] =>
  (fields.get(field) ?? []).filter((value): value is Buffer => Buffer.isBuffer(value));

/** Decodes an ExportTraceServiceRequest (opentelemetry/proto/trace/v1) into spans. */
export function decodeTraceRequest(buffer: Buffer): ReceivedSpan[] {
  const keyValues = (list: Buffer[]): Record<string, unknown> =>
    Object.fromEntries(
      list.map((item) => {
        const pair = protoFields(item);
        const any = protoFields(bytesOf(pair, 2)[0] ?? Buffer.alloc(0));
        const text = bytesOf(any, 1)[0];
        const integer = any.get(3)?.[0];
        return [
          bytesOf(pair, 1)[0].toString('utf8'),
          text ? text.toString('utf8') : typeof integer === 'bigint' ? Number(integer) : undefined,
        ];
      }),
    );
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of bytesOf(protoFields(buffer), 1)) {
    const resourceFields = protoFields(resourceSpans);
    const resource = keyValues(bytesOf(protoFields(bytesOf(resourceFields, 1)[0]), 1));
    for (const scopeSpans of bytesOf(resourceFields, 2)) {
      for (const raw of bytesOf(protoFields(scopeSpans), 2)) {
        const span = protoFields(raw);
        const parent = bytesOf(span, 4)[0];
        spans.push({
          traceId: bytesOf(span, 1)[0].toString('hex'),
          spanId: bytesOf(span, 2)[0].toString('hex'),
          parentSpanId: parent && parent.length > 0 ? parent.toString('hex') : undefined,
          name: bytesOf(span, 5)[0].toString('utf8'),
          kind: Number(span.get(6)?.[0] ?? 0),
          attributes: keyValues(bytesOf(span, 9)),
          resource,
        });
      }
    }
  }
  return spans;
}

export interface OtlpGrpcReceiver {
  url: string;
  requests: { metadata: Record<string, unknown>; spans: ReceivedSpan[] }[];
  spans(): ReceivedSpan[];
  close(): Promise<void>;
}

/** An OTLP/gRPC TraceService/Export server on a random loopback port (raw bytes in, empty reply). */
export async function startOtlpGrpcReceiver(): Promise<OtlpGrpcReceiver> {
  const grpc = await import('@grpc/grpc-js');
  const identity = (value: Buffer): Buffer => value;
  const server = new grpc.Server();
  const requests: OtlpGrpcReceiver['requests'] = [];
  server.addService(
    {
      Export: {
        path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        requestStream: false,
        responseStream: false,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
      },
    },
    {
      Export: (
        call: { request: Buffer; metadata: { getMap(): Record<string, unknown> } },
        callback: (error: null, response: Buffer) => void,
      ) => {
        requests.push({
          metadata: call.metadata.getMap(),
          spans: decodeTraceRequest(call.request),
        });
        callback(null, Buffer.alloc(0)); // an empty ExportTraceServiceResponse
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    spans: () => requests.flatMap((request) => request.spans),
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
