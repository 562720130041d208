/* eslint-disable @typescript-eslint/no-explicit-any -- HTTP bodies are free-form JSON */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { bootApp, type BootedApp } from './harness/boot-app.js';
import { addUser, bearer, signup, type Account } from './auth-fixtures.js';
import {
  createTestDatabase,
  engineMatrix,
  flushPrefix,
  REDIS_VARIABLE,
  redisPrefix,
  redisUrl,
  warnSkipped,
  type TestDatabase,
} from './support/test-databases.js';
import { startFakeOllama, startFakeOpenAI, type FakeServer } from './fakes/fake-model-server.js';

/**
 * Admin-managed connections (§3.9/§3.10 config routes): seeded from env on first boot only,
 * Open WebUI's shapes, keys fitted to the URL count, out-of-range settings dropped, keys sealed
 * at rest, a change on one instance seen by another. Runs on every enabled engine.
 */
for (const { engine, enabled, variable } of engineMatrix()) {
  if (!enabled) warnSkipped(`provider connections on ${engine}`, variable);
  describe.skipIf(!enabled)(`provider connections on ${engine}`, () => {
    let db: TestDatabase;
    let ollama: FakeServer;
    let openai: FakeServer;
    let a: BootedApp;
    let b: BootedApp;
    let admin: Account;
    let user: Account;
    const env = () => ({
      DATABASE_URL: db.url,
      CONFIG_POLL_INTERVAL: '1',
      OLLAMA_BASE_URLS: `${ollama.url};${ollama.url}/`,
      OLLAMA_API_CONFIGS: JSON.stringify({ '0': { key: 'ollama-secret-key', prefix_id: 'o' } }),
      OPENAI_API_BASE_URLS: `${openai.url}`,
      OPENAI_API_KEYS: 'sk-first-secret;sk-extra-key',
      OPENAI_API_CONFIGS: JSON.stringify({ '0': { tags: ['fast'] }, '3': { enable: false } }),
    });

    beforeAll(async () => {
      db = await createTestDatabase(engine);
      ollama = await startFakeOllama({ models: ['llama3:latest'] });
      openai = await startFakeOpenAI({ models: ['gpt-4o'] });
      a = await bootApp({ env: env() });
      admin = await signup(a.http, 'admin@example.com');
      user = await addUser(a.http, admin, 'user@example.com', 'user');
    });

    afterAll(async () => {
      await a?.close();
      await b?.close();
      await ollama?.close();
      await openai?.close();
      await db?.drop();
    });

    it('serves the env seed in Open WebUI shapes (keys fitted, bad indices dropped)', async () => {
      const ollamaConfig = await a.http
        .get('/ollama/config')
        .set(...bearer(admin))
        .expect(200);
      expect(ollamaConfig.body).toEqual({
        ENABLE_OLLAMA_API: true,
        OLLAMA_BASE_URLS: [ollama.url, ollama.url],
        OLLAMA_API_CONFIGS: { '0': { key: 'ollama-secret-key', prefix_id: 'o' } },
      });
      const openaiConfig = await a.http
        .get('/openai/config')
        .set(...bearer(admin))
        .expect(200);
      expect(openaiConfig.body).toEqual({
        ENABLE_OPENAI_API: true,
        OPENAI_API_BASE_URLS: [openai.url],
        OPENAI_API_KEYS: ['sk-first-secret'],
        OPENAI_API_CONFIGS: { '0': { tags: ['fast'] } },
      });
    });

    it('keeps the admin routes to admins', async () => {
      for (const path of ['/ollama/config', '/openai/config']) {
        await a.http
          .get(path)
          .set(...bearer(user))
          .expect(401);
        await a.http.get(path).expect(403);
      }
      await a.http
        .post('/openai/config/update')
        .set(...bearer(user))
        .send({ OPENAI_API_BASE_URLS: [] })
        .expect(401);
      await a.http
        .post('/ollama/verify')
        .set(...bearer(user))
        .send({ url: ollama.url })
        .expect(401);
    });

    it('refuses malformed config bodies with a 422 list', async () => {
      const response = await a.http
        .post('/openai/config/update')
        .set(...bearer(admin))
        .send({ OPENAI_API_BASE_URLS: 'not-a-list' })
        .expect(422);
      expect(response.body.detail[0].loc).toEqual(['body', 'OPENAI_API_BASE_URLS']);
    });

    it('pads keys, drops out-of-range settings, and stores keys sealed', async () => {
      const response = await a.http
        .post('/openai/config/update')
        .set(...bearer(admin))
        .send({
          ENABLE_OPENAI_API: true,
          OPENAI_API_BASE_URLS: [openai.url, `${openai.url}/`, 'http://127.0.0.1:9'],
          OPENAI_API_KEYS: ['sk-updated-secret'],
          OPENAI_API_CONFIGS: { '1': { prefix_id: 'two' }, '5': { enable: true } },
        })
        .expect(200);
      expect(response.body).toEqual({
        ENABLE_OPENAI_API: true,
        OPENAI_API_BASE_URLS: [openai.url, openai.url, 'http://127.0.0.1:9'],
        OPENAI_API_KEYS: ['sk-updated-secret', '', ''],
        OPENAI_API_CONFIGS: { '1': { prefix_id: 'two' } },
      });
      const truncated = await a.http
        .post('/openai/config/update')
        .set(...bearer(admin))
        .send({
          OPENAI_API_BASE_URLS: [openai.url],
          OPENAI_API_KEYS: ['sk-updated-secret', 'sk-dropped'],
          OPENAI_API_CONFIGS: {},
        })
        .expect(200);
      expect(truncated.body.OPENAI_API_KEYS).toEqual(['sk-updated-secret']);

      const rows: { kind: string; secrets: string; configs: string }[] = await a.app
        .get(DataSource)
        .query('SELECT kind, secrets, configs FROM provider_connection');
      expect(rows.map((row) => row.kind).sort()).toEqual(['ollama', 'openai']);
      const stored = JSON.stringify(rows);
      expect(stored).not.toContain('sk-updated-secret');
      expect(stored).not.toContain('ollama-secret-key');
      expect(stored).toContain('prefix_id');
    });

    it('records each connection change in the audit trail with every key masked', async () => {
      await a.http
        .post('/ollama/config/update')
        .set(...bearer(admin))
        .send({
          OLLAMA_BASE_URLS: [ollama.url, ollama.url],
          OLLAMA_API_CONFIGS: { '0': { key: 'ollama-secret-key', prefix_id: 'o' } },
        })
        .expect(200);
      const trail = await a.http
        .get('/api/v1/audit/events?target_type=connection&limit=500')
        .set(...bearer(admin))
        .expect(200);
      const items: any[] = trail.body.items;
      const ollamaEdit = items.find((event) => event.target_id === 'ollama');
      expect(ollamaEdit).toMatchObject({
        action: 'connection.updated',
        actor_id: admin.id,
        before: { OLLAMA_API_CONFIGS: { '0': { key: '********', prefix_id: 'o' } } },
        after: { OLLAMA_API_CONFIGS: { '0': { key: '********', prefix_id: 'o' } } },
      });
      const openaiEdits = items.filter((event) => event.target_id === 'openai');
      expect(openaiEdits).toHaveLength(2); // one record per update, not one per layer
      expect(openaiEdits[1]).toMatchObject({
        before: { OPENAI_API_BASE_URLS: [openai.url], OPENAI_API_KEYS: '********' },
        after: { OPENAI_API_BASE_URLS: [openai.url, openai.url, 'http://127.0.0.1:9'] },
      });
      const text = JSON.stringify(items);
      for (const secret of ['ollama-secret-key', 'sk-updated-secret', 'sk-first-secret']) {
        expect(text).not.toContain(secret);
      }
    });

    it('shares a change with another instance and ignores the env seed after first boot', async () => {
      b = await bootApp({ env: { ...env(), OPENAI_API_BASE_URLS: 'http://127.0.0.1:1' } });
      const seen = await b.http
        .get('/openai/config')
        .set(...bearer(admin))
        .expect(200);
      expect(seen.body.OPENAI_API_BASE_URLS).toEqual([openai.url]);
      expect(seen.body.OPENAI_API_KEYS).toEqual(['sk-updated-secret']);

      await a.http
        .post('/ollama/config/update')
        .set(...bearer(admin))
        .send({
          ENABLE_OLLAMA_API: false,
          OLLAMA_BASE_URLS: [ollama.url],
          OLLAMA_API_CONFIGS: { '0': { key: 'rotated-key' }, '1': { enable: true } },
        })
        .expect(200);
      const deadline = Date.now() + 5000;
      let body: any;
      do {
        await new Promise((resolve) => setTimeout(resolve, 200));
        body = (
          await b.http
            .get('/ollama/config')
            .set(...bearer(admin))
            .expect(200)
        ).body;
      } while (body.ENABLE_OLLAMA_API !== false && Date.now() < deadline);
      expect(body).toEqual({
        ENABLE_OLLAMA_API: false,
        OLLAMA_BASE_URLS: [ollama.url],
        OLLAMA_API_CONFIGS: { '0': { key: 'rotated-key' } },
      });
    });

    it('verifies connections against the upstream', async () => {
      const ok = await a.http
        .post('/ollama/verify')
        .set(...bearer(admin))
        .send({ url: ollama.url, key: 'k' })
        .expect(200);
      expect(ok.body).toEqual({ version: '0.6.0' });
      expect(ollama.requests.at(-1)?.headers.authorization).toBe('Bearer k');

      const models = await a.http
        .post('/openai/verify')
        .set(...bearer(admin))
        .send({ url: openai.url, key: 'sk-verify' })
        .expect(200);
      expect(models.body.data.map((model: { id: string }) => model.id)).toEqual(['gpt-4o']);
      expect(openai.requests.at(-1)?.headers.authorization).toBe('Bearer sk-verify');

      const down = await a.http
        .post('/openai/verify')
        .set(...bearer(admin))
        .send({ url: 'http://127.0.0.1:1', key: '' })
        .expect(500);
      expect(down.body).toEqual({ detail: 'Open WebUI: Server Connection Error' });
    });
  });
}

