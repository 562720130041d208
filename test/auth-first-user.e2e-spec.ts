import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/test-databases.js';
import {
  agentOf,
  authTargets,
  bearer,
  signin,
  startAuthApp,
  STRONG_PASSWORD,
  type AuthApp,
} from './auth-fixtures.js';
import { DataSource } from 'typeorm';
import { UserEntity, UsersService } from '@atrium/users';

const signupBody = (index: number) => ({
  name: `racer ${index}`,
  email: `racer${index}@example.com`,
  password: STRONG_PASSWORD,
});

for (const { target, enabled } of authTargets('auth first user')) {
  describe.skipIf(!enabled)(`the first user on ${target.name}`, () => {
    const apps: AuthApp[] = [];
    const start = async (options: Parameters<typeof startAuthApp>[1] = {}) => {
      const app = await startAuthApp(target, options);
      apps.push(app);
      return app;
    };
    afterEach(async () => {
      for (const app of apps.splice(0).reverse()) await app.close();
    });

    it('gives exactly one admin when the first signups race', async () => {
      const app = await start();
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, index) =>
          agentOf(app).post('/api/v1/auths/signup').send(signupBody(index)),
        ),
      );
      const created = answers.filter((answer) => answer.status === 200);
      expect(created).toHaveLength(1);
      expect(created[0].body.role).toBe('admin');
      for (const answer of answers.filter((candidate) => candidate.status !== 200)) {
        expect(answer.status).toBe(403);
      }
      const config = await agentOf(app)
        .get('/api/v1/auths/admin/config')
        .set(...bearer(created[0].body.token));
      expect(config.body.ENABLE_SIGNUP).toBe(false);
    });

    it('keeps the first user as primary admin when a same-second user is made admin', async () => {
      const app = await start();
      const first = await agentOf(app).post('/api/v1/auths/signup').send(signupBody(0)).expect(200);
      const users = app.booted.app.get(UsersService);
      const primary = await users.findById(first.body.id as string);
      // Same created_at second and an id that sorts first: "earliest user" alone would pick it.
      const twin = await users.create({
        id: '00000000-0000-4000-8000-000000000000',
        name: 'Twin',
        email: 'twin@example.com',
        role: 'admin',
      });
      await app.booted.app
        .get(DataSource)
        .getRepository(UserEntity)
        .update({ id: twin.id }, { createdAt: primary!.createdAt });
      expect((await users.findPrimaryAdmin())?.id).toBe(first.body.id);
    });

    it('creates WEBUI_ADMIN_EMAIL at start on an empty database, and only then', async () => {
      const app = await start({
        env: {
          WEBUI_ADMIN_EMAIL: 'Boss@Example.com',
          WEBUI_ADMIN_PASSWORD: STRONG_PASSWORD,
          WEBUI_ADMIN_NAME: 'Boss',
        },
      });
      const boss = await signin(app.http, 'boss@example.com');
      expect(boss.role).toBe('admin');
      const closed = await agentOf(app).post('/api/v1/auths/signup').send(signupBody(1));
      expect(closed.status).toBe(403);
    });

    it('signs in as admin@localhost when WEBUI_AUTH=false, whatever is sent', async () => {
      const app = await start({ env: { WEBUI_AUTH: 'false' } });
      const first = await agentOf(app)
        .post('/api/v1/auths/signin')
        .send({ email: '', password: '' });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ email: 'admin@localhost', name: 'User', role: 'admin' });
      const again = await agentOf(app)
        .post('/api/v1/auths/signin')
        .send({ email: 'x', password: 'y' });
      expect(again.body.id).toBe(first.body.id);
      const signupRefused = await agentOf(app).post('/api/v1/auths/signup').send(signupBody(2));
      expect(signupRefused.status).toBe(403);
      // Tokens are still required and checked.
      expect((await agentOf(app).get('/api/v1/auths/')).status).toBe(403);
      expect(
        (
          await agentOf(app)
            .get('/api/v1/auths/')
            .set(...bearer(again.body.token))
        ).status,
      ).toBe(200);
    });

    it('refuses password signin with 403 when ENABLE_PASSWORD_AUTH=false', async () => {
      const app = await start({ env: { ENABLE_PASSWORD_AUTH: 'false' } });
      const response = await agentOf(app)
        .post('/api/v1/auths/signin')
        .send({ email: 'a@example.com', password: STRONG_PASSWORD });
      expect(response.status).toBe(403);
      expect(response.body.detail).toMatch(/restricted as a security measure/);
    });

    it('enforces PASSWORD_VALIDATION_REGEX_PATTERN when ENABLE_PASSWORD_VALIDATION is on', async () => {
      const app = await start({
        env: {
          ENABLE_PASSWORD_VALIDATION: 'true',
          PASSWORD_VALIDATION_HINT: 'Use 8+ characters, mixed case, a digit and a symbol.',
        },
      });
      const weak = await agentOf(app)
        .post('/api/v1/auths/signup')
        .send({ name: 'w', email: 'weak@example.com', password: 'password' });
      expect(weak.status).toBe(400);
      expect(weak.body.detail).toBe('Use 8+ characters, mixed case, a digit and a symbol.');
      const strong = await agentOf(app).post('/api/v1/auths/signup').send(signupBody(3));
      expect(strong.status).toBe(200);
    });

    it('puts new users in DEFAULT_GROUP_ID (whose permissions they get), ignoring a stale id', async () => {
      const app = await start({ env: { DEFAULT_GROUP_ID: 'no-such-group' } });
      const first = await agentOf(app).post('/api/v1/auths/signup').send(signupBody(4));
      expect(first.status).toBe(200);
      const admin = first.body.token as string;

      const group = await agentOf(app)
        .post('/api/v1/groups/create')
        .set(...bearer(admin))
        .send({ name: 'Builders', permissions: { features: { api_keys: true } } });
      expect(group.status).toBe(200);
      const configured = await agentOf(app)
        .post('/api/v1/auths/admin/config')
        .set(...bearer(admin))
        .send({ DEFAULT_GROUP_ID: group.body.id, ENABLE_SIGNUP: true, DEFAULT_USER_ROLE: 'user' });
      expect(configured.body.DEFAULT_GROUP_ID).toBe(group.body.id);

      const member = await agentOf(app).post('/api/v1/auths/signup').send(signupBody(5));
      expect(member.status).toBe(200);
      expect(member.body.permissions.features.api_keys).toBe(true);
      const members = await agentOf(app)
        .post(`/api/v1/groups/id/${group.body.id}/users`)
        .set(...bearer(admin));
      expect(members.body.map((user: { id: string }) => user.id)).toEqual([member.body.id]);
      const key = await agentOf(app)
        .post('/api/v1/auths/api_key')
        .set(...bearer(member.body.token));
      expect(key.status).toBe(200);
    });
  });
}

