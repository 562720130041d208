import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, trace, type ProxyTracerProvider } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelCallTelemetry, outgoingTraceHeaders, TracingService } from '@atrium/observability';
import { bootApp, type BootedApp } from './harness/boot-app.js';
import { bearer, signup, type Account } from './auth-fixtures.js';
import { decodeOtlpHttpBody } from './support/otlp-protobuf.js';

/**
 * OpenTelemetry: with ENABLE_OTEL on, each HTTP request becomes a SERVER span exported over
 * OTLP/HTTP (protobuf, as Open WebUI's exporter) to a loopback receiver (decoded here),
 * continuing the caller's W3C trace context and carrying Open WebUI's client attributes; with
 * it off nothing is loaded or sent.
 */
interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: OtlpValue }[];
}
interface OtlpExport {
  resourceSpans: {
    resource: { attributes: { key: string; value: OtlpValue }[] };
    scopeSpans: { spans: OtlpSpan[] }[];
  }[];
}

function attributesOf(list: { key: string; value: OtlpValue }[]): Record<string, unknown> {
  return Object.fromEntries(
    list.map(({ key, value }) => [
      key,
      value.stringValue ?? (value.intValue === undefined ? value : Number(value.intValue)),
    ]),
  );
}

async function startReceiver() {
  const exports: { path: string; headers: IncomingHttpHeaders; body: OtlpExport }[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '';
      const body = Buffer.concat(chunks);
      exports.push({
        path,
        headers: request.headers,
        body: decodeOtlpHttpBody(path, request.headers['content-type'], body) as OtlpExport,
      });
      response.writeHead(200, { 'Content-Type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exports,
    spans: () =>
      exports.flatMap((item) =>
        item.body.resourceSpans.flatMap((resource) =>
          resource.scopeSpans.flatMap((scope) =>
            scope.spans.map((span) => ({
              ...span,
              resource: attributesOf(resource.resource.attributes),
            })),
          ),
        ),
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('OpenTelemetry tracing over OTLP/HTTP', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let booted: BootedApp;
  let admin: Account;

  beforeAll(async () => {
    receiver = await startReceiver();
    booted = await bootApp({
      env: {
        ENABLE_OTEL: 'true',
        ENABLE_OTEL_TRACES: 'true',
        OTEL_OTLP_SPAN_EXPORTER: 'http',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_SERVICE_NAME: 'atrium-test',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=e2e,team=platform%20ops',
        OTEL_BASIC_AUTH_USERNAME: 'collector',
        OTEL_BASIC_AUTH_PASSWORD: 'collector-pass',
      },
    });
    admin = await signup(booted.http, 'admin@example.com');
  });
  afterAll(async () => {
    await booted?.close();
    await receiver?.close();
  });

  it('exports a SERVER span per request with the caller, route and W3C parent', async () => {
    const traceId = randomBytes(16).toString('hex');
    const parentId = randomBytes(8).toString('hex');
    await booted.http
      .get(`/api/v1/users/${randomUUID()}`)
      .set(...bearer(admin))
      .set('traceparent', `00-${traceId}-${parentId}-01`)
      .set('X-Request-Id', 'otel-req-1');
    await booted.app.get(TracingService).flush();
    const spans = receiver.spans();
    // The trace also holds the request's database spans (children of this one).
    const span = spans.find((item) => item.traceId === traceId && item.kind === 2);
    expect(span).toBeDefined();
    expect(span!).toMatchObject({
      name: 'GET /api/v1/users/:user_id',
      kind: 2, // SERVER
      parentSpanId: parentId,
    });
    expect(attributesOf(span!.attributes)).toMatchObject({
      'http.request.method': 'GET',
      'http.route': '/api/v1/users/:user_id',
      'client.user.id': admin.id,
      'client.user.email': 'admin@example.com',
      'client.user.role': 'admin',
      'client.auth.type': 'jwt',
      'atrium.request_id': 'otel-req-1',
    });
    expect(span!.resource).toMatchObject({
      'service.name': 'atrium-test',
      'deployment.environment': 'e2e',
      team: 'platform ops',
    });
    const signupSpan = spans.find((item) => item.name === 'POST /api/v1/auths/signup');
    expect(signupSpan).toBeDefined();
    expect(attributesOf(signupSpan!.attributes)['http.response.status_code']).toBe(200);
    expect(receiver.exports[0].path).toBe('/v1/traces');
    // OTLP/HTTP in protobuf, as Open WebUI's `otlp.proto.http` exporters send it.
    expect(receiver.exports[0].headers['content-type']).toBe('application/x-protobuf');
    expect(receiver.exports[0].headers.authorization).toBe(
      `Basic ${Buffer.from('collector:collector-pass').toString('base64')}`,
    );
  });
});

describe('OpenTelemetry GenAI spans and metrics of a model call', () => {
  it('records one CLIENT span per model call under its parent, and the relay metrics', async () => {
    const receiver = await startReceiver();
    const booted = await bootApp({
      env: {
        ENABLE_OTEL: 'true',
        ENABLE_OTEL_TRACES: 'true',
        OTEL_OTLP_SPAN_EXPORTER: 'http',
        OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.url}/v1/traces`,
      },
    });
    try {
      const telemetry = booted.app.get(ModelCallTelemetry);
      const parent = trace.getTracer('test').startSpan('POST /ollama/api/chat');
      let upstreamHeaders: Record<string, string> = {};
      context.with(trace.setSpan(context.active(), parent), () => {
        upstreamHeaders = outgoingTraceHeaders({ 'content-type': 'application/json' });
        const call = telemetry.start({
          provider: 'ollama',
          connection: 'ollama-0',
          model: 'llama3:latest',
          streamed: true,
        });
        call.firstToken();
        call.usage(12, 34);
        call.end('stop');
        call.end('again'); // idempotent
        const failed = telemetry.start({
          provider: 'openai',
          connection: 'openai-1',
          model: 'gpt-4o',
        });
        failed.fail('http_502', new Error('Bad Gateway'));
        failed.end();
      });
      parent.end();
      expect(upstreamHeaders).toEqual({
        'content-type': 'application/json',
        traceparent: `00-${parent.spanContext().traceId}-${parent.spanContext().spanId}-01`,
      });
      await booted.app.get(TracingService).flush();
      const spans = receiver.spans();
      const chat = spans.find((span) => span.name === 'chat llama3:latest')!;
      expect(chat).toMatchObject({ kind: 3, parentSpanId: parent.spanContext().spanId }); // CLIENT
      expect(chat.traceId).toBe(parent.spanContext().traceId);
      expect(attributesOf(chat.attributes)).toMatchObject({
        'gen_ai.system': 'ollama',
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'llama3:latest',
        'gen_ai.usage.input_tokens': 12,
        'gen_ai.usage.output_tokens': 34,
      });
      expect(attributesOf(chat.attributes)['gen_ai.response.time_to_first_token']).toBeDefined();
      const failedSpan = spans.find((span) => span.name === 'chat gpt-4o') as unknown as {
        status: { code: number; message: string };
        attributes: { key: string; value: OtlpValue }[];
      };
      expect(failedSpan.status).toMatchObject({ code: 2, message: 'Bad Gateway' });
      const metrics = (await booted.http.get('/metrics')).text;
      expect(metrics).toContain('atrium_active_streams{provider="ollama"} 0');
      expect(metrics).toContain(
        'atrium_tokens_relayed_total{provider="ollama",model="llama3:latest",kind="output"} 34',
      );
      expect(metrics).toContain(
        'atrium_time_to_first_token_seconds_count{provider="ollama",model="llama3:latest"} 1',
      );
      expect(metrics).toContain(
        'atrium_upstream_errors_total{connection="openai-1",reason="http_502"} 1',
      );
    } finally {
      await booted.close();
      await receiver.close();
    }
  });
});

describe('OpenTelemetry off (the default)', () => {
  it('loads no SDK and registers no tracer provider', async () => {
    const booted = await bootApp();
    try {
      expect(booted.app.get(TracingService).enabled).toBe(false);
      await booted.http.get('/health').expect(200);
      const provider = trace.getTracerProvider() as ProxyTracerProvider;
      expect(provider.getDelegate().constructor.name).toBe('NoopTracerProvider');
      expect(outgoingTraceHeaders()).toEqual({});
    } finally {
      await booted.close();
    }
  });
});
