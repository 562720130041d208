/* eslint-disable @typescript-eslint/no-explicit-any -- HTTP bodies are free-form JSON */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootApp, type BootedApp } from './harness/boot-app.js';
import { addUser, signup, type Account } from './auth-fixtures.js';
import { startFakeOllama, type FakeServer } from './fakes/fake-model-server.js';

/**
 * Ollama model management through the proxy (§3.9 admin routes): /api/ps merged across servers
 * and its `expires_at` on /api/tags, pull/create/push streamed as NDJSON progress, copy, delete,
 * unload on every server holding the model; admin only; errors as `{"detail": "Ollama: …"}`.
 */
describe('Ollama model management', () => {
  let first: FakeServer;
  let second: FakeServer;
  let booted: BootedApp;
  let url: string;
  let admin: Account;
  let user: Account;

  const call = (method: string, path: string, body?: unknown, account: Account = admin) =>
    fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${account.token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const lines = async (response: Response) =>
    (await response.text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));

  beforeAll(async () => {
    first = await startFakeOllama({
      models: ['llama3:latest', 'mistral:latest'],
      loaded: ['llama3:latest'],
    });
    second = await startFakeOllama({ models: ['llama3:latest'], loaded: ['llama3:latest'] });
    booted = await bootApp({
      listen: true,
      env: {
        OLLAMA_BASE_URLS: `${first.url};${second.url}`,
        ENABLE_OPENAI_API: 'false',
        BYPASS_MODEL_ACCESS_CONTROL: 'true',
      },
    });
    url = booted.url!;
    admin = await signup(booted.http, 'admin@example.com');
    user = await addUser(booted.http, admin, 'user@example.com', 'user');
  });

  afterAll(async () => {
    await booted?.close();
    for (const fake of [first, second]) await fake?.close();
  });

  it('keeps every management route to admins', async () => {
    const routes: [string, string][] = [
      ['GET', '/ollama/api/ps'],
      ['POST', '/ollama/api/pull'],
      ['POST', '/ollama/api/pull/1'],
      ['DELETE', '/ollama/api/delete'],
      ['POST', '/ollama/api/copy/0'],
      ['POST', '/ollama/api/create'],
      ['DELETE', '/ollama/api/push'],
      ['POST', '/ollama/api/unload'],
      ['POST', '/api/models/unload'],
    ];
    const before = first.requests.length + second.requests.length;
    for (const [method, path] of routes) {
      const body = method === 'GET' ? undefined : { model: 'llama3:latest' };
      expect((await call(method, path, body, user)).status, `${method} ${path}`).toBe(401);
      const anonymous = await fetch(`${url}${path}`, { method });
      expect(anonymous.status, `${method} ${path} without a token`).toBe(403);
    }
    expect(first.requests.length + second.requests.length).toBe(before);
  });

  it('merges the loaded models of every server and adds expires_at to /ollama/api/tags', async () => {
    const ps = await call('GET', '/ollama/api/ps');
    expect(ps.status).toBe(200);
    const loaded = (await ps.json()) as any;
    expect(loaded.models).toHaveLength(1);
    expect(loaded.models[0]).toMatchObject({
      model: 'llama3:latest',
      urls: [0, 1],
      expires_at: '2026-01-01T00:05:00.000000000Z',
    });

    const tags = (await (await call('GET', '/ollama/api/tags', undefined, user)).json()) as any;
    const byName = new Map<string, any>(tags.models.map((entry: any) => [entry.model, entry]));
    expect(byName.get('llama3:latest').expires_at).toBe('2026-01-01T00:05:00.000000000Z');
    expect(byName.get('mistral:latest')).not.toHaveProperty('expires_at');
  });

  it('streams pull progress line by line from server 0 (or the given index), insecure', async () => {
    first.behaviour.tokenDelayMs = 30;
    try {
      const pulled = await call('POST', '/ollama/api/pull', { name: 'phi3:mini' });
      expect(pulled.status).toBe(200);
      expect(pulled.headers.get('content-type')).toBe('application/x-ndjson');
      const reader = pulled.body!.getReader();
      const firstChunk = await reader.read();
      expect(new TextDecoder().decode(firstChunk.value)).toBe('{"status":"pulling manifest"}\n');
      expect(first.openStreams).toBe(1); // still pulling: the progress is not buffered
      let rest = '';
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        rest += new TextDecoder().decode(chunk.value);
      }
      expect(rest.trim().split('\n').at(-1)).toBe('{"status":"success"}');
    } finally {
      first.behaviour.tokenDelayMs = 0;
    }
    expect(first.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/api/pull',
      body: { name: 'phi3:mini', model: 'phi3:mini', insecure: true },
    });

    const onSecond = await call('POST', '/ollama/api/pull/1', { model: 'phi3:mini' });
    expect((await lines(onSecond)).at(-1)).toEqual({ status: 'success' });
    expect(second.requests.at(-1)?.path).toBe('/api/pull');

    const failed = await call('POST', '/ollama/api/pull', { model: 'missing-model' });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({
      detail: 'Ollama: pull model manifest: file does not exist',
    });
    expect((await call('POST', '/ollama/api/pull/7', { model: 'x' })).status).toBe(404);
  });

  it('streams create and push, and refuses push of an unknown model', async () => {
    const created = await call('POST', '/ollama/api/create/1', {
      model: 'mario:latest',
      from: 'llama3:latest',
      system: 'You are Mario.',
    });
    expect(created.status).toBe(200);
    expect((await lines(created)).map((line) => line.status)).toEqual([
      'reading model metadata',
      'creating system layer',
      'success',
    ]);
    expect(second.requests.at(-1)?.body).toEqual({
      model: 'mario:latest',
      from: 'llama3:latest',
      system: 'You are Mario.',
    });

    const pushed = await call('DELETE', '/ollama/api/push', { model: 'mistral:latest' });
    expect(pushed.status).toBe(200);
    expect((await lines(pushed)).at(-1)).toEqual({ status: 'success' });
    expect(first.requests.at(-1)).toMatchObject({ method: 'POST', path: '/api/push' });

    const unknown = await call('DELETE', '/ollama/api/push', { model: 'nope:latest' });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ detail: "Model 'nope:latest' was not found" });
    expect((await call('DELETE', '/ollama/api/push', {})).status).toBe(422);
  });

  it('copies and deletes on the server that has the model', async () => {
    const copied = await call('POST', '/ollama/api/copy', {
      source: 'mistral:latest',
      destination: 'mistral-copy:latest',
    });
    expect(copied.status).toBe(200);
    expect(await copied.json()).toBe(true);
    expect(first.behaviour.models).toContain('mistral-copy:latest');

    const tags = (await (await call('GET', '/ollama/api/tags')).json()) as any;
    expect(tags.models.map((entry: any) => entry.model)).toContain('mistral-copy:latest');

    const deleted = await call('DELETE', '/ollama/api/delete', { name: 'mistral-copy:latest' });
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toBe(true);
    expect(first.requests.at(-1)).toMatchObject({
      method: 'DELETE',
      path: '/api/delete',
      body: { name: 'mistral-copy:latest', model: 'mistral-copy:latest' },
    });
    expect(first.behaviour.models).not.toContain('mistral-copy:latest');

    const missing = await call('DELETE', '/ollama/api/delete/1', { model: 'ghost:latest' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ detail: "Ollama: model 'ghost:latest' not found" });
    const unknown = await call('POST', '/ollama/api/copy', { source: 'ghost', destination: 'x' });
    expect(unknown.status).toBe(400);
    expect((await call('POST', '/ollama/api/copy', { source: 'mistral:latest' })).status).toBe(422);
  });

  it('unloads a model from every server holding it (keep_alive 0)', async () => {
    const missing = await call('POST', '/ollama/api/unload', {});
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ detail: 'Missing name of the model to unload.' });
    const unknown = await call('POST', '/ollama/api/unload', { model: 'ghost' });
    expect(await unknown.json()).toEqual({ detail: "Model 'ghost:latest' was not found" });

    const unloaded = await call('POST', '/ollama/api/unload', { model: 'llama3' });
    expect(unloaded.status).toBe(200);
    expect(await unloaded.json()).toEqual({ status: true });
    for (const fake of [first, second]) {
      expect(fake.requests.at(-1)).toMatchObject({
        path: '/api/generate',
        body: { model: 'llama3:latest', keep_alive: 0, prompt: '' },
      });
      expect(fake.behaviour.loaded).toEqual([]);
    }
    expect(((await (await call('GET', '/ollama/api/ps')).json()) as any).models).toEqual([]);

    first.behaviour.loaded = ['mistral:latest'];
    const appLevel = await call('POST', '/api/models/unload', { model: 'mistral:latest' });
    expect(appLevel.status).toBe(200);
    expect(await appLevel.json()).toEqual({ status: true });
    expect(first.behaviour.loaded).toEqual([]);
  });
});
