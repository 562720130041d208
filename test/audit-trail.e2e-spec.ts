import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addUser,
  bearer,
  signup,
  startAuthApp,
  STRONG_PASSWORD,
  type Account,
  type AuthApp,
} from './auth-fixtures.js';
import { engineMatrix, warnSkipped } from './support/test-databases.js';

/**
 * The append-only admin audit trail: sign-ins (and failures), user and group changes land in
 * the database with actor, target, before/after (secrets masked), source IP and request id;
 * admins read it keyset-paged or as NDJSON; no route alters it.
 */
interface EventBody {
  id: string;
  occurred_at: number;
  actor_id: string | null;
  actor_email: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  before: unknown;
  after: unknown;
  source_ip: string | null;
  request_id: string | null;
}

for (const { engine, enabled, variable } of engineMatrix()) {
  if (!enabled) warnSkipped(`audit trail on ${engine}`, variable);
  describe.skipIf(!enabled)(`admin audit trail on ${engine}`, () => {
    let app: AuthApp;
    let admin: Account;
    let user: Account;
    let startedAt: number;

    const events = async (query = ''): Promise<EventBody[]> => {
      await new Promise((resolve) => setTimeout(resolve, 30)); // recorded after the response
      const response = await app.http
        .get(`/api/v1/audit/events${query}`)
        .set(...bearer(admin))
        .expect(200);
      return (response.body as { items: EventBody[] }).items;
    };

    beforeAll(async () => {
      startedAt = Date.now();
      app = await startAuthApp({ name: engine, engine });
      admin = await signup(app.http, 'admin@example.com');
      user = await addUser(app.http, admin, 'member@example.com', 'pending');
      await app.http
        .post('/api/v1/auths/signin')
        .send({ email: 'member@example.com', password: 'Not-The-Password-9' })
        .expect(400);
      await app.http
        .post(`/api/v1/users/${user.id}/update`)
        .set(...bearer(admin))
        .set('X-Request-Id', 'role-change-1')
        .send({ role: 'user', password: 'New-Secret-Pass-1' })
        .expect(200);
      await app.http
        .post('/api/v1/groups/create')
        .set(...bearer(admin))
        .send({ name: 'Auditors', description: 'reads the trail' })
        .expect(200);
      await app.http
        .post('/openai/config/update')
        .set(...bearer(admin))
        .send({
          ENABLE_OPENAI_API: true,
          OPENAI_API_BASE_URLS: ['http://127.0.0.1:9/v1'],
          OPENAI_API_KEYS: ['sk-connection-secret-1'],
        })
        .expect(200);
    });
    afterAll(async () => {
      await app?.close();
    });

    it('records sign-up, sign-in and a failed sign-in without the password', async () => {
      const all = await events();
      const actions = all.map((event) => event.action).reverse();
      expect(actions.slice(0, 4)).toEqual([
        'auth.signup',
        'user.created',
        'auth.signin',
        'auth.signin_failed',
      ]);
      const failed = all.find((event) => event.action === 'auth.signin_failed')!;
      expect(failed).toMatchObject({
        actor_id: null,
        actor_email: 'member@example.com',
        target_type: 'user',
        after: { status: 400 },
      });
      const signin = all.find((event) => event.action === 'auth.signin')!;
      expect(signin).toMatchObject({ actor_id: user.id, target_id: user.id });
      const created = all.find((event) => event.action === 'user.created')!;
      expect(created).toMatchObject({ actor_id: admin.id, actor_email: 'admin@example.com' });
      expect(created.after).toMatchObject({ email: 'member@example.com', password: '********' });
      expect(JSON.stringify(all)).not.toContain(STRONG_PASSWORD);
      expect(JSON.stringify(all)).not.toContain('Not-The-Password-9');
      expect(JSON.stringify(all)).not.toContain('New-Secret-Pass-1');
    });

    it('records a role change with actor, before/after, source IP and request id', async () => {
      const [roleChange] = await events('?target_type=user&actor=admin@example.com&limit=50').then(
        (items) => items.filter((event) => event.action === 'user.role_changed'),
      );
      expect(roleChange).toMatchObject({
        actor_id: admin.id,
        actor_email: 'admin@example.com',
        target_type: 'user',
        target_id: user.id,
        before: { role: 'pending' },
        after: { role: 'user' },
        request_id: 'role-change-1',
      });
      expect(roleChange.source_ip).toMatch(/127\.0\.0\.1/);
      // Recorded once: the route's generic record keeps only what the event did not cover.
      const sameRequest = (await events('?limit=500')).filter(
        (event) => event.request_id === 'role-change-1',
      );
      expect(sameRequest.map((event) => event.action).sort()).toEqual([
        'user.role_changed',
        'user.updated',
      ]);
      const updated = sameRequest.find((event) => event.action === 'user.updated')!;
      expect(updated.after).toEqual({ password: '********' });
      expect(
        sameRequest.filter((event) => JSON.stringify(event.after).includes('"role"')),
      ).toHaveLength(1);
      expect(roleChange.occurred_at).toBeGreaterThanOrEqual(startedAt);
      const groups = await events('?target_type=group');
      expect(groups.map((event) => event.action)).toEqual(['group.created']);
      expect(groups[0].after).toEqual({ name: 'Auditors', description: 'reads the trail' });
    });

    it('records a connection edit with its API keys masked', async () => {
      const [edit] = await events('?target_type=connection');
      expect(edit).toMatchObject({
        action: 'connection.updated',
        actor_id: admin.id,
        target_id: 'openai',
        after: {
          ENABLE_OPENAI_API: true,
          OPENAI_API_BASE_URLS: ['http://127.0.0.1:9/v1'],
          OPENAI_API_KEYS: '********',
        },
      });
      expect(JSON.stringify(await events('?limit=500'))).not.toContain('sk-connection-secret-1');
    });

    it('filters by actor and time and pages by keyset without gaps or repeats', async () => {
      const all = await events('?limit=500');
      expect(all.length).toBeGreaterThanOrEqual(8);
      const ordered = [...all].sort(
        (a, b) => b.occurred_at - a.occurred_at || (b.id < a.id ? -1 : b.id > a.id ? 1 : 0),
      );
      expect(all.map((event) => event.id)).toEqual(ordered.map((event) => event.id));
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const response = await app.http
          .get('/api/v1/audit/events')
          .query({ limit: 2, ...(cursor ? { cursor } : {}) })
          .set(...bearer(admin))
          .expect(200);
        const page = response.body as { items: EventBody[]; next_cursor: string | null };
        expect(page.items.length).toBeLessThanOrEqual(2);
        paged.push(...page.items.map((event) => event.id));
        cursor = page.next_cursor;
      } while (cursor);
      expect(paged).toEqual(all.map((event) => event.id));

      const byMember = await events(`?actor=${user.id}`);
      expect(byMember.map((event) => event.action)).toEqual(['auth.signin']);
      const future = Math.ceil(Date.now() / 1000) + 60;
      expect(await events(`?since=${future}`)).toEqual([]);
      expect((await events(`?until=${future}&limit=500`)).length).toBe(all.length);
      await app.http
        .get('/api/v1/audit/events?cursor=bogus')
        .set(...bearer(admin))
        .expect(400);
      await app.http
        .get('/api/v1/audit/events?limit=0')
        .set(...bearer(admin))
        .expect(422);
    });

    it('exports NDJSON with the same events and filters', async () => {
      const all = await events('?limit=500');
      const response = await app.http
        .get('/api/v1/audit/events/export')
        .set(...bearer(admin))
        .buffer(true)
        .parse((res, done) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => done(null, text));
        })
        .expect(200)
        .expect('Content-Type', /application\/x-ndjson/);
      const lines = (response.body as string).trim().split('\n');
      expect(lines.map((line) => (JSON.parse(line) as EventBody).id)).toEqual(
        all.map((event) => event.id),
      );
    });

    it('is admin-only and cannot be altered through any route', async () => {
      await app.http.get('/api/v1/audit/events').expect(403);
      await app.http
        .get('/api/v1/audit/events')
        .set(...bearer(user))
        .expect(401);
      const [one] = await events('?limit=1');
      for (const method of ['post', 'put', 'patch', 'delete'] as const) {
        for (const path of ['/api/v1/audit/events', `/api/v1/audit/events/${one.id}`]) {
          const response = await app.http[method](path)
            .set(...bearer(admin))
            .send({});
          expect(response.status).toBe(404);
        }
      }
      const [still] = await events('?limit=1');
      expect(still).toEqual(one);
    });
  });
}
