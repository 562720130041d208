import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  decodeExportRequest,
  decodeOtlpHttpBody,
  isJsonContentType,
  type OtlpObject,
} from './support/otlp-protobuf.js';

/**
 * Loopback OTLP receivers for the OpenTelemetry e2e specs: an OTLP/HTTP one taking what the
 * exporters send to /v1/traces, /v1/metrics and /v1/logs (protobuf, or JSON when the request
 * says application/json), and an OTLP/gRPC trace service. Protobuf requests are decoded
 * (support/otlp-protobuf.ts) into the OTLP/JSON shape, so every accessor reads one shape.
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

type Body = OtlpObject;

export interface OtlpHttpReceiver {
  url: string;
  exports: { path: string; headers: IncomingHttpHeaders; body: Body }[];
  spans(): ReceivedSpan[];
  metrics(): ReceivedMetric[];
  logs(): ReceivedLog[];
  close(): Promise<void>;
}

const listOf = (bodies: Body[], key: string): Body[] =>
  bodies.flatMap((body) => (body[key] as Body[] | undefined) ?? []);

function spansOf(bodies: Body[]): ReceivedSpan[] {
  return listOf(bodies, 'resourceSpans').flatMap((resource) =>
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
  );
}

function metricsOf(bodies: Body[]): ReceivedMetric[] {
  return listOf(bodies, 'resourceMetrics').flatMap((resource) =>
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
  );
}

function logsOf(bodies: Body[]): ReceivedLog[] {
  return listOf(bodies, 'resourceLogs').flatMap((resource) =>
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
  );
}

export async function startOtlpHttpReceiver(): Promise<OtlpHttpReceiver> {
  const exports: OtlpHttpReceiver['exports'] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('error', () => undefined); // an export the exporter aborted (timeout)
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '';
      const contentType = request.headers['content-type'];
      let body: Body;
      try {
        body = decodeOtlpHttpBody(path, contentType, Buffer.concat(chunks));
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        response
          .writeHead(400, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ detail }));
        return;
      }
      exports.push({ path, headers: request.headers, body });
      // An empty Export*ServiceResponse, in the encoding of the request.
      if (isJsonContentType(contentType)) {
        response.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      } else response.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const bodies = () => exports.map((item) => item.body);
  return {
    url: `http://127.0.0.1:${port}`,
    exports,
    spans: () => spansOf(bodies()),
    metrics: () => metricsOf(bodies()),
    logs: () => logsOf(bodies()),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Decodes an ExportTraceServiceRequest (opentelemetry/proto/trace/v1) into spans. */
export const decodeTraceRequest = (buffer: Buffer): ReceivedSpan[] =>
  spansOf([decodeExportRequest('traces', buffer)]);

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