const redis = redisUrl();
if (!redis) warnSkipped('provider connections over Redis', REDIS_VARIABLE);
describe.skipIf(!redis)('provider connections shared over Redis', () => {
  let db: TestDatabase;
  let fake: FakeServer;
  let a: BootedApp;
  let b: BootedApp;
  let admin: Account;
  const prefix = redisPrefix();

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    fake = await startFakeOpenAI({ models: ['gpt-4o'] });
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: redis!,
      REDIS_KEY_PREFIX: prefix,
      CONFIG_POLL_INTERVAL: '3600',
      ENABLE_OLLAMA_API: 'false',
      OPENAI_API_BASE_URLS: 'http://127.0.0.1:1',
      OPENAI_API_CONFIGS: JSON.stringify({ '0': { model_ids: ['before'] } }),
    };
    a = await bootApp({ env });
    b = await bootApp({ env });
    admin = await signup(a.http, 'admin@example.com');
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await fake?.close();
    await db?.drop();
    await flushPrefix(redis!, prefix);
  });

  it('reloads connections and the model list on the other instance at once', async () => {
    const before = await b.http
      .get('/api/models')
      .set(...bearer(admin))
      .expect(200);
    expect(before.body.data.map((model: any) => model.id)).toEqual(['before']);
    await a.http
      .post('/openai/config/update')
      .set(...bearer(admin))
      .send({ OPENAI_API_BASE_URLS: [fake.url], OPENAI_API_KEYS: [], OPENAI_API_CONFIGS: {} })
      .expect(200);
    const deadline = Date.now() + 3000;
    let ids: string[] = [];
    do {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const response = await b.http
        .get('/api/models')
        .set(...bearer(admin))
        .expect(200);
      ids = response.body.data.map((model: any) => model.id);
    } while (!ids.includes('gpt-4o') && Date.now() < deadline);
    expect(ids).toEqual(['gpt-4o']);
  });
});
