/* eslint-disable @typescript-eslint/no-explicit-any -- HTTP bodies are free-form JSON */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootApp, type BootedApp } from './harness/boot-app.js';
import { addUser, signup, type Account } from './auth-fixtures.js';
import { startFakeOpenAI, type FakeServer } from './fakes/fake-model-server.js';

/**
 * The deprecated `/openai/{path}` catch-all with ENABLE_OPENAI_API_PASSTHROUGH=true: any verified
 * user, routed by the body's model (else connection 0), sent with the connection's key and
 * never the caller's token, answers (errors too) relayed as they come.
 */
describe('OpenAI catch-all passthrough', () => {
  let first: FakeServer;
  let second: FakeServer;
  let booted: BootedApp;
  let url: string;
  let user: Account;

  const send = (method: string, path: string, body?: unknown, token = user.token) =>
    fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    first = await startFakeOpenAI({ models: ['gpt-4o'] });
    second = await startFakeOpenAI({ models: ['mod-1'] });
    booted = await bootApp({
      listen: true,
      env: {
        // Relay mechanics, not model visibility (test/providers-model-access covers §7.3).
        BYPASS_MODEL_ACCESS_CONTROL: 'true',
        ENABLE_OLLAMA_API: 'false',
        OPENAI_API_BASE_URLS: `${first.url};${second.url}`,
        OPENAI_API_KEYS: 'sk-first;sk-second',
        OPENAI_API_CONFIGS: JSON.stringify({ '1': { prefix_id: 'two' } }),
        ENABLE_OPENAI_API_PASSTHROUGH: 'true',
      },
    });
    url = booted.url!;
    const admin = await signup(booted.http, 'admin@example.com');
    user = await addUser(booted.http, admin, 'user@example.com', 'user');
  });

  afterAll(async () => {
    await booted?.close();
    for (const fake of [first, second]) await fake?.close();
  });

  it('forwards to connection 0 with its key, query string kept', async () => {
    const listed = await send('GET', '/openai/files?purpose=batch');
    expect(listed.status).toBe(200);
    expect(await listed.json()).toEqual({ object: 'list', data: [] });
    const received = first.requests.at(-1)!;
    expect(received).toMatchObject({ method: 'GET', path: '/files?purpose=batch' });
    expect(received.headers.authorization).toBe('Bearer sk-first');
    expect(JSON.stringify(received.headers)).not.toContain(user.token);
  });

  it("routes by the body's model to its connection and strips the prefix", async () => {
    const moderated = await send('POST', '/openai/moderations', {
      model: 'two.mod-1',
      input: 'hello',
    });
    expect(moderated.status).toBe(200);
    expect(((await moderated.json()) as any).model).toBe('mod-1');
    expect(second.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/moderations',
      body: { model: 'mod-1', input: 'hello' },
    });
    expect(second.requests.at(-1)!.headers.authorization).toBe('Bearer sk-second');
  });

  it('relays upstream errors with their status and body, and keeps out callers without a token', async () => {
    const missing = await send('DELETE', '/openai/nothing/here');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { message: 'not found' } });
    expect((await fetch(`${url}/openai/files`)).status).toBe(403);
  });

  it("never leaves the connection's base path (dot segments, raw or encoded)", async () => {
    // node:http sends the path as written (fetch would normalise the dot segments away).
    const rawGet = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const request = httpRequest(
          `${url}${path}`,
          { headers: { authorization: `Bearer ${user.token}` } },
          (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          },
        );
        request.on('error', reject);
        request.end();
      });
    const before = first.requests.length;
    for (const path of ['/openai/files/%2e%2e/%2e%2e/secret', '/openai/files/..%2fsecret']) {
      expect(await rawGet(path), path).toBe(404);
    }
    expect(first.requests.length).toBe(before);
    expect(await rawGet('/openai/files')).toBe(200);
  });

  it('leaves the named /openai routes alone', async () => {
    const models = await send('GET', '/openai/models');
    expect(((await models.json()) as any).data.map((model: any) => model.id)).toEqual([
      'gpt-4o',
      'two.mod-1',
    ]);
  });
});