/** Two instances on one PostgreSQL/MySQL database: the lock is database-wide. */
// Two processes on one SQLite file are not a supported deployment, and Redis plays no part here.
const serverTargets = authTargets('auth first user across instances').filter(
  ({ target }) => target.engine !== 'sqlite' && !target.redisUrl,
);
for (const { target, enabled } of serverTargets) {
  describe.skipIf(!enabled)(`the first user across two instances on ${target.name}`, () => {
    let database: TestDatabase;
    const apps: AuthApp[] = [];
    beforeAll(async () => {
      database = await createTestDatabase(target.engine);
    });
    afterAll(async () => {
      for (const app of apps.splice(0)) await app.close();
      await database?.drop();
    });

    it('gives exactly one admin when signups race on both instances', async () => {
      apps.push(await startAuthApp(target, { databaseUrl: database.url }));
      apps.push(await startAuthApp(target, { databaseUrl: database.url }));
      const answers = await Promise.all(
        Array.from({ length: 8 }, (_, index) =>
          agentOf(apps[index % 2])
            .post('/api/v1/auths/signup')
            .send(signupBody(index)),
        ),
      );
      const admins = answers.filter(
        (answer) => answer.status === 200 && answer.body.role === 'admin',
      );
      expect(admins).toHaveLength(1);
      for (const answer of answers) expect([200, 403]).toContain(answer.status);
    });
  });
}
