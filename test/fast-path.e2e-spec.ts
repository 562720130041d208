import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TracingService } from '@atrium/observability';
import { bootApp, type BootedApp } from './harness/boot-app.js';
import { addUser, signup, type Account } from './auth-fixtures.js';
import { startFakeOllama, startFakeOpenAI, type FakeServer } from './fakes/fake-model-server.js';
import { startOtlpHttpReceiver, type ReceivedSpan } from './otel-receiver.js';

/**
 * The raw node:http fast path (apps/api/src/fast-path): it really serves the hot routes
 * (Express never sees them), and it answers exactly as Express/Nest does (ENABLE_FAST_PATH=false
 * on the same database and upstreams): status, body and the headers that matter, for success,
 * every auth refusal, bad JSON, oversized bodies, CORS and request ids; with the audit log and
 * OpenTelemetry on it writes the same audit records and HTTP spans.
 */
describe('fast path', () => {
  let ollama: FakeServer;
  let openai: FakeServer;
  let dataDir: string;
  let fast: BootedApp;
  let slow: BootedApp;
  let admin: Account;
  let user: Account;
  let pending: Account;

  const ALLOWED_ORIGIN = 'http://allowed.test';
  const COMPARED_HEADERS = [
    'content-type',
    'content-length',
    'access-control-allow-origin',
    'access-control-allow-credentials',
    'vary',
    'x-request-id',
    'cache-control',
  ];

  const env = (extra: Record<string, string> = {}) => ({
    OLLAMA_BASE_URLS: ollama.url,
    OPENAI_API_BASE_URLS: openai.url,
    OPENAI_API_KEYS: 'sk-fast',
    REQUEST_BODY_LIMIT: '2kb',
    CORS_ALLOW_ORIGIN: ALLOWED_ORIGIN,
    ...extra,
  });

  /** How often Express's own request handler ran (the fast path never calls it). */
  const expressCalls = (booted: BootedApp) => {
    // Express's app function hands every request to app.handle (looked up on each call).
    const express = booted.app.getHttpAdapter().getInstance() as unknown as { handle: () => void };
    return vi.spyOn(express, 'handle');
  };

  interface Call {
    method: 'GET' | 'POST';
    path: string;
    headers?: Record<string, string>;
    body?: string;
  }

  const send = async (booted: BootedApp, call: Call) => {
    const response = await fetch(`${booted.url}${call.path}`, {
      method: call.method,
      // A fixed request id unless the case sends its own, so both apps echo the same one.
      headers: {
        'x-request-id': 'fixed-request-id',
        ...(call.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...call.headers,
      },
      body: call.body,
    });
    const headers = Object.fromEntries(
      COMPARED_HEADERS.map((name) => [name, response.headers.get(name)]),
    );
    // Ollama list entries are stamped with each app's own fetch time.
    const body = (await response.text()).replace(/"created":\d+/g, '"created":0');
    return { status: response.status, headers, body };
  };

  const auth = (account: Account | string) => ({
    authorization: `Bearer ${typeof account === 'string' ? account : account.token}`,
  });
  const chat = (model: string) =>
    JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], stream: false });

  beforeAll(async () => {
    ollama = await startFakeOllama({ models: ['llama3:latest'] });
    openai = await startFakeOpenAI({ models: ['gpt-4o'] });
    dataDir = mkdtempSync(join(tmpdir(), 'atrium-fast-path-'));
    fast = await bootApp({ listen: true, dataDir, env: env() });
    admin = await signup(fast.http, 'admin@example.com');
    user = await addUser(fast.http, admin, 'user@example.com', 'user');
    pending = await addUser(fast.http, admin, 'pending@example.com', 'pending');
    // The same SQLite file, so the same accounts, tokens and model lists.
    slow = await bootApp({ listen: true, dataDir, env: env({ ENABLE_FAST_PATH: 'false' }) });
  });

  afterAll(async () => {
    await fast?.close();
    await slow?.close();
    for (const fake of [ollama, openai]) await fake?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the hot routes without reaching Express, and leaves the rest to it', async () => {
    const handle = expressCalls(fast);
    try {
      expect(
        (await send(fast, { method: 'GET', path: '/api/models', headers: auth(admin) })).status,
      ).toBe(200);
      expect(
        (
          await send(fast, {
            method: 'POST',
            path: '/ollama/api/chat',
            headers: auth(admin),
            body: chat('llama3'),
          })
        ).status,
      ).toBe(200);
      expect(
        (
          await send(fast, {
            method: 'POST',
            path: '/api/chat/completions',
            headers: auth(admin),
            body: chat('gpt-4o'),
          })
        ).status,
      ).toBe(200);
      expect(handle).not.toHaveBeenCalled();

      // A query string, another route, a non-JSON body: Express.
      await send(fast, { method: 'GET', path: '/api/models?refresh=true', headers: auth(admin) });
      expect(handle).toHaveBeenCalledTimes(1);
      await send(fast, { method: 'GET', path: '/api/models/base', headers: auth(admin) });
      expect(handle).toHaveBeenCalledTimes(2);
      await fetch(`${fast.url}/openai/chat/completions`, {
        method: 'POST',
        headers: { ...auth(admin), 'content-type': 'text/plain' },
        body: 'x',
      });
      expect(handle).toHaveBeenCalledTimes(3);
    } finally {
      handle.mockRestore();
    }
  });

  it('answers exactly as Express/Nest does', async () => {
    const bigBody = JSON.stringify({ model: 'llama3', padding: 'x'.repeat(4096) });
    const cases: Record<string, Call> = {
      'models 200': { method: 'GET', path: '/api/models', headers: auth(admin) },
      'v1 models as user': { method: 'GET', path: '/api/v1/models', headers: auth(user) },
      'no token': { method: 'GET', path: '/api/models' },
      'bad token': { method: 'GET', path: '/api/models', headers: auth('not-a-jwt') },
      'pending user': { method: 'GET', path: '/api/models', headers: auth(pending) },
      'token cookie': {
        method: 'GET',
        path: '/api/models',
        headers: { cookie: `token=${admin.token}` },
      },
      'unknown API key': {
        method: 'GET',
        path: '/api/models',
        headers: { 'x-api-key': 'sk-nothing' },
      },
      'unknown model': {
        method: 'POST',
        path: '/api/chat/completions',
        headers: auth(admin),
        body: chat('ghost'),
      },
      'no access': {
        method: 'POST',
        path: '/openai/chat/completions',
        headers: auth(user),
        body: chat('gpt-4o'),
      },
      'no access, ollama': {
        method: 'POST',
        path: '/ollama/api/chat',
        headers: auth(user),
        body: chat('llama3'),
      },
      'not an object': {
        method: 'POST',
        path: '/api/v1/chat/completions',
        headers: auth(admin),
        body: '[1]',
      },
      'bad JSON': {
        method: 'POST',
        path: '/api/chat/completions',
        headers: auth(admin),
        body: '{"model":',
      },
      'bad JSON, no token': { method: 'POST', path: '/ollama/api/chat', body: 'nope' },
      'too big': {
        method: 'POST',
        path: '/openai/chat/completions',
        headers: auth(admin),
        body: bigBody,
      },
      'allowed origin': {
        method: 'GET',
        path: '/api/models',
        headers: { ...auth(admin), origin: ALLOWED_ORIGIN },
      },
      'other origin': {
        method: 'GET',
        path: '/api/models',
        headers: { ...auth(user), origin: 'http://evil.test' },
      },
      'insane request id': {
        method: 'GET',
        path: '/api/models',
        headers: { ...auth(pending), 'x-request-id': 'bad id with spaces' },
      },
      'json completion': {
        method: 'POST',
        path: '/api/chat/completions',
        headers: auth(admin),
        body: chat('gpt-4o'),
      },
    };
    const statuses: Record<string, number> = {};
    for (const [name, call] of Object.entries(cases)) {
      const [viaFast, viaNest] = [await send(fast, call), await send(slow, call)];
      statuses[name] = viaFast.status;
      if (name === 'insane request id') {
        // A fresh UUID on both sides: compare the shape only.
        expect(viaFast.headers['x-request-id'], name).toMatch(/^[0-9a-f-]{36}$/);
        viaFast.headers['x-request-id'] = viaNest.headers['x-request-id'];
      }
      if (name === 'json completion') {
        // The upstream stamps ids and times: same shape, not the same bytes.
        expect(Object.keys(JSON.parse(viaFast.body)).sort(), name).toEqual(
          Object.keys(JSON.parse(viaNest.body)).sort(),
        );
        viaFast.body = viaNest.body;
        viaFast.headers['content-length'] = viaNest.headers['content-length'];
      }
      expect(viaFast, name).toEqual(viaNest);
    }
    // The set really covers what it claims.
    expect(statuses).toMatchObject({
      'models 200': 200,
      'no token': 403,
      'bad token': 401,
      'pending user': 401,
      'token cookie': 200,
      'no access': 403,
      'bad JSON': 422,
      'too big': 413,
      'json completion': 200,
    });
    expect(statuses['unknown model']).toBeGreaterThanOrEqual(400);

    // The same HTTP metric series (method, route template, status) as HttpMetricsMiddleware.
    const series = async (booted: BootedApp) => {
      const text = await (await fetch(`${booted.url}/metrics`)).text();
      return text
        .split('\n')
        .filter((line) => line.startsWith('http_request_duration_seconds_count{'))
        .map((line) => line.slice(0, line.lastIndexOf(' ')))
        .filter((labels) =>
          /route="\/(api|openai|ollama)\/(v1\/)?(models|chat|api\/chat)/.test(labels),
        );
    };
    const nestSeries = await series(slow);
    expect(nestSeries.length).toBeGreaterThan(5);
    expect(await series(fast)).toEqual(expect.arrayContaining(nestSeries));
  });

  it('streams the same bytes as Nest for a passthrough relay', async () => {
    const call: Call = {
      method: 'POST',
      path: '/ollama/api/chat',
      headers: auth(admin),
      body: JSON.stringify({
        model: 'llama3',
        messages: [{ role: 'user', content: 'hi' }],
        options: { seed: 1 },
      }),
    };
    const [viaFast, viaNest] = [await send(fast, call), await send(slow, call)];
    expect(viaFast.status).toBe(200);
    expect(viaFast.headers['content-type']).toBe(viaNest.headers['content-type']);
    const lines = (text: string) => text.trim().split('\n').length;
    expect(lines(viaFast.body)).toBe(lines(viaNest.body));
  });

  it('keeps the audit log and the HTTP span: the same records and spans as Nest', async () => {
    /** Boots an app with the audit log at REQUEST_RESPONSE and traces on, runs `calls`, closes it. */
    const observe = async (fastPath: boolean, traceId: string) => {
      const receiver = await startOtlpHttpReceiver();
      const auditFile = join(dataDir, `audit-${fastPath ? 'fast' : 'nest'}.log`);
      const booted = await bootApp({
        listen: true,
        dataDir,
        env: env({
          ENABLE_FAST_PATH: String(fastPath),
          AUDIT_LOG_LEVEL: 'REQUEST_RESPONSE',
          AUDIT_LOGS_FILE_PATH: auditFile,
          ENABLE_AUDIT_GET_REQUESTS: 'true',
          ENABLE_OTEL: 'true',
          ENABLE_OTEL_TRACES: 'true',
          ENABLE_OTEL_METRICS: 'false',
          OTEL_OTLP_SPAN_EXPORTER: 'http',
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        }),
      });
      const handle = expressCalls(booted);
      try {
        const headers = {
          ...auth(admin),
          traceparent: `00-${traceId}-${'ab'.repeat(8)}-01`,
          'x-forwarded-for': '203.0.113.9, 10.0.0.1',
          'x-forwarded-proto': 'https',
          'user-agent': 'fast-path-test',
        };
        const chatCall = await send(booted, {
          method: 'POST',
          path: '/openai/chat/completions',
          headers,
          // `api_key` is a secret by name: masked in the record, and wherever the reply echoes it.
          body: JSON.stringify({
            model: 'gpt-4o',
            messages: [{ role: 'user', content: 'hi' }],
            api_key: 'sk-never-logged',
          }),
        });
        expect(chatCall.status).toBe(200);
        expect((await send(booted, { method: 'GET', path: '/api/models', headers })).status).toBe(
          200,
        );
        expect(handle).toHaveBeenCalledTimes(fastPath ? 0 : 2);
        await booted.app.get(TracingService).flush();
      } finally {
        handle.mockRestore();
        await booted.close();
      }
      // Per-app values: record id, time, the listening port and Ollama list fetch times.
      const records = readFileSync(auditFile, 'utf8')
        .trim()
        .split('\n')
        .map((line): Record<string, unknown> => {
          const { id, timestamp, ...rest } = JSON.parse(
            line.replace(/\\"created\\":\d+/g, '\\"created\\":0'),
          ) as Record<string, unknown>;
          expect(id).toEqual(expect.any(String));
          expect(timestamp).toEqual(expect.any(Number));
          return { ...rest, request_uri: String(rest.request_uri).replace(/:\d+\//, ':PORT/') };
        });
      const spans = receiver.spans().filter((span) => span.traceId === traceId);
      await receiver.close();
      return { records, spans };
    };

    const traceIds = [randomBytes(16).toString('hex'), randomBytes(16).toString('hex')];
    const viaFast = await observe(true, traceIds[0]);
    const viaNest = await observe(false, traceIds[1]);

    expect(viaFast.records).toHaveLength(2);
    expect(viaFast.records).toEqual(viaNest.records);
    const [chatRecord, modelsRecord] = viaFast.records;
    expect(chatRecord).toMatchObject({
      verb: 'POST',
      request_uri: 'https://127.0.0.1:PORT/openai/chat/completions',
      source_ip: '203.0.113.9',
      user_agent: 'fast-path-test',
      response_status_code: 200,
      user: { id: admin.id, role: 'admin' },
      extra: { request_id: 'fixed-request-id' },
    });
    expect(String(chatRecord.request_object)).toContain('"api_key":"********"');
    expect(JSON.stringify(viaFast.records)).not.toContain('sk-never-logged');
    expect(modelsRecord).toMatchObject({ verb: 'GET', request_object: '' });

    // SERVER spans: same names and attributes, children of the caller's traceparent; the model
    // call's CLIENT span is a child of its request's SERVER span.
    const serverSpans = (spans: ReceivedSpan[]) =>
      spans
        .filter((span) => span.kind === 2)
        .map((span) => ({
          name: span.name,
          parentSpanId: span.parentSpanId,
          attributes: span.attributes,
        }));
    expect(serverSpans(viaFast.spans).map((span) => span.name)).toEqual([
      'POST /openai/chat/completions',
      'GET /api/models',
    ]);
    expect(serverSpans(viaFast.spans)).toEqual(serverSpans(viaNest.spans));
    expect(serverSpans(viaFast.spans)[0]).toMatchObject({
      parentSpanId: 'ab'.repeat(8),
      attributes: {
        'http.route': '/openai/chat/completions',
        'http.response.status_code': 200,
        'url.scheme': 'https',
        'client.address': '203.0.113.9',
        'client.user.id': admin.id,
        'client.auth.type': 'jwt',
        'atrium.request_id': 'fixed-request-id',
      },
    });
    const chatServer = viaFast.spans.find((span) => span.name === 'POST /openai/chat/completions');
    const modelCall = viaFast.spans.find((span) => span.kind === 3);
    expect(modelCall?.parentSpanId).toBe(chatServer?.spanId);
  });
});
