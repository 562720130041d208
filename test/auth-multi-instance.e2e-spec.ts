import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  engineMatrix,
  flushPrefix,
  redisPrefix,
  REDIS_VARIABLE,
  warnSkipped,
  type TestDatabase,
} from './support/test-databases.js';
import {
  agentOf,
  bearer,
  signin,
  signup,
  startAuthApp,
  STRONG_PASSWORD,
  type AuthApp,
} from './auth-fixtures.js';

const redisUrl = process.env[REDIS_VARIABLE]?.trim() || undefined;
if (!redisUrl) {
  console.warn(
    `\n*** SKIPPED: token revocation and signin limits across two instances sharing Redis do not run ` +
      `because ${REDIS_VARIABLE} is not set (e.g. ${REDIS_VARIABLE}=redis://127.0.0.1:6379). ***\n`,
  );
}

for (const { engine, enabled, variable } of engineMatrix()) {
  if (!enabled) warnSkipped(`auth across instances on ${engine}`, variable);

  describe.skipIf(!enabled)(`two instances on one ${engine} database`, () => {
    let database: TestDatabase;
    const apps: AuthApp[] = [];
    beforeAll(async () => {
      database = await createTestDatabase(engine);
    });
    afterEach(async () => {
      for (const app of apps.splice(0)) await app.close();
    });
    afterAll(async () => {
      await database?.drop();
    });

    it('honours a signout made on the other instance (database revocations, no Redis)', async () => {
      apps.push(await startAuthApp(undefined, { databaseUrl: database.url }));
      apps.push(await startAuthApp(undefined, { databaseUrl: database.url }));
      const [a, b] = apps;
      await signup(a.http, 'db-only@example.com');
      const session = await signin(b.http, 'db-only@example.com');
      expect(
        (
          await agentOf(a)
            .get('/api/v1/auths/')
            .set(...bearer(session))
        ).status,
      ).toBe(200);

      expect(
        (
          await agentOf(a)
            .get('/api/v1/auths/signout')
            .set(...bearer(session))
        ).status,
      ).toBe(200);
      expect(
        (
          await agentOf(b)
            .get('/api/v1/auths/')
            .set(...bearer(session))
        ).status,
      ).toBe(401);
      expect(
        (
          await agentOf(a)
            .get('/api/v1/auths/')
            .set(...bearer(session))
        ).status,
      ).toBe(401);
    });

    describe.skipIf(!redisUrl)('sharing Redis', () => {
      let prefix: string;
      let redis: Redis;
      beforeAll(() => {
        redis = new Redis(redisUrl!);
      });
      afterAll(async () => {
        await redis?.quit();
      });
      afterEach(async () => {
        if (prefix) await flushPrefix(redisUrl!, prefix);
      });

      const startPair = async () => {
        prefix = redisPrefix();
        const options = { databaseUrl: database.url, redisUrl, redisKeyPrefix: prefix };
        apps.push(await startAuthApp(undefined, options));
        apps.push(await startAuthApp(undefined, options));
        return apps.slice(-2);
      };

      it('revokes a token on every instance, through a Redis key that expires with the token', async () => {
        const [a, b] = await startPair();
        const session = await signin(b.http, 'db-only@example.com');
        expect(
          (
            await agentOf(b)
              .get('/api/v1/auths/')
              .set(...bearer(session))
          ).status,
        ).toBe(200);

        expect(
          (
            await agentOf(a)
              .post('/api/v1/auths/signout')
              .set(...bearer(session))
          ).status,
        ).toBe(200);
        expect(
          (
            await agentOf(b)
              .get('/api/v1/auths/')
              .set(...bearer(session))
          ).status,
        ).toBe(401);

        const key = `${prefix}:auth:revoked:${createHash('sha256').update(session.token).digest('hex')}`;
        expect(await redis.exists(key)).toBe(1);
        const ttl = await redis.ttl(key);
        expect(ttl).toBeGreaterThan(27 * 86400);
        expect(ttl).toBeLessThanOrEqual(28 * 86400);
      });

      it('refuses an API key on every instance at once when it is deleted', async () => {
        const [a, b] = await startPair();
        const session = await signin(a.http, 'db-only@example.com');
        const created = await agentOf(a)
          .post('/api/v1/auths/api_key')
          .set(...bearer(session));
        expect(created.status).toBe(200);
        const apiKey = created.body.api_key as string;
        const onB = async () =>
          (
            await agentOf(b)
              .get('/api/v1/auths/')
              .set(...bearer(apiKey))
          ).status;
        // Verified on b, so b remembers it (for up to 3 s) ...
        expect(await onB()).toBe(200);
        expect(await onB()).toBe(200);
        const deleted = await agentOf(a)
          .delete('/api/v1/auths/api_key')
          .set(...bearer(session));
        expect(deleted.body).toBe(true);
        // ... until a's broadcast tells it otherwise, before a answered.
        expect(await onB()).toBe(401);
      });

      it('shares the signin attempt count between instances', async () => {
        const [a, b] = await startPair();
        const attempt = (app: AuthApp) =>
          agentOf(app)
            .post('/api/v1/auths/signin')
            .send({ email: 'db-only@example.com', password: 'wrong' });
        for (let index = 0; index < 15; index += 1) {
          expect((await attempt(index % 2 === 0 ? a : b)).status).toBe(400);
        }
        expect((await attempt(b)).status).toBe(429);
        expect((await attempt(a)).status).toBe(429);
      });
    });

    it('keeps revocations working through the database while Redis is unreachable', async () => {
      const options = {
        databaseUrl: database.url,
        redisUrl: 'redis://127.0.0.1:1',
        redisKeyPrefix: 'unused',
      };
      apps.push(await startAuthApp(undefined, options));
      apps.push(await startAuthApp(undefined, options));
      const [a, b] = apps;
      const session = await signin(a.http, 'db-only@example.com', STRONG_PASSWORD);
      expect(
        (
          await agentOf(b)
            .get('/api/v1/auths/')
            .set(...bearer(session))
        ).status,
      ).toBe(200);
      const out = await agentOf(a)
        .get('/api/v1/auths/signout')
        .set(...bearer(session));
      expect(out.status).toBe(200);
      expect(
        (
          await agentOf(b)
            .get('/api/v1/auths/')
            .set(...bearer(session))
        ).status,
      ).toBe(401);
      expect(
        (
          await agentOf(a)
            .get('/api/v1/auths/')
            .set(...bearer(session))
        ).status,
      ).toBe(401);
    });
  });
}
