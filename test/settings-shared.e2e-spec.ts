import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SettingsService } from '@atrium/settings';
import { bootApp, type BootedApp } from './harness/boot-app.js';
import {
  createTestDatabase,
  engineMatrix,
  flushPrefix,
  redisPrefix,
  REDIS_VARIABLE,
  warnSkipped,
  type TestDatabase,
} from './support/test-databases.js';

/** Polls until the check passes or the time is up; returns how long it took. */
async function eventually(check: () => boolean, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`not true after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

const redisUrl = process.env[REDIS_VARIABLE];

for (const { engine, enabled, variable } of engineMatrix()) {
  if (!enabled) warnSkipped(`shared settings on ${engine}`, variable);

  describe.skipIf(!enabled)(`persisted settings on ${engine}`, () => {
    let database: TestDatabase;
    const apps: BootedApp[] = [];
    const boot = async (env: Record<string, string> = {}) => {
      const booted = await bootApp({ env: { DATABASE_URL: database.url, ...env } });
      apps.push(booted);
      return { booted, settings: booted.app.get(SettingsService) };
    };

    beforeAll(async () => {
      database = await createTestDatabase(engine);
    });
    afterEach(async () => {
      for (const booted of apps.splice(0)) await booted.close();
    });
    afterAll(async () => {
      await database?.drop();
    });

    it('seeds from the environment once, then the database wins over the environment', async () => {
      const first = await boot({ ENABLE_SIGNUP: 'true', DEFAULT_USER_ROLE: 'pending' });
      expect(first.settings.get('ui.enable_signup')).toBe(true);
      await first.settings.update({ 'ui.enable_signup': false, 'ui.default_user_role': 'user' });
      await first.booted.close();
      apps.length = 0;

      const restarted = await boot({ ENABLE_SIGNUP: 'true', DEFAULT_USER_ROLE: 'admin' });
      expect(restarted.settings.get('ui.enable_signup')).toBe(false);
      expect(restarted.settings.get('ui.default_user_role')).toBe('user');
    });

    it('shows a change made on one instance to another sharing the database (polling)', async () => {
      const a = await boot({ CONFIG_POLL_INTERVAL: '1' });
      const b = await boot({ CONFIG_POLL_INTERVAL: '1' });
      await a.settings.update({ 'auth.jwt_expiry': '2h' });
      await eventually(() => b.settings.get('auth.jwt_expiry') === '2h', 3000);
    });

    if (!redisUrl)
      warnSkipped(`settings change notification over Redis on ${engine}`, REDIS_VARIABLE);
    it.skipIf(!redisUrl)('announces a change to every instance at once through Redis', async () => {
      const prefix = redisPrefix();
      const env = { REDIS_URL: redisUrl!, REDIS_KEY_PREFIX: prefix, CONFIG_POLL_INTERVAL: '3600' };
      try {
        const a = await boot(env);
        const b = await boot(env);
        await a.settings.update({ 'auth.api_key.enable': false });
        const elapsed = await eventually(
          () => b.settings.get('auth.api_key.enable') === false,
          2000,
        );
        expect(elapsed).toBeLessThan(2000);
      } finally {
        await flushPrefix(redisUrl!, prefix);
      }
    });
  });
}
