import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { context, trace } from '@opentelemetry/api';
import {
  AtriumLogger,
  AtriumMetrics,
  runWithRequestContext,
  TracingService,
} from '@atrium/observability';
import { authTargets, signup, startAuthApp, type Account, type AuthApp } from './auth-fixtures.js';
import { bootApp } from './harness/boot-app.js';
import { startFakeOllama, type FakeServer } from './fakes/fake-model-server.js';
import {
  startOtlpGrpcReceiver,
  startOtlpHttpReceiver,
  type OtlpHttpReceiver,
  type ReceivedSpan,
} from './otel-receiver.js';
import { REDIS_VARIABLE } from './support/test-databases.js';

/**
 * OpenTelemetry end to end: one chat completion through /api/chat/completions yields the HTTP
 * SERVER span, the database spans of the request and the GenAI CLIENT span of the model call,
 * all in one trace (on every database engine available), received by a loopback OTLP/HTTP
 * receiver; the same metrics as /metrics and the log lines go out over OTLP too; the gRPC
 * exporter reaches a loopback OTLP/gRPC trace service.
 */
const hasRedis = Boolean(process.env[REDIS_VARIABLE]?.trim());
const SERVER = 2;
const CLIENT = 3;

const chatBody = {
  model: 'llama3:latest',
  stream: true,
  messages: [{ role: 'user', content: 'hi' }],
};

function traceOf(spans: ReceivedSpan[], root: ReceivedSpan): ReceivedSpan[] {
  return spans.filter((span) => span.traceId === root.traceId);
}

// sqlite, postgres+redis (postgres alone without Redis) and mysql: each engine once, Redis once.
const targets = authTargets('OTEL chat trace').filter(({ target }) =>
  target.redisUrl ? target.engine === 'postgres' : target.engine !== 'postgres' || !hasRedis,
);

