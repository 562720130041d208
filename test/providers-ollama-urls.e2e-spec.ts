import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootApp, type BootedApp } from './harness/boot-app.js';
import { addUser, bearer, signup, type Account } from './auth-fixtures.js';
import { startFakeOllama, type FakeServer } from './fakes/fake-model-server.js';

/** The older URL-only Ollama connection routes (§3.9 `/urls`, `/urls/update`) and HEAD `/ollama/`. */
describe('Ollama URL routes', () => {
  let first: FakeServer;
  let second: FakeServer;
  let booted: BootedApp;
  let admin: Account;
  let user: Account;

  beforeAll(async () => {
    first = await startFakeOllama({ models: ['llama3:latest'] });
    second = await startFakeOllama({ models: ['mistral:latest'] });
    booted = await bootApp({
      env: {
        OLLAMA_BASE_URLS: first.url,
        OLLAMA_API_CONFIGS: JSON.stringify({ '0': { prefix_id: 'one' } }),
        ENABLE_OPENAI_API: 'false',
      },
    });
    admin = await signup(booted.http, 'admin@example.com');
    user = await addUser(booted.http, admin, 'user@example.com', 'user');
  });

  afterAll(async () => {
    await booted?.close();
    for (const fake of [first, second]) await fake?.close();
  });

  it('answers HEAD /ollama/ publicly', async () => {
    expect((await booted.http.head('/ollama/')).status).toBe(200);
  });

  it('lists the URLs for admins only', async () => {
    const listed = await booted.http.get('/ollama/urls').set(...bearer(admin));
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({ OLLAMA_BASE_URLS: [first.url] });
    expect((await booted.http.get('/ollama/urls').set(...bearer(user))).status).toBe(401);
    expect((await booted.http.get('/ollama/urls')).status).toBe(403);
  });

  it('replaces the URLs, keeping the settings of indices that remain', async () => {
    const updated = await booted.http
      .post('/ollama/urls/update')
      .set(...bearer(admin))
      .send({ urls: [first.url, second.url] });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ OLLAMA_BASE_URLS: [first.url, second.url] });
    const config = await booted.http.get('/ollama/config').set(...bearer(admin));
    expect(config.body.OLLAMA_BASE_URLS).toEqual([first.url, second.url]);
    expect(config.body.OLLAMA_API_CONFIGS['0']).toMatchObject({ prefix_id: 'one' });

    const tags = await booted.http.get('/ollama/api/tags/1').set(...bearer(admin));
    expect(tags.status).toBe(200);
    expect(tags.body.models.map((model: { name: string }) => model.name)).toEqual([
      'mistral:latest',
    ]);
  });

  it('refuses a malformed body with 422 and non-admins with 401', async () => {
    const malformed = await booted.http
      .post('/ollama/urls/update')
      .set(...bearer(admin))
      .send({ urls: 'http://x' });
    expect(malformed.status).toBe(422);
    expect(Array.isArray(malformed.body.detail)).toBe(true);
    const refused = await booted.http
      .post('/ollama/urls/update')
      .set(...bearer(user))
      .send({ urls: [] });
    expect(refused.status).toBe(401);
  });
});
