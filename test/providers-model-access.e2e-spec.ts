import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, bearer, signup, type Account } from './auth-fixtures.js';
import { startFakeOllama, startFakeOpenAI, type FakeServer } from './fakes/fake-model-server.js';
import { bootApp, type BootedApp } from './harness/boot-app.js';

const ids = (body: { data: { id: string }[] }) => body.data.map((model) => model.id).sort();

/**
 * §7.3 through the providers: a role-user sees and uses a provider model only once a
 * workspace row grants it; admins see everything (BYPASS_ADMIN_ACCESS_CONTROL, default on).
 */
describe('provider model visibility follows workspace grants', () => {
  let booted: BootedApp;
  let ollama: FakeServer;
  let openai: FakeServer;
  let admin: Account;
  let user: Account;

  beforeAll(async () => {
    ollama = await startFakeOllama({ models: ['llama3:latest'] });
    openai = await startFakeOpenAI({ models: ['gpt-4o'] });
    booted = await bootApp({
      env: {
        OLLAMA_BASE_URLS: ollama.url,
        OPENAI_API_BASE_URLS: openai.url,
        OPENAI_API_KEYS: 'sk-x',
      },
    });
    admin = await signup(booted.http, 'admin@example.com');
    user = await addUser(booted.http, admin, 'user@example.com', 'user');
  });

  afterAll(async () => {
    await booted?.close();
    await ollama?.close();
    await openai?.close();
  });

  const chat = (account: Account, path: string, model: string) =>
    booted.http
      .post(path)
      .set(...bearer(account))
      .send({ model, messages: [{ role: 'user', content: 'hi' }], stream: false });

  it('hides every provider model from a user until an admin grants it', async () => {
    expect(
      ids(
        (
          await booted.http
            .get('/api/models')
            .set(...bearer(admin))
            .expect(200)
        ).body,
      ),
    ).toEqual(['gpt-4o', 'llama3:latest']);
    expect(
      (
        await booted.http
          .get('/api/models')
          .set(...bearer(user))
          .expect(200)
      ).body.data,
    ).toEqual([]);
    expect(
      (
        await booted.http
          .get('/ollama/api/tags')
          .set(...bearer(user))
          .expect(200)
      ).body.models,
    ).toEqual([]);
    expect(
      (
        await booted.http
          .get('/openai/models')
          .set(...bearer(user))
          .expect(200)
      ).body.data,
    ).toEqual([]);

    const refused = await chat(user, '/openai/chat/completions', 'gpt-4o').expect(403);
    expect(refused.body).toEqual({ detail: 'Model not found' });
    await chat(user, '/ollama/api/chat', 'llama3').expect(403);
    const before = openai.requests.length;
    await chat(user, '/api/chat/completions', 'gpt-4o').expect(403);
    expect(openai.requests.length).toBe(before);
  });

  it('shows and relays a model once it is public, and only that one', async () => {
    await booted.http
      .post('/api/v1/models/model/access/update')
      .set(...bearer(admin))
      .send({
        id: 'gpt-4o',
        access_grants: [{ principal_type: 'user', principal_id: '*', permission: 'read' }],
      })
      .expect(200);

    expect(
      ids(
        (
          await booted.http
            .get('/api/models')
            .set(...bearer(user))
            .expect(200)
        ).body,
      ),
    ).toEqual(['gpt-4o']);
    await chat(user, '/openai/chat/completions', 'gpt-4o').expect(200);
    await chat(user, '/ollama/api/chat', 'llama3').expect(403);
  });
});