for (const { target, enabled } of targets) {
  describe.skipIf(!enabled)(`one chat completion traced on ${target.name}`, () => {
    let receiver: OtlpHttpReceiver;
    let ollama: FakeServer;
    let app: AuthApp;
    let admin: Account;

    beforeAll(async () => {
      receiver = await startOtlpHttpReceiver();
      ollama = await startFakeOllama({ models: ['llama3:latest'], tokens: ['Hel', 'lo', '!'] });
      app = await startAuthApp(target, {
        env: {
          ENABLE_OTEL: 'true',
          ENABLE_OTEL_TRACES: 'true',
          ENABLE_OTEL_METRICS: 'true',
          ENABLE_OTEL_LOGS: 'true',
          OTEL_OTLP_SPAN_EXPORTER: 'http',
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_METRICS_EXPORT_INTERVAL_MILLIS: '60000',
          OLLAMA_BASE_URLS: ollama.url,
          ENABLE_OPENAI_API: 'false',
          BYPASS_MODEL_ACCESS_CONTROL: 'true',
        },
      });
      admin = await signup(app.http, 'admin@example.com');
    });
    afterAll(async () => {
      await app?.close();
      await ollama?.close();
      await receiver?.close();
    });

    it('links the HTTP, database and GenAI spans in one trace with their attributes', async () => {
      const response = await app.http
        .post('/api/chat/completions')
        .set('Authorization', `Bearer ${admin.token}`)
        .set('X-Request-Id', 'chat-trace-1')
        .send(chatBody)
        .expect(200);
      expect(response.text).toContain('data: [DONE]');
      await app.booted.app.get(TracingService).flush();
      const spans = receiver.spans();
      const http = spans.find((span) => span.name === 'POST /api/chat/completions');
      expect(http, spans.map((span) => span.name).join(', ')).toBeDefined();
      expect(http!).toMatchObject({ kind: SERVER });
      expect(http!.attributes).toMatchObject({
        'http.request.method': 'POST',
        'http.route': '/api/chat/completions',
        'http.response.status_code': 200,
        'client.user.id': admin.id,
        'client.user.role': 'admin',
        'client.auth.type': 'jwt',
        'atrium.request_id': 'chat-trace-1',
      });
      const inTrace = traceOf(spans, http!);
      const ids = new Set(inTrace.map((span) => span.spanId));
      // Every span of the trace hangs off another span of it, up to the HTTP span.
      for (const span of inTrace) {
        if (span !== http) expect(ids.has(span.parentSpanId!), span.name).toBe(true);
      }

      const genai = inTrace.find((span) => span.name === 'chat llama3:latest');
      expect(genai, inTrace.map((span) => span.name).join(', ')).toBeDefined();
      expect(genai!.kind).toBe(CLIENT);
      expect(genai!.attributes).toMatchObject({
        'gen_ai.system': 'ollama',
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'llama3:latest',
        'gen_ai.response.finish_reasons': ['stop'],
      });
      expect(genai!.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
      expect(genai!.attributes['gen_ai.response.time_to_first_token']).toBeGreaterThan(0);
      // W3C trace context reached the model server, inside this trace.
      const upstream = ollama.requests.find((request) => request.path === '/api/chat');
      expect(upstream?.headers.traceparent).toMatch(new RegExp(`^00-${http!.traceId}-`));

      const system = { sqlite: 'sqlite', postgres: 'postgresql', mysql: 'mysql' }[target.engine];
      const database = inTrace.filter((span) => span.attributes['db.system.name'] === system);
      expect(database.length, inTrace.map((span) => span.name).join(', ')).toBeGreaterThan(0);
      expect(database[0].kind).toBe(CLIENT);
      expect(database[0].attributes['db.query.text']).toMatch(/^\s*(SELECT|INSERT|UPDATE)/i);
      expect(database[0].attributes['db.operation.name']).toMatch(/^[A-Z]+$/);
      // Parameterised SQL only: no credential or value leaks into a span.
      expect(JSON.stringify(inTrace)).not.toContain(admin.token);
      if (target.redisUrl) {
        const redis = inTrace.filter((span) => span.attributes['db.system.name'] === 'redis');
        expect(redis.length, inTrace.map((span) => span.name).join(', ')).toBeGreaterThan(0);
        expect(redis[0].kind).toBe(CLIENT);
        expect(redis[0].attributes['db.operation.name']).toMatch(/^[A-Z]+$/);
      }
    });

    // Engine-independent checks: registered for the SQLite target only (not skipped elsewhere).
    const itOnce = target.engine === 'sqlite' ? it : () => undefined;

    itOnce(
      'traces work run through TracingService.inSpan (socket.io events), failures included',
      async () => {
        const tracing = app.booted.app.get(TracingService);
        const value = await tracing.inSpan(
          'socket.io chat-events',
          { 'socket.io.event': 'chat-events', 'socket.io.namespace': '/' },
          async () => {
            await new Promise((resolve) => setTimeout(resolve, 5));
            return 42;
          },
          { kind: 'server' },
        );
        expect(value).toBe(42);
        expect(() =>
          tracing.inSpan('socket.io usage', {}, () => {
            throw new Error('handler failed');
          }),
        ).toThrow('handler failed');
        await tracing.flush();
        const spans = receiver.spans();
        expect(spans.find((span) => span.name === 'socket.io chat-events')).toMatchObject({
          kind: SERVER,
          attributes: { 'socket.io.event': 'chat-events', 'socket.io.namespace': '/' },
        });
        expect(spans.find((span) => span.name === 'socket.io usage')?.status).toMatchObject({
          code: 2,
          message: 'handler failed',
        });
      },
    );

    itOnce('exports the same metrics as /metrics and the log lines over OTLP', async () => {
      const tracing = app.booted.app.get(TracingService);
      app.booted.app.get(AtriumMetrics).socketConnected();
      const logger = app.booted.app.get(AtriumLogger);
      const span = trace.getTracer('test').startSpan('log parent');
      context.with(trace.setSpan(context.active(), span), () =>
        runWithRequestContext(
          { requestId: 'log-req-1', sourceIp: null, userAgent: null, user: () => undefined },
          () => logger.warn('upstream slow: Bearer sk-should-not-leak-1', 'Relay'),
        ),
      );
      span.end();
      await tracing.flush();

      const metrics = receiver.metrics();
      const names = metrics.map((metric) => metric.name);
      for (const name of [
        'http.server.request.duration',
        'gen_ai.server.time_to_first_token',
        'atrium.tokens_relayed',
        'atrium.active_streams',
        'atrium.socket_connections',
      ]) {
        expect(names, name).toContain(name);
      }
      const duration = metrics.find((metric) => metric.name === 'http.server.request.duration')!;
      expect(duration.unit).toBe('s');
      expect(duration.points).toContainEqual({
        attributes: {
          'http.request.method': 'POST',
          'http.route': '/api/chat/completions',
          'http.response.status_code': '200',
        },
        value: 1,
      });
      const tokens = metrics.find((metric) => metric.name === 'atrium.tokens_relayed')!;
      const prom = (await app.http.get('/metrics')).text;
      const output = tokens.points.find(
        (point) => point.attributes['gen_ai.token.type'] === 'output',
      )!;
      expect(prom).toContain(
        `atrium_tokens_relayed_total{provider="ollama",model="llama3:latest",kind="output"} ${output.value}`,
      );

      const line = receiver.logs().find((log) => log.body.startsWith('upstream slow'));
      expect(line).toMatchObject({
        severityText: 'WARNING',
        severityNumber: 13,
        body: 'upstream slow: Bearer ********',
        traceId: span.spanContext().traceId,
        spanId: span.spanContext().spanId,
        attributes: { 'code.namespace': 'Relay', 'atrium.request_id': 'log-req-1' },
      });
      expect(receiver.exports.map((item) => item.path)).toEqual(
        expect.arrayContaining(['/v1/traces', '/v1/metrics', '/v1/logs']),
      );
    });
  });
}

describe('OTLP/gRPC trace export', () => {
  it('sends the request spans to an OTLP/gRPC trace service with the basic auth', async () => {
    const receiver = await startOtlpGrpcReceiver();
    const booted = await bootApp({
      env: {
        ENABLE_OTEL: 'true',
        ENABLE_OTEL_TRACES: 'true',
        OTEL_OTLP_SPAN_EXPORTER: 'grpc',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_INSECURE: 'true',
        OTEL_SERVICE_NAME: 'atrium-grpc',
        OTEL_BASIC_AUTH_USERNAME: 'collector',
        OTEL_BASIC_AUTH_PASSWORD: 'collector-pass',
      },
    });
    try {
      await booted.http.get('/api/config').set('X-Request-Id', 'grpc-req-1').expect(200);
      await booted.app.get(TracingService).flush();
      const span = receiver.spans().find((item) => item.name === 'GET /api/config');
      expect(
        span,
        receiver
          .spans()
          .map((item) => item.name)
          .join(', '),
      ).toBeDefined();
      expect(span!).toMatchObject({
        kind: SERVER,
        attributes: { 'http.route': '/api/config', 'atrium.request_id': 'grpc-req-1' },
        resource: { 'service.name': 'atrium-grpc' },
      });
      expect(receiver.requests[0].metadata.authorization).toBe(
        `Basic ${Buffer.from('collector:collector-pass').toString('base64')}`,
      );
    } finally {
      await booted.close();
      await receiver.close();
    }
  });
});

describe('OpenTelemetry signals off', () => {
  it('keeps metrics on prom-client only and leaves socket.io handlers unwrapped', async () => {
    const booted = await bootApp({ env: { ENABLE_OTEL: 'false', ENABLE_OTEL_METRICS: 'true' } });
    try {
      const tracing = booted.app.get(TracingService);
      expect(tracing.enabled).toBe(false);
      let ran = 0;
      expect(tracing.inSpan('socket.io x', {}, () => (ran += 1))).toBe(1);
      expect(trace.getActiveSpan()).toBeUndefined();
      const metrics = booted.app.get(AtriumMetrics);
      metrics.socketConnected();
      metrics.socketDisconnected();
      expect((await booted.http.get('/metrics')).text).toContain('atrium_socket_connections 0');
    } finally {
      await booted.close();
    }
  });
});
