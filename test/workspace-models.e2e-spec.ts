/**
 * Workspace models over real provider lists (§4.2 step 5, §4.4) on every engine: overlays rename
 * or hide base models in GET /api/models, presets appear as their own entries, and a chat with a
 * preset reaches its base model with the preset's params and system prompt, through both the
 * OpenAI path and the Ollama conversion, with the preset's own access rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, bearer, signup, type Account } from './auth-fixtures.js';
import { startFakeOllama, startFakeOpenAI, type FakeServer } from './fakes/fake-model-server.js';
import { bootApp, type BootedApp } from './harness/boot-app.js';
import {
  createTestDatabase,
  engineMatrix,
  warnSkipped,
  type TestDatabase,
} from './support/test-databases.js';

interface ListedModel {
  id: string;
  name: string;
  owned_by: string;
  preset?: boolean;
  tags?: { name: string }[];
  info?: { id: string; base_model_id: string | null; meta: Record<string, unknown> };
}

const PUBLIC = [{ principal_type: 'user', principal_id: '*', permission: 'read' }];

for (const { engine, enabled, variable } of engineMatrix()) {
  if (!enabled) warnSkipped(`workspace models on ${engine}`, variable);

  describe.skipIf(!enabled)(`workspace models over providers on ${engine}`, () => {
    let database: TestDatabase;
    let booted: BootedApp;
    let ollama: FakeServer;
    let openai: FakeServer;
    let admin: Account;
    let user: Account;
    let stranger: Account;

    const post = (path: string, who: Account, body: object) =>
      booted.http
        .post(path)
        .set(...bearer(who))
        .send(body);
    const list = async (who: Account) =>
      (
        (
          await booted.http
            .get('/api/models')
            .set(...bearer(who))
            .expect(200)
        ).body as { data: ListedModel[] }
      ).data;
    const chat = (who: Account, model: string, extra: object = {}) =>
      post('/api/chat/completions', who, {
        model,
        messages: [{ role: 'user', content: 'hi' }],
        stream: false,
        ...extra,
      });
    const lastBody = (fake: FakeServer, path: string) =>
      [...fake.requests].reverse().find((request) => request.path === path)?.body as Record<
        string,
        unknown
      >;

    beforeAll(async () => {
      database = await createTestDatabase(engine);
      ollama = await startFakeOllama({ models: ['llama3:latest', 'qwen:7b'] });
      openai = await startFakeOpenAI({ models: ['gpt-4o'] });
      booted = await bootApp({
        env: {
          DATABASE_URL: database.url,
          OLLAMA_BASE_URLS: ollama.url,
          OPENAI_API_BASE_URLS: openai.url,
          OPENAI_API_KEYS: 'sk-x',
        },
      });
      admin = await signup(booted.http, 'admin@example.com');
      user = await addUser(booted.http, admin, 'user@example.com', 'user');
      stranger = await addUser(booted.http, admin, 'stranger@example.com', 'user');

      const create = (body: object) => post('/api/v1/models/create', admin, body).expect(200);
      await create({
        id: 'gpt-4o',
        name: 'GPT Four',
        meta: { profile_image_url: '/x.png', tags: [{ name: 'work' }] },
        params: {},
        access_grants: PUBLIC,
      });
      await create({ id: 'qwen:7b', name: 'Qwen', meta: {}, params: {}, is_active: false });
      await create({
        id: 'helper',
        base_model_id: 'llama3',
        name: 'Helper',
        meta: { description: 'helps' },
        params: {
          system: "You are {{USER_NAME}}'s helper.",
          temperature: 0.3,
          max_tokens: 50,
          num_ctx: 2048,
          stop: ['\\n\\n'],
          keep_alive: '5m',
        },
        access_grants: [{ principal_type: 'user', principal_id: user.id, permission: 'read' }],
      });
      await create({
        id: 'coder',
        base_model_id: 'gpt-4o',
        name: 'Coder',
        meta: {},
        params: { system: 'Code only.', temperature: 0.2, seed: 7, function_calling: 'native' },
      });
      await create({
        id: 'retired',
        base_model_id: 'gpt-4o',
        name: 'Retired',
        meta: {},
        params: {},
        is_active: false,
        access_grants: PUBLIC,
      });
    });

    afterAll(async () => {
      await booted?.close();
      await database?.drop();
      await ollama?.close();
      await openai?.close();
    });

    it('lists overlays and presets over the provider models for an admin', async () => {
      const models = await list(admin);
      expect(models.map((model) => [model.id, model.name, model.owned_by]).sort()).toEqual([
        ['coder', 'Coder', 'openai'],
        ['gpt-4o', 'GPT Four', 'openai'],
        ['helper', 'Helper', 'ollama'],
        ['llama3:latest', 'llama3:latest', 'ollama'],
      ]);
      const gpt = models.find((model) => model.id === 'gpt-4o')!;
      expect(gpt.info).toMatchObject({ id: 'gpt-4o', base_model_id: null });
      expect(gpt.info!.meta).toEqual({ tags: [{ name: 'work' }] });
      expect(gpt.tags).toEqual([{ name: 'work' }]);
      const helper = models.find((model) => model.id === 'helper')!;
      expect(helper).toMatchObject({
        preset: true,
        object: 'model',
        info: { base_model_id: 'llama3', meta: { description: 'helps' } },
      });
    });

    it('shows a user only the rows that grant them read', async () => {
      expect((await list(user)).map((model) => model.id).sort()).toEqual(['gpt-4o', 'helper']);
      expect((await list(stranger)).map((model) => model.id)).toEqual(['gpt-4o']);
    });

    it('runs a preset on its Ollama base with params in options and the system prompt', async () => {
      const reply = await chat(user, 'helper').expect(200);
      expect(reply.body.object).toBe('chat.completion');
      const sent = lastBody(ollama, '/api/chat');
      expect(sent).toMatchObject({
        model: 'llama3:latest',
        keep_alive: '5m',
        options: { temperature: 0.3, num_predict: 50, num_ctx: 2048, stop: ['\n\n'] },
        messages: [
          { role: 'system', content: "You are user's helper." },
          { role: 'user', content: 'hi' },
        ],
      });
      // The preset's values win over the caller's.
      await chat(user, 'helper', { temperature: 1.5, max_tokens: 9, stream: true }).expect(200);
      expect(lastBody(ollama, '/api/chat')).toMatchObject({
        stream: true,
        options: { temperature: 0.3, num_predict: 50 },
      });
    });

    it('runs a preset on its OpenAI base with params at the top level', async () => {
      await chat(admin, 'coder', {
        messages: [
          { role: 'system', content: 'Be nice.' },
          { role: 'user', content: 'hi' },
        ],
      }).expect(200);
      const sent = lastBody(openai, '/chat/completions');
      expect(sent).toMatchObject({
        model: 'gpt-4o',
        temperature: 0.2,
        seed: 7,
        messages: [
          { role: 'system', content: 'Code only.\nBe nice.' },
          { role: 'user', content: 'hi' },
        ],
      });
      expect(sent).not.toHaveProperty('function_calling');
      expect(sent).not.toHaveProperty('system');
    });

    it('applies a preset on the OpenAI and Ollama proxy chat routes too', async () => {
      await post('/openai/chat/completions', admin, {
        model: 'coder',
        messages: [{ role: 'user', content: 'hi' }],
      }).expect(200);
      expect(lastBody(openai, '/chat/completions')).toMatchObject({
        model: 'gpt-4o',
        temperature: 0.2,
        seed: 7,
        messages: [
          { role: 'system', content: 'Code only.' },
          { role: 'user', content: 'hi' },
        ],
      });

      const hi = [{ role: 'user', content: 'hi' }];
      await post('/ollama/api/chat', user, { model: 'helper', messages: hi, stream: false }).expect(
        200,
      );
      expect(lastBody(ollama, '/api/chat')).toMatchObject({
        model: 'llama3:latest',
        keep_alive: '5m',
        options: { temperature: 0.3, num_predict: 50, num_ctx: 2048 },
        messages: [{ role: 'system', content: "You are user's helper." }, ...hi],
      });

      await post('/ollama/v1/chat/completions', user, { model: 'helper', messages: hi }).expect(
        200,
      );
      const sent = lastBody(ollama, '/v1/chat/completions');
      expect(sent).toMatchObject({
        model: 'llama3:latest',
        temperature: 0.3,
        max_tokens: 50,
        messages: [{ role: 'system', content: "You are user's helper." }, ...hi],
      });
      expect(sent).not.toHaveProperty('options');

      // The preset's own access rules apply on these routes as well.
      expect(
        (
          await post('/ollama/api/chat', stranger, {
            model: 'helper',
            messages: hi,
            stream: false,
          }).expect(403)
        ).body,
      ).toEqual({ detail: 'Model not found' });
    });

    it('refuses presets the caller may not use, inactive ones and hidden base models', async () => {
      // Model-list refreshes may happen meanwhile; only chat calls count.
      const chats = () =>
        [...openai.requests, ...ollama.requests].filter((request) =>
          ['/api/chat', '/chat/completions'].includes(request.path),
        ).length;
      const before = chats();
      expect((await chat(stranger, 'coder').expect(403)).body).toEqual({
        detail: 'Model not found',
      });
      expect((await chat(stranger, 'helper').expect(403)).body).toEqual({
        detail: 'Model not found',
      });
      expect((await chat(admin, 'retired').expect(400)).body).toEqual({
        detail: 'Model not found',
      });
      expect((await chat(admin, 'qwen:7b').expect(400)).body).toEqual({
        detail: 'Model not found',
      });
      expect(chats()).toBe(before);
    });

    it('follows a toggle: an inactive overlay hides its model, active again shows it', async () => {
      await booted.http
        .post('/api/v1/models/model/toggle?id=gpt-4o')
        .set(...bearer(admin))
        .expect(200);
      expect((await list(user)).map((model) => model.id)).toEqual(['helper']);
      await chat(user, 'gpt-4o').expect(400);
      await booted.http
        .post('/api/v1/models/model/toggle?id=gpt-4o')
        .set(...bearer(admin))
        .expect(200);
      expect((await list(user)).map((model) => model.id).sort()).toEqual(['gpt-4o', 'helper']);
    });
  });
}
