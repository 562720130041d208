import { ModulesContainer } from '@nestjs/core';
import { SystemModule } from '@atrium/system';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootApp, type BootedApp } from './harness/boot-app.js';
import {
  createTestDatabase,
  engineMatrix,
  redisPrefix,
  redisUrl,
  warnSkipped,
  type TestDatabase,
} from './support/test-databases.js';

describe('probes', () => {
  let booted: BootedApp;

  beforeAll(async () => {
    booted = await bootApp();
  });
  afterAll(async () => {
    await booted?.close();
  });

  it('GET /health answers {"status": true}', async () => {
    const response = await booted.http.get('/health').expect(200);
    expect(response.body).toEqual({ status: true });
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('GET /health/db and GET /ready are 200 once the app has started', async () => {
    expect((await booted.http.get('/health/db').expect(200)).body).toEqual({ status: true });
    expect((await booted.http.get('/ready').expect(200)).body).toEqual({ status: true });
  });

  // /ready turns 200 from HealthService.onApplicationBootstrap. Nest runs those hooks module by
  // module, deepest first and the root last (ties in import order), so SystemModule's must come
  // after every other module's bootstrap work (e.g. creating WEBUI_ADMIN_EMAIL's admin).
  it("SystemModule's bootstrap hook runs after every other module's", () => {
    const modules = [...booted.app.get(ModulesContainer).values()].sort(
      (a, b) => b.distance - a.distance,
    );
    const systemIndex = modules.findIndex((module) => module.metatype === SystemModule);
    expect(systemIndex).toBeGreaterThan(-1);
    const late = modules
      .slice(systemIndex + 1)
      .filter((module) =>
        [...module.providers.values()].some(
          (wrapper) =>
            typeof (wrapper.instance as { onApplicationBootstrap?: unknown } | undefined)
              ?.onApplicationBootstrap === 'function',
        ),
      )
      .map((module) => module.metatype.name);
    expect(late).toEqual([]);
  });

  it('probes need no token and ignore a bad one', async () => {
    await booted.http.get('/ready').set('Authorization', 'Bearer not-a-token').expect(200);
  });

  // Last in this file: it takes the database away.
  it('a database that is gone makes /health/db and /ready 503, /health stays 200', async () => {
    await booted.app.get(DataSource).destroy();
    const db = await booted.http.get('/health/db').expect(503);
    expect(db.body).toEqual({ detail: 'Database not ready' });
    const ready = await booted.http.get('/ready').expect(503);
    expect(ready.body).toEqual({ detail: 'Database not ready' });
    await booted.http.get('/health').expect(200);
  });
});

describe('probes with Redis configured but unreachable', () => {
  let booted: BootedApp;

  beforeAll(async () => {
    // Port 1 refuses at once; the app still starts (Redis only degrades features).
    booted = await bootApp({
      env: { REDIS_URL: 'redis://127.0.0.1:1', REDIS_KEY_PREFIX: redisPrefix() },
    });
  });
  afterAll(async () => {
    await booted?.close();
  });

  it('/ready is 503 "Redis not ready" while /health and /health/db stay 200', async () => {
    const ready = await booted.http.get('/ready').expect(503);
    expect(ready.body).toEqual({ detail: 'Redis not ready' });
    await booted.http.get('/health').expect(200);
    await booted.http.get('/health/db').expect(200);
  });
});

const redis = redisUrl();
describe.skipIf(!redis)('probes with a reachable Redis', () => {
  let booted: BootedApp;

  beforeAll(async () => {
    booted = await bootApp({ env: { REDIS_URL: redis!, REDIS_KEY_PREFIX: redisPrefix() } });
  });
  afterAll(async () => {
    await booted?.close();
  });

  it('/ready is 200', async () => {
    await booted.http.get('/ready').expect(200);
  });
});

for (const { engine, enabled, variable } of engineMatrix().filter(
  (entry) => entry.engine !== 'sqlite',
)) {
  if (!enabled) warnSkipped(`system probes (${engine})`, variable);

  describe.skipIf(!enabled)(`probes on ${engine}`, () => {
    let db: TestDatabase;
    let booted: BootedApp;

    beforeAll(async () => {
      db = await createTestDatabase(engine);
      booted = await bootApp({ env: { DATABASE_URL: db.url } });
    });
    afterAll(async () => {
      await booted?.close();
      await db?.drop();
    });

    it('/health/db and /ready are 200, then 503 once the database is gone', async () => {
      await booted.http.get('/health/db').expect(200);
      await booted.http.get('/ready').expect(200);
      await booted.app.get(DataSource).destroy();
      expect((await booted.http.get('/ready').expect(503)).body).toEqual({
        detail: 'Database not ready',
      });
    });
  });
}
