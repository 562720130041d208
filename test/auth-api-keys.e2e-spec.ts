import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiKeysService } from '@atrium/auth';
import {
  addUser,
  agentOf,
  authTargets,
  bearer,
  signup,
  startAuthApp,
  type Account,
  type AuthApp,
} from './auth-fixtures.js';

async function createKey(app: AuthApp, account: Account): Promise<string> {
  const response = await agentOf(app)
    .post('/api/v1/auths/api_key')
    .set(...bearer(account));
  expect(response.status).toBe(200);
  return response.body.api_key as string;
}

/** GET /api/v1/auths/ (the caller) with `credential` as Bearer. */
function whoAmI(app: AuthApp, credential: Account | string) {
  return agentOf(app)
    .get('/api/v1/auths/')
    .set(...bearer(credential));
}

for (const { target, enabled } of authTargets('auth API keys')) {
  describe.skipIf(!enabled)(`API keys on ${target.name}`, () => {
    let app: AuthApp;
    let admin: Account;
    let user: Account;

    const setConfig = (body: Record<string, unknown>) =>
      agentOf(app)
        .post('/api/v1/auths/admin/config')
        .set(...bearer(admin))
        .send(body);

    beforeAll(async () => {
      app = await startAuthApp(target);
      admin = await signup(app.http, 'admin@example.com');
      user = await addUser(app.http, admin, 'user@example.com', 'user');
    });
    afterAll(async () => {
      await app?.close();
    });

    it('creates, reads back, replaces and deletes a key (one per user)', async () => {
      const missing = await agentOf(app)
        .get('/api/v1/auths/api_key')
        .set(...bearer(admin));
      expect(missing.status).toBe(404);
      expect(missing.body.detail).toMatch(/API key is missing/);

      const key = await createKey(app, admin);
      expect(key).toMatch(/^sk-[0-9a-f]{32}$/);
      const read = await agentOf(app)
        .get('/api/v1/auths/api_key')
        .set(...bearer(admin));
      expect(read.body).toEqual({ api_key: key });

      const replacement = await createKey(app, admin);
      expect(replacement).not.toBe(key);
      expect((await whoAmI(app, key)).status).toBe(401);
      expect((await whoAmI(app, replacement)).status).toBe(200);

      const deleted = await agentOf(app)
        .delete('/api/v1/auths/api_key')
        .set(...bearer(admin));
      expect(deleted.status).toBe(200);
      expect(deleted.body).toBe(true);
      expect((await whoAmI(app, replacement)).status).toBe(401);
      const again = await agentOf(app)
        .delete('/api/v1/auths/api_key')
        .set(...bearer(admin));
      expect(again.body).toBe(false);
    });

    it('authenticates with the key as Bearer and through the x-api-key header', async () => {
      const key = await createKey(app, admin);
      const viaBearer = await whoAmI(app, key);
      expect(viaBearer.status).toBe(200);
      expect(viaBearer.body).toMatchObject({ id: admin.id, token: key, expires_at: null });
      expect(viaBearer.headers['set-cookie']).toBeUndefined();

      const viaHeader = await agentOf(app).get('/api/v1/auths/admin/config').set('x-api-key', key);
      expect(viaHeader.status).toBe(200);

      const unknown = await agentOf(app)
        .get('/api/v1/auths/')
        .set(...bearer(`sk-${'0'.repeat(32)}`));
      expect(unknown.status).toBe(401);
    });

    it('looks a busy key up once, and refuses it at once when replaced or deleted', async () => {
      const key = await createKey(app, admin);
      const lookups = vi.spyOn(app.booted.app.get(ApiKeysService), 'findOwner');
      const status = async (credential: string) => (await whoAmI(app, credential)).status;
      try {
        // Concurrent requests share one lookup; later ones within the cache's 3 s reuse it.
        const burst = await Promise.all(Array.from({ length: 10 }, () => status(key)));
        expect(burst).toEqual(Array(10).fill(200));
        expect(await status(key)).toBe(200);
        expect(lookups).toHaveBeenCalledTimes(1);

        const replacement = await createKey(app, admin);
        expect(await status(key)).toBe(401);
        expect(await status(replacement)).toBe(200);
        expect(await status(replacement)).toBe(200);
        const deleted = await agentOf(app)
          .delete('/api/v1/auths/api_key')
          .set(...bearer(admin));
        expect(deleted.body).toBe(true);
        expect(await status(replacement)).toBe(401);
        // old key, replacement (once, then cached), replacement after deletion
        expect(lookups).toHaveBeenCalledTimes(4);
      } finally {
        lookups.mockRestore();
      }
    });

    it('refuses every key with 403 while API keys are disabled', async () => {
      const key = await createKey(app, admin);
      // Used once first: a remembered key is refused too.
      expect((await whoAmI(app, key)).status).toBe(200);
      expect((await setConfig({ ENABLE_API_KEYS: false })).status).toBe(200);
      try {
        const used = await whoAmI(app, key);
        expect(used.status).toBe(403);
        expect(used.body.detail).toBe('Use of API key is not enabled in the environment.');

        const created = await agentOf(app)
          .post('/api/v1/auths/api_key')
          .set(...bearer(admin));
        expect(created.status).toBe(403);
        expect(created.body.detail).toBe('API key creation is not allowed in the environment.');
      } finally {
        await setConfig({ ENABLE_API_KEYS: true });
      }
      expect((await whoAmI(app, key)).status).toBe(200);
    });

    it('limits keys to the allowed endpoints (exact path or prefix + "/")', async () => {
      const key = await createKey(app, admin);
      await setConfig({
        ENABLE_API_KEYS_ENDPOINT_RESTRICTIONS: true,
        API_KEYS_ALLOWED_ENDPOINTS: '/api/v1/auths/admin, /api/models',
      });
      try {
        const allowed = await agentOf(app)
          .get('/api/v1/auths/admin/config')
          .set(...bearer(key));
        expect(allowed.status).toBe(200);

        const refused = await whoAmI(app, key);
        expect(refused.status).toBe(403);
        expect(refused.body.detail).toBe('API key not allowed to access this endpoint.');

        // JWT sessions are not restricted.
        expect((await whoAmI(app, admin)).status).toBe(200);
      } finally {
        await setConfig({ ENABLE_API_KEYS_ENDPOINT_RESTRICTIONS: false });
      }
      expect((await whoAmI(app, key)).status).toBe(200);
    });

    it('needs features.api_keys for non-admins (403), admins pass', async () => {
      const refused = await agentOf(app)
        .post('/api/v1/auths/api_key')
        .set(...bearer(user));
      expect(refused.status).toBe(403);
      expect(refused.body.detail).toBe('API key creation is not allowed in the environment.');
    });
  });

  describe.skipIf(!enabled)(`API keys with features.api_keys granted on ${target.name}`, () => {
    let app: AuthApp;
    let admin: Account;
    let user: Account;

    beforeAll(async () => {
      app = await startAuthApp(target, { env: { USER_PERMISSIONS_FEATURES_API_KEYS: 'true' } });
      admin = await signup(app.http, 'admin@example.com');
      user = await addUser(app.http, admin, 'user@example.com', 'user');
    });
    afterAll(async () => {
      await app?.close();
    });

    it('lets a permitted user create and use a key, and stops it when the permission goes', async () => {
      const key = await createKey(app, user);
      const used = await whoAmI(app, key);
      expect(used.status).toBe(200);
      expect(used.body.id).toBe(user.id);
      // A key never raises the owner's role.
      expect(
        (
          await agentOf(app)
            .get('/api/v1/auths/admin/config')
            .set(...bearer(key))
        ).status,
      ).toBe(401);

      const defaults = await agentOf(app)
        .get('/api/v1/users/default/permissions')
        .set(...bearer(admin));
      expect(defaults.status).toBe(200);
      const revoked = {
        ...defaults.body,
        features: { ...defaults.body.features, api_keys: false },
      };
      const saved = await agentOf(app)
        .post('/api/v1/users/default/permissions')
        .set(...bearer(admin))
        .send(revoked);
      expect(saved.status).toBe(200);

      const refused = await whoAmI(app, key);
      expect(refused.status).toBe(403);
      expect(refused.body.detail).toBe('Use of API key is not enabled in the environment.');
    });
  });
}
