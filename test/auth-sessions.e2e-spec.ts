import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { JwtService } from '@atrium/auth';
import {
  addUser,
  agentOf,
  authTargets,
  bearer,
  signin,
  signup,
  startAuthApp,
  STRONG_PASSWORD,
  type Account,
  type AuthApp,
} from './auth-fixtures.js';

const SECRET = new TextEncoder().encode('e2e-secret-key'); // boot-app's WEBUI_SECRET_KEY

function cookieOf(
  response: { headers: Record<string, unknown> },
  name: string,
): string | undefined {
  const cookies = (response.headers['set-cookie'] as string[] | undefined) ?? [];
  return cookies.find((cookie) => cookie.startsWith(`${name}=`));
}

for (const { target, enabled } of authTargets('auth sessions')) {
  describe.skipIf(!enabled)(`auth sessions on ${target.name}`, () => {
    let app: AuthApp;
    let admin: Account;

    beforeAll(async () => {
      app = await startAuthApp(target);
      admin = await signup(app.http, '  First@Example.COM ');
    });
    afterAll(async () => {
      await app?.close();
    });

    it('makes the first user admin, lowercases the email and turns signup off', async () => {
      expect(admin.role).toBe('admin');
      expect(admin.email.trim().toLowerCase()).toBe('first@example.com');
      const config = await app.http.get('/api/v1/auths/admin/config').set(...bearer(admin));
      expect(config.status).toBe(200);
      expect(config.body.ENABLE_SIGNUP).toBe(false);

      const second = await app.http
        .post('/api/v1/auths/signup')
        .send({ name: 'late', email: 'late@example.com', password: STRONG_PASSWORD });
      expect(second.status).toBe(403);
      expect(second.body).toEqual({ detail: expect.stringContaining('permission') });
    });

    it('answers signin with the session shape and an HttpOnly token cookie', async () => {
      const response = await app.http
        .post('/api/v1/auths/signin')
        .send({ email: 'FIRST@example.com ', password: STRONG_PASSWORD });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        token_type: 'Bearer',
        id: admin.id,
        email: 'first@example.com',
        role: 'admin',
        profile_image_url: `/api/v1/users/${admin.id}/profile/image`,
      });
      expect(typeof response.body.token).toBe('string');
      expect(response.body.expires_at).toBeGreaterThan(Date.now() / 1000 + 27 * 86400); // 4w default
      expect(response.body.permissions).toHaveProperty('chat');
      const cookie = cookieOf(response, 'token');
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Lax/i);
      expect(cookie).toMatch(/Max-Age=\d+/);
    });

    it('refuses wrong credentials with 400 and the Open WebUI message', async () => {
      for (const body of [
        { email: 'first@example.com', password: 'wrong' },
        { email: 'nobody@example.com', password: STRONG_PASSWORD },
      ]) {
        const response = await app.http.post('/api/v1/auths/signin').send(body);
        expect(response.status).toBe(400);
        expect(response.body.detail).toMatch(/email or password provided is incorrect/);
      }
    });

    it('serves GET /api/v1/auths/ with a Bearer token, re-setting the cookie', async () => {
      const response = await app.http.get('/api/v1/auths/').set(...bearer(admin));
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        token: admin.token,
        token_type: 'Bearer',
        id: admin.id,
        role: 'admin',
        bio: null,
        gender: null,
        date_of_birth: null,
      });
      expect(cookieOf(response, 'token')).toContain(admin.token);
    });

    it('verifies a new token once for many concurrent requests, each getting its own answer', async () => {
      const signedIn = await signin(app.http, 'first@example.com');
      const verify = vi.spyOn(app.booted.app.get(JwtService), 'verify');
      try {
        const responses = await Promise.all(
          Array.from({ length: 12 }, () =>
            app.http.get('/api/v1/auths/admin/config').set(...bearer(signedIn)),
          ),
        );
        expect(responses.map((response) => response.status)).toEqual(Array(12).fill(200));
        expect(responses.every((response) => response.body.ENABLE_SIGNUP === false)).toBe(true);
        expect(verify).toHaveBeenCalledTimes(1);
        // A bad token fails every request that shares its verification, and is not remembered.
        const forged = `${signedIn.token.slice(0, -4)}AAAA`;
        const refused = await Promise.all(
          Array.from({ length: 3 }, () =>
            app.http.get('/api/v1/auths/').set('Authorization', `Bearer ${forged}`),
          ),
        );
        expect(refused.map((response) => response.status)).toEqual([401, 401, 401]);
        const afterRefusals = verify.mock.calls.length;
        expect(afterRefusals).toBeGreaterThan(1);
        const again = await app.http.get('/api/v1/auths/').set('Authorization', `Bearer ${forged}`);
        expect(again.status).toBe(401);
        expect(verify).toHaveBeenCalledTimes(afterRefusals + 1);
      } finally {
        verify.mockRestore();
      }
    });

    it('accepts the token cookie alone (the OAuth flow)', async () => {
      const response = await agentOf(app)
        .get('/api/v1/auths/')
        .set('Cookie', `token=${admin.token}`);
      expect(response.status).toBe(200);
      expect(response.body.id).toBe(admin.id);
    });

    it('answers 403 "Not authenticated" without a token and 401 for a bad one', async () => {
      const none = await agentOf(app).get('/api/v1/auths/');
      expect(none.status).toBe(403);
      expect(none.body).toEqual({ detail: 'Not authenticated' });

      const garbage = await agentOf(app)
        .get('/api/v1/auths/')
        .set(...bearer('not-a-jwt'));
      expect(garbage.status).toBe(401);
      expect(garbage.body.detail).toMatch(/session has expired or the token is invalid/);
    });

    it('refuses expired, forged and orphaned tokens with 401', async () => {
      const expired = await new SignJWT({ id: admin.id })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
        .sign(SECRET);
      const forged = await new SignJWT({ id: admin.id })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .sign(new TextEncoder().encode('another-secret'));
      const orphan = await new SignJWT({ id: 'no-such-user' })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .sign(SECRET);
      const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(
        JSON.stringify({ id: admin.id }),
      ).toString('base64url')}.`;
      for (const token of [expired, forged, orphan, unsigned]) {
        const response = await agentOf(app)
          .get('/api/v1/auths/')
          .set(...bearer(token));
        expect(response.status).toBe(401);
      }
    });

    it('accepts an Open WebUI-style token ({id, exp}, no jti) signed with the same secret', async () => {
      const token = await new SignJWT({ id: admin.id })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setExpirationTime(Math.floor(Date.now() / 1000) + 3600)
        .sign(SECRET);
      const response = await agentOf(app)
        .get('/api/v1/auths/')
        .set(...bearer(token));
      expect(response.status).toBe(200);
      expect(response.body.expires_at).toBeGreaterThan(Date.now() / 1000);
    });

    it('revokes the presented token on signout (GET and POST), clearing the cookies', async () => {
      for (const method of ['get', 'post'] as const) {
        const session = await signin(app.http, 'first@example.com');
        expect(
          (
            await agentOf(app)
              .get('/api/v1/auths/')
              .set(...bearer(session))
          ).status,
        ).toBe(200);

        const out = await agentOf(app)
          [method]('/api/v1/auths/signout')
          .set(...bearer(session));
        expect(out.status).toBe(200);
        expect(out.body).toEqual({ status: true });
        expect(cookieOf(out, 'token')).toMatch(/Expires=Thu, 01 Jan 1970/);
        expect(cookieOf(out, 'oauth_id_token')).toBeDefined();
        expect(cookieOf(out, 'oauth_session_id')).toBeDefined();

        const after = await agentOf(app)
          .get('/api/v1/auths/')
          .set(...bearer(session));
        expect(after.status).toBe(401);
        // Other sessions of the same user live on.
        expect(
          (
            await agentOf(app)
              .get('/api/v1/auths/')
              .set(...bearer(admin))
          ).status,
        ).toBe(200);
      }
    });

    it('signs out by cookie too, and without any token', async () => {
      const session = await signin(app.http, 'first@example.com');
      const out = await agentOf(app)
        .get('/api/v1/auths/signout')
        .set('Cookie', `token=${session.token}`);
      expect(out.status).toBe(200);
      expect(
        (
          await agentOf(app)
            .get('/api/v1/auths/')
            .set(...bearer(session))
        ).status,
      ).toBe(401);

      const anonymous = await agentOf(app).get('/api/v1/auths/signout');
      expect(anonymous.status).toBe(200);
      expect(anonymous.body).toEqual({ status: true });
    });

    describe('roles', () => {
      let pending: Account;
      let user: Account;

      beforeAll(async () => {
        pending = await addUser(app.http, admin, 'pending@example.com');
        user = await addUser(app.http, admin, 'user@example.com', 'user');
      });

      it('lets a pending user load the session but not a verified route (401)', async () => {
        expect(pending.role).toBe('pending');
        const session = await agentOf(app)
          .get('/api/v1/auths/')
          .set(...bearer(pending));
        expect(session.status).toBe(200);
        expect(session.body.role).toBe('pending');

        const profile = await agentOf(app)
          .post('/api/v1/auths/update/profile')
          .set(...bearer(pending))
          .send({ name: 'P', profile_image_url: '/user.png' });
        expect(profile.status).toBe(401);
        expect(profile.body.detail).toMatch(/do not have permission/);

        const details = await agentOf(app)
          .get('/api/v1/auths/admin/details')
          .set(...bearer(pending));
        expect(details.status).toBe(200);
        expect(details.body).toEqual({ name: 'First', email: 'first@example.com' });
      });

      it('keeps non-admins out of admin routes with 401', async () => {
        for (const account of [pending, user]) {
          const response = await agentOf(app)
            .get('/api/v1/auths/admin/config')
            .set(...bearer(account));
          expect(response.status).toBe(401);
        }
        const add = await agentOf(app)
          .post('/api/v1/auths/add')
          .set(...bearer(user))
          .send({ name: 'x', email: 'x@example.com', password: STRONG_PASSWORD });
        expect(add.status).toBe(401);
      });

      it('updates the profile of a verified user, keeping omitted fields', async () => {
        const first = await agentOf(app)
          .post('/api/v1/auths/update/profile')
          .set(...bearer(user))
          .send({
            name: 'New Name',
            profile_image_url: '/avatar.png',
            bio: 'hello',
            date_of_birth: '1990-02-03',
          });
        expect(first.status).toBe(200);
        expect(first.body).toEqual({
          id: user.id,
          name: 'New Name',
          role: 'user',
          email: 'user@example.com',
          profile_image_url: '/avatar.png',
        });
        // Unknown keys from newer frontends are dropped, not refused.
        const second = await agentOf(app)
          .post('/api/v1/auths/update/profile')
          .set(...bearer(user))
          .send({ name: 'Newer', profile_image_url: '/avatar.png', some_future_field: 1 });
        expect(second.status).toBe(200);
        const session = await agentOf(app)
          .get('/api/v1/auths/')
          .set(...bearer(user));
        expect(session.body).toMatchObject({
          name: 'Newer',
          bio: 'hello',
          date_of_birth: '1990-02-03',
        });
      });

      it('changes a password only with the current one', async () => {
        const wrong = await agentOf(app)
          .post('/api/v1/auths/update/password')
          .set(...bearer(pending))
          .send({ password: 'nope', new_password: 'Another-Pass-8' });
        expect(wrong.status).toBe(400);
        expect(wrong.body.detail).toMatch(/password provided is incorrect/);

        const tooLong = await agentOf(app)
          .post('/api/v1/auths/update/password')
          .set(...bearer(pending))
          .send({ password: STRONG_PASSWORD, new_password: 'x'.repeat(73) });
        expect(tooLong.status).toBe(400);
        expect(tooLong.body.detail).toMatch(/too long/);

        const ok = await agentOf(app)
          .post('/api/v1/auths/update/password')
          .set(...bearer(pending))
          .send({ password: STRONG_PASSWORD, new_password: 'Another-Pass-8' });
        expect(ok.status).toBe(200);
        expect(ok.body).toBe(true);
        await signin(app.http, 'pending@example.com', 'Another-Pass-8');
      });

      it('lets the users router set a password and change an email (PASSWORD_UPDATER, email sync)', async () => {
        const target = await addUser(app.http, admin, 'moved@example.com', 'user');
        const tooLong = await agentOf(app)
          .post(`/api/v1/users/${target.id}/update`)
          .set(...bearer(admin))
          .send({ password: 'y'.repeat(80) });
        expect(tooLong.status).toBe(400);
        expect(tooLong.body.detail).toMatch(/less than 72 bytes/);

        const updated = await agentOf(app)
          .post(`/api/v1/users/${target.id}/update`)
          .set(...bearer(admin))
          .send({ email: 'Moved-Here@example.com', password: 'Reset-By-Admin-1' });
        expect(updated.status).toBe(200);
        await signin(app.http, 'moved-here@example.com', 'Reset-By-Admin-1');
        const oldEmail = await agentOf(app)
          .post('/api/v1/auths/signin')
          .send({ email: 'moved@example.com', password: 'Reset-By-Admin-1' });
        expect(oldEmail.status).toBe(400);
        // The old address is free again for a new account.
        await addUser(app.http, admin, 'moved@example.com', 'user');
      });

      it('records the timezone (any role)', async () => {
        const response = await agentOf(app)
          .post('/api/v1/auths/update/timezone')
          .set(...bearer(pending))
          .send({ timezone: 'Europe/Paris' });
        expect(response.status).toBe(200);
        expect(response.body).toEqual({ status: true });
      });
    });

    describe('admin config', () => {
      it('returns every key under its Open WebUI name', async () => {
        const response = await app.http.get('/api/v1/auths/admin/config').set(...bearer(admin));
        expect(Object.keys(response.body).sort()).toEqual(
          [
            'SHOW_ADMIN_DETAILS',
            'ADMIN_EMAIL',
            'WEBUI_URL',
            'ENABLE_SIGNUP',
            'ENABLE_API_KEYS',
            'ENABLE_API_KEYS_ENDPOINT_RESTRICTIONS',
            'API_KEYS_ALLOWED_ENDPOINTS',
            'DEFAULT_USER_ROLE',
            'DEFAULT_GROUP_ID',
            'JWT_EXPIRES_IN',
            'ENABLE_COMMUNITY_SHARING',
            'ENABLE_MESSAGE_RATING',
            'ENABLE_FOLDERS',
            'FOLDER_MAX_FILE_COUNT',
            'ENABLE_CHANNELS',
            'ENABLE_MEMORIES',
            'ENABLE_NOTES',
            'ENABLE_USER_WEBHOOKS',
            'ENABLE_USER_STATUS',
            'PENDING_USER_OVERLAY_TITLE',
            'PENDING_USER_OVERLAY_CONTENT',
            'RESPONSE_WATERMARK',
          ].sort(),
        );
        expect(response.body).toMatchObject({ DEFAULT_USER_ROLE: 'pending', JWT_EXPIRES_IN: '4w' });
      });

      it('saves changes, ignores an invalid role or duration, and accepts unknown keys', async () => {
        const current = (await app.http.get('/api/v1/auths/admin/config').set(...bearer(admin)))
          .body;
        const response = await app.http
          .post('/api/v1/auths/admin/config')
          .set(...bearer(admin))
          .send({
            ...current,
            DEFAULT_USER_ROLE: 'superuser',
            JWT_EXPIRES_IN: 'forever',
            PENDING_USER_OVERLAY_TITLE: 'Hold on',
            FOLDER_MAX_FILE_COUNT: '25',
            ENABLE_AUTOMATIONS: true,
            SOMETHING_NEWER: { nested: 1 },
          });
        expect(response.status).toBe(200);
        expect(response.body).toMatchObject({
          DEFAULT_USER_ROLE: 'pending',
          JWT_EXPIRES_IN: '4w',
          PENDING_USER_OVERLAY_TITLE: 'Hold on',
          FOLDER_MAX_FILE_COUNT: 25,
        });
        expect(response.body).not.toHaveProperty('SOMETHING_NEWER');

        const valid = await app.http
          .post('/api/v1/auths/admin/config')
          .set(...bearer(admin))
          .send({ DEFAULT_USER_ROLE: 'user', JWT_EXPIRES_IN: '2h' });
        expect(valid.body).toMatchObject({ DEFAULT_USER_ROLE: 'user', JWT_EXPIRES_IN: '2h' });
        const session = await signin(app.http, 'first@example.com');
        const fresh = await agentOf(app)
          .get('/api/v1/auths/')
          .set(...bearer(session));
        expect(fresh.body.expires_at - Date.now() / 1000).toBeLessThanOrEqual(7200);
        expect(fresh.body.expires_at - Date.now() / 1000).toBeGreaterThan(7000);
      });

      it('still checks types (422 with the FastAPI shape)', async () => {
        const response = await app.http
          .post('/api/v1/auths/admin/config')
          .set(...bearer(admin))
          .send({ ENABLE_SIGNUP: 'yes please' });
        expect(response.status).toBe(422);
        expect(response.body.detail[0]).toMatchObject({ loc: ['body', 'ENABLE_SIGNUP'] });
      });

      it('reopens signup and assigns the default role', async () => {
        await app.http
          .post('/api/v1/auths/admin/config')
          .set(...bearer(admin))
          .send({ ENABLE_SIGNUP: true, DEFAULT_USER_ROLE: 'user' });
        const newcomer = await signup(app.http, 'newcomer@example.com');
        expect(newcomer.role).toBe('user');

        const taken = await app.http
          .post('/api/v1/auths/signup')
          .send({ name: 'again', email: 'NEWCOMER@example.com', password: STRONG_PASSWORD });
        expect(taken.status).toBe(400);
        expect(taken.body.detail).toMatch(/already registered/);

        const invalid = await app.http
          .post('/api/v1/auths/signup')
          .send({ name: 'bad', email: 'not-an-email', password: STRONG_PASSWORD });
        expect(invalid.status).toBe(400);
        expect(invalid.body.detail).toMatch(/email format you entered is invalid/);

        const tooLong = await app.http
          .post('/api/v1/auths/signup')
          .send({ name: 'long', email: 'long@example.com', password: 'é'.repeat(37) });
        expect(tooLong.status).toBe(400);
        expect(tooLong.body.detail).toMatch(/less than 72 bytes/);
      });
    });
  });
}
