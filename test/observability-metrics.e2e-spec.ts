import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtriumMetrics } from '@atrium/observability';
import { bootApp, type BootedApp } from './harness/boot-app.js';
import { bearer, signup, type Account } from './auth-fixtures.js';

/** GET /metrics (Prometheus text), its optional bearer, and X-Request-Id on every response. */
describe('metrics and request ids', () => {
  let booted: BootedApp;
  let admin: Account;

  beforeAll(async () => {
    booted = await bootApp();
    admin = await signup(booted.http, 'admin@example.com');
  });
  afterAll(async () => {
    await booted?.close();
  });

  it('serves Prometheus text publicly with HTTP durations by route template and status', async () => {
    const userId = randomUUID();
    await booted.http.get(`/api/v1/users/${userId}`).set(...bearer(admin));
    await booted.http.get('/no/such/route');
    const response = await booted.http.get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = response.text;
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/users\/:user_id",status_code="\d{3}"\} 1/,
    );
    expect(text).toMatch(
      /http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/auths\/signup",status_code="200"\} 1/,
    );
    expect(text).toMatch(/route="unmatched",status_code="404"/);
    expect(text).not.toContain(userId);
    for (const name of [
      'atrium_active_streams',
      'atrium_time_to_first_token_seconds',
      'atrium_tokens_relayed_total',
      'atrium_upstream_errors_total',
      'atrium_model_list_refresh_seconds',
      'atrium_socket_connections',
      'process_cpu_seconds_total',
    ]) {
      expect(text).toContain(`# TYPE ${name}`);
    }
  });

  it('exposes the helpers other libraries call', async () => {
    const metrics = booted.app.get(AtriumMetrics);
    const end = metrics.streamStarted('ollama');
    metrics.observeTimeToFirstToken('ollama', 'llama3', 0.2);
    metrics.addRelayedTokens('ollama', 'llama3', 42);
    metrics.upstreamError('ollama-0', 'timeout');
    metrics.timeModelListRefresh('openai-0')();
    metrics.socketConnected();
    let text = (await booted.http.get('/metrics')).text;
    expect(text).toContain('atrium_active_streams{provider="ollama"} 1');
    expect(text).toContain(
      'atrium_time_to_first_token_seconds_count{provider="ollama",model="llama3"} 1',
    );
    expect(text).toContain(
      'atrium_tokens_relayed_total{provider="ollama",model="llama3",kind="output"} 42',
    );
    expect(text).toContain(
      'atrium_upstream_errors_total{connection="ollama-0",reason="timeout"} 1',
    );
    expect(text).toContain('atrium_model_list_refresh_seconds_count{connection="openai-0"} 1');
    expect(text).toContain('atrium_socket_connections 1');
    end();
    end();
    text = (await booted.http.get('/metrics')).text;
    expect(text).toContain('atrium_active_streams{provider="ollama"} 0');
  });

  it('gives every response an X-Request-Id, keeping a sane one from the caller', async () => {
    const generated = await booted.http.get('/health').expect(200);
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await booted.http.get('/health').set('X-Request-Id', 'trace-abc.1');
    expect(kept.headers['x-request-id']).toBe('trace-abc.1');
    const replaced = await booted.http.get('/health').set('X-Request-Id', 'bad id <script>');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('metrics behind METRICS_API_KEY', () => {
  let booted: BootedApp;

  beforeAll(async () => {
    booted = await bootApp({ env: { METRICS_API_KEY: 'scrape-key-1' } });
  });
  afterAll(async () => {
    await booted?.close();
  });

  it('needs the bearer', async () => {
    const missing = await booted.http.get('/metrics').expect(401);
    expect(missing.body).toEqual({ detail: 'Invalid metrics API key' });
    await booted.http.get('/metrics').set('Authorization', 'Bearer wrong').expect(401);
    const ok = await booted.http
      .get('/metrics')
      .set('Authorization', 'Bearer scrape-key-1')
      .expect(200);
    expect(ok.text).toContain('# TYPE http_request_duration_seconds histogram');
  });
});
