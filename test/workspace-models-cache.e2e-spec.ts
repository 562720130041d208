/**
 * The in-memory copy of the workspace model table and its grants (ModelTablesCache) on two
 * instances sharing one database: a write on A is seen by B at once through Redis, and without
 * Redis within the short local TTL (2 s).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addUser, bearer, signup, type Account } from './auth-fixtures.js';
import { startFakeOpenAI, type FakeServer } from './fakes/fake-model-server.js';
import { bootApp, type BootedApp } from './harness/boot-app.js';
import {
  createTestDatabase,
  flushPrefix,
  redisPrefix,
  REDIS_VARIABLE,
  warnSkipped,
  type TestDatabase,
} from './support/test-databases.js';

const redisUrl = process.env[REDIS_VARIABLE]?.trim() || undefined;
if (!redisUrl) warnSkipped('workspace model cache invalidation through Redis', REDIS_VARIABLE);

const PUBLIC = [{ principal_type: 'user', principal_id: '*', permission: 'read' }];

describe('workspace model cache across two instances sharing a sqlite file', () => {
  let database: TestDatabase | undefined;
  let openai: FakeServer;
  const apps: BootedApp[] = [];
  let prefix: string | undefined;

  beforeAll(async () => {
    openai = await startFakeOpenAI({ models: ['gpt-4o'] });
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    if (redisUrl && prefix) await flushPrefix(redisUrl, prefix);
    await database?.drop();
  });
  afterAll(async () => {
    await openai?.close();
  });

  async function start(redis: boolean): Promise<[BootedApp, BootedApp]> {
    prefix = redis ? redisPrefix() : undefined;
    database = await createTestDatabase('sqlite');
    const env: Record<string, string> = {
      DATABASE_URL: database.url,
      OPENAI_API_BASE_URLS: openai.url,
      OPENAI_API_KEYS: 'sk-x',
      ...(redis && redisUrl ? { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix! } : {}),
    };
    apps.push(await bootApp({ env }), await bootApp({ env }));
    return [apps[0], apps[1]];
  }

  const listed = async (app: BootedApp, who: Account) =>
    (
      (
        await app.http
          .get('/api/models')
          .set(...bearer(who))
          .expect(200)
      ).body as { data: { id: string }[] }
    ).data.map((model) => model.id);

  async function scenario(a: BootedApp, b: BootedApp, email: string, waitMs: number) {
    const admin = await signup(a.http, `admin-${email}`);
    const user = await addUser(a.http, admin, email, 'user');
    const id = `gpt-4o`;
    // B has cached the table (no row: a role user sees nothing).
    expect(await listed(b, user)).not.toContain(id);
    const started = Date.now();
    await a.http
      .post('/api/v1/models/create')
      .set(...bearer(admin))
      .send({ id, name: 'GPT', meta: {}, params: {}, access_grants: PUBLIC })
      .expect(200);
    let seen = await listed(b, user);
    while (!seen.includes(id) && Date.now() - started < waitMs) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      seen = await listed(b, user);
    }
    expect(seen).toContain(id);
    return { admin, user, elapsed: Date.now() - started };
  }

  it.skipIf(!redisUrl)('a write on one instance reaches the other at once via Redis', async () => {
    const [a, b] = await start(true);
    // Redis makes the 60 s safety TTL irrelevant: B sees the row well within a second.
    const { elapsed } = await scenario(a, b, 'redis@example.com', 1_000);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('without Redis the other instance catches up within the local TTL', async () => {
    const [a, b] = await start(false);
    await scenario(a, b, 'local@example.com', 3_500);
  });
});
