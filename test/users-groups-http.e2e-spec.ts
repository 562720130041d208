/**
 * HTTP tests of the users library on its own: the users module with the real validation pipe
 * and exception filter, a real database (SQLite, plus PostgreSQL/MySQL when configured) and a
 * stand-in guard that reads the caller's id from a header and applies the same @Auth() levels
 * as the real guard. test/users-groups.e2e-spec.ts covers the same routes through the whole
 * app with real sessions.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Injectable,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE, Reflector } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AUTH_REQUIREMENT,
  Clock,
  CommonModule,
  createValidationPipe,
  ErrorMessages,
  ForbiddenError,
  HttpExceptionFilter,
  JsonPrimitiveInterceptor,
  UnauthorizedError,
  type AuthenticatedUser,
  type AuthRequirement,
} from '@atrium/common';
import { ConfigModule, loadConfig } from '@atrium/config';
import { DatabaseModule } from '@atrium/database';
import { RedisModule } from '@atrium/redis';
import { SETTINGS_ENTITIES, SettingsModule } from '@atrium/settings';
import {
  GroupsService,
  PASSWORD_UPDATER,
  PermissionsService,
  UserEventsService,
  USERS_ENTITIES,
  UsersModule,
  UsersService,
  type UserEvents,
  type UserRecord,
} from '@atrium/users';
import { MIGRATIONS } from '../migrations/index.js';
import {
  createTestDatabase,
  engineMatrix,
  warnSkipped,
  type TestDatabase,
} from './support/test-databases.js';

const CALLER_HEADER = 'x-test-user';
const DEFAULT_IMAGE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Stands in for the auth guard: the caller is the user named by a header. */
@Injectable()
class HeaderAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly users: UsersService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const requirement = this.reflector.getAllAndOverride<AuthRequirement | undefined>(
      AUTH_REQUIREMENT,
      [context.getHandler(), context.getClass()],
    );
    if (!requirement)
      throw new Error(`route without @Auth()/@Public(): ${context.getHandler().name}`);
    if (requirement.level === 'public') return true;
    const http = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string>; user?: AuthenticatedUser }>();
    const id = http.headers[CALLER_HEADER];
    if (!id) throw new ForbiddenError(ErrorMessages.NOT_AUTHENTICATED);
    const user = await this.users.findById(id);
    if (!user) throw new UnauthorizedError(ErrorMessages.INVALID_TOKEN);
    const allowed =
      requirement.level === 'any' ||
      (requirement.level === 'verified' && user.role !== 'pending') ||
      (requirement.level === 'admin' && user.role === 'admin');
    if (!allowed) throw new UnauthorizedError(ErrorMessages.ACCESS_PROHIBITED);
    http.user = {
      id: user.id,
      name: user.name,
      email: user.email,
      role: user.role,
      profileImageUrl: user.profileImageUrl,
      authType: 'jwt',
      credential: '',
    };
    return true;
  }
}

class TestClock extends Clock {
  now = 1_750_000_000;
  override nowMs(): number {
    return this.now * 1000;
  }
}

for (const { engine, enabled, variable } of engineMatrix()) {
  if (!enabled) warnSkipped(`users/groups HTTP on ${engine}`, variable);

  describe.skipIf(!enabled)(`users and groups routes on ${engine}`, () => {
    let database: TestDatabase;
    let dataDir: string;
    let app: INestApplication;
    let users: UsersService;
    const clock = new TestClock();
    const passwords: { userId: string; password: string }[] = [];
    const events: { name: keyof UserEvents; payload: unknown }[] = [];
    let primary: UserRecord;
    let admin: UserRecord;
    let member: UserRecord;
    let pending: UserRecord;

    const as = (caller: UserRecord | undefined) => {
      const agent = request(app.getHttpServer());
      const withCaller = (test: request.Test): request.Test =>
        caller ? test.set(CALLER_HEADER, caller.id) : test;
      return {
        get: (path: string) => withCaller(agent.get(path)),
        post: (path: string, body?: unknown) =>
          withCaller(body === undefined ? agent.post(path) : agent.post(path).send(body as object)),
        delete: (path: string) => withCaller(agent.delete(path)),
      };
    };

    async function createUser(name: string, role: UserRecord['role']): Promise<UserRecord> {
      clock.now += 1;
      return users.create({ name, email: `${name.toLowerCase()}@example.com`, role });
    }

    beforeAll(async () => {
      database = await createTestDatabase(engine);
      dataDir = mkdtempSync(join(tmpdir(), 'atrium-users-http-'));
      mkdirSync(join(dataDir, 'static'));
      writeFileSync(join(dataDir, 'static', 'user.png'), DEFAULT_IMAGE);
      const config = loadConfig({
        WEBUI_SECRET_KEY: 'test',
        DATA_DIR: dataDir,
        DATABASE_URL: database.url,
        STATIC_DIR: join(dataDir, 'static'),
      });
      const moduleRef = await Test.createTestingModule({
        imports: [
          ConfigModule.forRoot(config),
          CommonModule,
          DatabaseModule.forRoot({
            entities: [...USERS_ENTITIES, ...SETTINGS_ENTITIES],
            migrations: MIGRATIONS,
          }),
          RedisModule,
          SettingsModule,
          UsersModule,
        ],
        providers: [
          { provide: APP_PIPE, useFactory: createValidationPipe },
          { provide: APP_FILTER, useClass: HttpExceptionFilter },
          { provide: APP_INTERCEPTOR, useClass: JsonPrimitiveInterceptor },
          { provide: APP_GUARD, useClass: HeaderAuthGuard },
          {
            provide: PASSWORD_UPDATER,
            useValue: {
              setPassword: (userId: string, password: string) => {
                passwords.push({ userId, password });
                return Promise.resolve();
              },
            },
          },
        ],
      })
        .overrideProvider(Clock)
        .useValue(clock)
        .compile();
      app = moduleRef.createNestApplication({ logger: ['error'] });
      await app.init();
      users = app.get(UsersService);
      const userEvents = app.get(UserEventsService);
      for (const name of ['userRoleChanged', 'userEmailChanged', 'userDeleted'] as const) {
        userEvents.on(name, (payload) => void events.push({ name, payload }));
      }
      primary = await createUser('Primary', 'admin');
      admin = await createUser('Second', 'admin');
      member = await createUser('Member', 'user');
      pending = await createUser('Waiting', 'pending');
    });

    afterAll(async () => {
      await app?.close();
      await database?.drop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    beforeEach(() => {
      events.length = 0;
      passwords.length = 0;
    });

    describe('access', () => {
      it('refuses callers without a session, pending users on verified routes and users on admin routes', async () => {
        await as(undefined)
          .get('/api/v1/users/groups')
          .expect(403, { detail: ErrorMessages.NOT_AUTHENTICATED });
        await as(pending)
          .get('/api/v1/users/groups')
          .expect(401, { detail: ErrorMessages.ACCESS_PROHIBITED });
        await as(member)
          .get('/api/v1/users/')
          .expect(401, { detail: ErrorMessages.ACCESS_PROHIBITED });
        await as(member).post('/api/v1/groups/create', { name: 'x', description: '' }).expect(401);
        await as(member).get('/api/v1/groups/').expect(200);
      });
    });

    describe('/api/v1/users', () => {
      it('lists users for admins with their group ids, 30 a page, newest-created last by default', async () => {
        const group = await app.get(GroupsService).createGroup(primary.id, { name: 'Listed' });
        await app.get(GroupsService).addUsers(group.id, [member.id]);
        const response = await as(admin).get('/api/v1/users/?page=1').expect(200);
        expect(response.body.total).toBe(4);
        expect(response.body.users.map((u: { id: string }) => u.id)).toEqual([
          primary.id,
          admin.id,
          member.id,
          pending.id,
        ]);
        const listed = response.body.users.find((u: { id: string }) => u.id === member.id);
        expect(listed).toMatchObject({
          id: member.id,
          email: 'member@example.com',
          name: 'Member',
          role: 'user',
          profile_image_url: '/user.png',
          group_ids: [group.id],
          created_at: member.createdAt,
          updated_at: member.updatedAt,
          last_active_at: member.lastActiveAt,
        });
        expect(listed).not.toHaveProperty('createdAt');
        await app.get(GroupsService).deleteGroup(group.id);
      });

      it('filters, orders and pages', async () => {
        const byName = await as(admin).get('/api/v1/users?order_by=name&direction=asc').expect(200);
        expect(byName.body.users.map((u: { name: string }) => u.name)).toEqual([
          'Member',
          'Primary',
          'Second',
          'Waiting',
        ]);
        const desc = await as(admin).get('/api/v1/users?order_by=name').expect(200);
        expect(desc.body.users[0].name).toBe('Waiting');
        const query = await as(admin).get('/api/v1/users?query=MEMB').expect(200);
        expect(query.body).toMatchObject({ total: 1, users: [{ id: member.id }] });
        const beyond = await as(admin).get('/api/v1/users?page=2').expect(200);
        expect(beyond.body).toEqual({ users: [], total: 4 });
        await as(admin).get('/api/v1/users?page=0').expect(200);
        await as(admin).get('/api/v1/users?unknown_param=1').expect(200);
      });

      it('lists the members of a group first with order_by=group_id:<id>', async () => {
        const group = await app.get(GroupsService).createGroup(primary.id, { name: 'Pickers' });
        await app.get(GroupsService).addUsers(group.id, [pending.id, admin.id]);
        const first = await as(admin)
          .get(`/api/v1/users?order_by=group_id:${group.id}&direction=desc`)
          .expect(200);
        expect(first.body.users.map((u: { name: string }) => u.name)).toEqual([
          'Second',
          'Waiting',
          'Member',
          'Primary',
        ]);
        const last = await as(admin)
          .get(`/api/v1/users?order_by=group_id:${group.id}&direction=asc`)
          .expect(200);
        expect(last.body.users.map((u: { name: string }) => u.name)).toEqual([
          'Member',
          'Primary',
          'Second',
          'Waiting',
        ]);
        await app.get(GroupsService).deleteGroup(group.id);
      });

      it('rejects malformed query parameters with FastAPI 422 details', async () => {
        const page = await as(admin).get('/api/v1/users?page=abc').expect(422);
        expect(page.body.detail).toEqual([
          expect.objectContaining({ loc: ['query', 'page'], type: 'int_type' }),
        ]);
        const order = await as(admin).get('/api/v1/users?order_by=password').expect(422);
        expect(order.body.detail[0].loc).toEqual(['query', 'order_by']);
        await as(admin).get('/api/v1/users?direction=sideways').expect(422);
      });

      it('answers /all for admins and /search for verified users with UserInfo entries', async () => {
        const all = await as(admin).get('/api/v1/users/all').expect(200);
        expect(all.body.total).toBe(4);
        expect(all.body.users[0]).toEqual({
          id: pending.id,
          name: 'Waiting',
          email: 'waiting@example.com',
          role: 'pending',
          bio: null,
          groups: [],
          is_active: true,
        });
        await as(member).get('/api/v1/users/all').expect(401);
        const search = await as(member).get('/api/v1/users/search?query=prim').expect(200);
        expect(search.body).toMatchObject({
          total: 1,
          users: [{ id: primary.id, name: 'Primary' }],
        });
      });

      it('lists recently active users', async () => {
        const active = await as(member).get('/api/v1/users/active').expect(200);
        expect(active.body.user_ids.sort()).toEqual(
          [primary.id, admin.id, member.id, pending.id].sort(),
        );
      });
    });

    describe('permissions', () => {
      it('serves and stores the default permissions, completing partial trees', async () => {
        const defaults = await as(admin).get('/api/v1/users/default/permissions').expect(200);
        expect(defaults.body.chat.delete).toBe(true);
        expect(defaults.body.workspace.models).toBe(false);

        const saved = await as(admin)
          .post('/api/v1/users/default/permissions', {
            chat: { delete: false },
            ui: { interface_settings: true },
          })
          .expect(200);
        expect(saved.body.chat).toMatchObject({ delete: false, edit: true });
        expect(saved.body.ui).toEqual({ interface_settings: true });
        const reread = await as(admin).get('/api/v1/users/default/permissions').expect(200);
        expect(reread.body.chat.delete).toBe(false);
        await as(admin)
          .post('/api/v1/users/default/permissions', { chat: { delete: true } })
          .expect(200);
      });

      it('rejects permission trees of the wrong shape', async () => {
        const bad = await as(admin)
          .post('/api/v1/users/default/permissions', { chat: { delete: 'no' }, workspace: [] })
          .expect(422);
        expect(bad.body.detail).toEqual([
          expect.objectContaining({ loc: ['body', 'chat', 'delete'], type: 'bool_type' }),
          expect.objectContaining({ loc: ['body', 'workspace'], type: 'dict_type' }),
        ]);
        await as(admin).post('/api/v1/users/default/permissions', [1, 2]).expect(422);
        await as(member).post('/api/v1/users/default/permissions', {}).expect(401);
      });

      it("combines the defaults with the caller's groups", async () => {
        const before = await as(member).get('/api/v1/users/permissions').expect(200);
        expect(before.body.workspace.models).toBe(false);
        const group = await as(admin)
          .post('/api/v1/groups/create', {
            name: 'Builders',
            description: 'may build models',
            permissions: { workspace: { models: true } },
          })
          .expect(200);
        await as(admin)
          .post(`/api/v1/groups/id/${group.body.id}/users/add`, { user_ids: [member.id] })
          .expect(200);
        const after = await as(member).get('/api/v1/users/permissions').expect(200);
        expect(after.body.workspace.models).toBe(true);
        expect(after.body.chat.delete).toBe(true);
        expect(await app.get(PermissionsService).hasPermission(member.id, 'workspace.models')).toBe(
          true,
        );
        const own = await as(member).get('/api/v1/users/groups').expect(200);
        expect(own.body).toEqual([
          expect.objectContaining({ id: group.body.id, name: 'Builders' }),
        ]);
        await as(admin).delete(`/api/v1/groups/id/${group.body.id}/delete`).expect(200, 'true');
      });
    });

    describe('own settings and info', () => {
      it('merges settings and drops ui.toolServers without features.direct_tool_servers', async () => {
        const none = await as(member).get('/api/v1/users/user/settings').expect(200);
        expect(none.text).toBe('null');
        expect(none.headers['content-type']).toMatch(/^application\/json/);
        const first = await as(member)
          .post('/api/v1/users/user/settings/update', {
            ui: { theme: 'dark', toolServers: [{ url: 'x' }] },
            other: 1,
          })
          .expect(200);
        expect(first.body).toEqual({ ui: { theme: 'dark' }, other: 1 });
        const second = await as(member)
          .post('/api/v1/users/user/settings/update', { extra: true })
          .expect(200);
        expect(second.body).toEqual({ ui: { theme: 'dark' }, other: 1, extra: true });
        const adminSettings = await as(admin)
          .post('/api/v1/users/user/settings/update', { ui: { toolServers: [{ url: 'y' }] } })
          .expect(200);
        expect(adminSettings.body.ui.toolServers).toEqual([{ url: 'y' }]);
        await as(member).get('/api/v1/users/user/settings').expect(200, second.body);
      });

      it('rejects settings that are not objects', async () => {
        await as(member).post('/api/v1/users/user/settings/update', { ui: 'dark' }).expect(422);
        await as(member).post('/api/v1/users/user/settings/update', ['x']).expect(422);
        await as(pending).post('/api/v1/users/user/settings/update', {}).expect(401);
      });

      it('merges info', async () => {
        await as(member)
          .post('/api/v1/users/user/info/update', { location: 'Paris' })
          .expect(200, { location: 'Paris' });
        await as(member)
          .post('/api/v1/users/user/info/update', { lang: 'fr' })
          .expect(200, { location: 'Paris', lang: 'fr' });
        await as(member)
          .get('/api/v1/users/user/info')
          .expect(200, { location: 'Paris', lang: 'fr' });
        expect((await as(admin).get('/api/v1/users/user/info').expect(200)).text).toBe('null');
      });
    });

    describe('/api/v1/users/{user_id}', () => {
      it('gives users a name card and admins the whole record', async () => {
        await as(member).get(`/api/v1/users/${admin.id}`).expect(200, {
          name: 'Second',
          profile_image_url: '/user.png',
          active: true,
        });
        const full = await as(primary).get(`/api/v1/users/${member.id}`).expect(200);
        expect(full.body).toMatchObject({
          id: member.id,
          email: 'member@example.com',
          groups: [],
          is_active: true,
          active: true,
        });
        const info = await as(member).get(`/api/v1/users/${admin.id}/info`).expect(200);
        expect(info.body).toMatchObject({
          id: admin.id,
          email: 'second@example.com',
          role: 'admin',
          groups: [],
        });
        await as(member).get(`/api/v1/users/${admin.id}/active`).expect(200, { active: true });
      });

      it('answers 400 for unknown users and unresolvable shared chats', async () => {
        for (const path of [
          'ghost',
          'ghost/info',
          'ghost/active',
          'ghost/profile/image',
          'shared-nochat',
        ]) {
          await as(member)
            .get(`/api/v1/users/${path}`)
            .expect(400, { detail: ErrorMessages.USER_NOT_FOUND });
        }
        await as(member).get(`/api/v1/users/${member.id}/groups`).expect(401);
        await as(admin).get(`/api/v1/users/${member.id}/groups`).expect(200);
      });

      it('serves profile images: redirect, inline data URI, or the default image', async () => {
        const fallback = await as(member)
          .get(`/api/v1/users/${member.id}/profile/image`)
          .responseType('blob')
          .expect(200)
          .expect('Content-Type', 'image/png');
        expect(fallback.body).toEqual(DEFAULT_IMAGE);

        await users.update(member.id, { profileImageUrl: 'https://images.example.com/me.png' });
        await as(member)
          .get(`/api/v1/users/${member.id}/profile/image`)
          .expect(302)
          .expect('Location', 'https://images.example.com/me.png');

        const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
        await users.update(member.id, {
          profileImageUrl: `data:image/png;base64,${bytes.toString('base64')}`,
        });
        const inline = await as(admin)
          .get(`/api/v1/users/${member.id}/profile/image`)
          .responseType('blob')
          .expect(200)
          .expect('Content-Type', 'image/png')
          .expect('Content-Disposition', 'inline')
          .expect('X-Content-Type-Options', 'nosniff');
        expect(inline.body).toEqual(bytes);

        await users.update(member.id, { profileImageUrl: 'data:image/svg+xml;base64,PHN2Zy8+' });
        const svg = await as(member)
          .get(`/api/v1/users/${member.id}/profile/image`)
          .responseType('blob')
          .expect(200);
        expect(svg.body).toEqual(DEFAULT_IMAGE);
        await users.update(member.id, { profileImageUrl: '/user.png' });
      });
    });

    describe('admin edits', () => {
      it('updates role, name, email, picture and password', async () => {
        const target = await createUser('Target', 'pending');
        const response = await as(admin)
          .post(`/api/v1/users/${target.id}/update`, {
            role: 'user',
            name: 'Renamed',
            email: 'Renamed@Example.com',
            profile_image_url: 'https://images.example.com/r.png',
            password: 'new-password',
          })
          .expect(200);
        expect(response.body).toMatchObject({
          id: target.id,
          role: 'user',
          name: 'Renamed',
          email: 'renamed@example.com',
          profile_image_url: 'https://images.example.com/r.png',
        });
        expect(passwords).toEqual([{ userId: target.id, password: 'new-password' }]);
        expect(events).toEqual([
          {
            name: 'userRoleChanged',
            payload: { userId: target.id, previousRole: 'pending', role: 'user' },
          },
          {
            name: 'userEmailChanged',
            payload: {
              userId: target.id,
              previousEmail: 'target@example.com',
              email: 'renamed@example.com',
            },
          },
        ]);
        await as(admin).delete(`/api/v1/users/${target.id}`).expect(200, 'true');
      });

      it('protects the primary admin and refuses taken emails', async () => {
        await as(admin).post(`/api/v1/users/${primary.id}/update`, { name: 'Hijack' }).expect(403, {
          detail: ErrorMessages.ACTION_PROHIBITED,
        });
        await as(primary).post(`/api/v1/users/${primary.id}/update`, { role: 'user' }).expect(403);
        await as(primary)
          .post(`/api/v1/users/${primary.id}/update`, { role: 'admin', name: 'Primary' })
          .expect(200);
        await as(admin)
          .post(`/api/v1/users/${member.id}/update`, { email: 'SECOND@example.com' })
          .expect(400, {
            detail: ErrorMessages.EMAIL_TAKEN,
          });
        await as(admin)
          .post(`/api/v1/users/ghost/update`, { name: 'x' })
          .expect(400, { detail: ErrorMessages.USER_NOT_FOUND });
      });

      it('rejects bad update forms with 422', async () => {
        for (const body of [
          { role: 'superuser' },
          { email: 'not-an-email' },
          { name: 42 },
          { profile_image_url: 'javascript:alert(1)' },
          { profile_image_url: 'data:image/svg+xml;base64,PHN2Zy8+' },
          { is_admin: true },
        ]) {
          const response = await as(admin)
            .post(`/api/v1/users/${member.id}/update`, body)
            .expect(422);
          expect(Array.isArray(response.body.detail)).toBe(true);
        }
      });

      it('deletes users, never the primary admin or oneself', async () => {
        const doomed = await createUser('Doomed', 'user');
        const group = await app
          .get(GroupsService)
          .createGroup(primary.id, { name: 'Doomed group' });
        await app.get(GroupsService).addUsers(group.id, [doomed.id]);
        await as(admin).delete(`/api/v1/users/${primary.id}`).expect(403);
        await as(admin).delete(`/api/v1/users/${admin.id}`).expect(403);
        await as(admin).delete('/api/v1/users/ghost').expect(400);
        await as(member).delete(`/api/v1/users/${doomed.id}`).expect(401);
        await as(admin).delete(`/api/v1/users/${doomed.id}`).expect(200, 'true');
        expect(events).toEqual([{ name: 'userDeleted', payload: { userId: doomed.id } }]);
        expect((await app.get(GroupsService).getGroup(group.id)).memberCount).toBe(0);
        await app.get(GroupsService).deleteGroup(group.id);
      });
    });

    describe('/api/v1/groups', () => {
      it('runs a group through its life', async () => {
        const created = await as(primary)
          .post('/api/v1/groups/create', {
            name: 'Team',
            description: 'the team',
            permissions: { chat: { share: false } },
          })
          .expect(200);
        const id = created.body.id as string;
        expect(created.body).toEqual({
          id,
          user_id: primary.id,
          name: 'Team',
          description: 'the team',
          permissions: { chat: { share: false } },
          data: { config: { share: 'members' } },
          meta: null,
          member_count: 0,
          created_at: clock.now,
          updated_at: clock.now,
        });

        const added = await as(admin)
          .post(`/api/v1/groups/id/${id}/users/add`, {
            user_ids: [member.id, pending.id, 'ghost', member.id],
          })
          .expect(200);
        expect(added.body.member_count).toBe(2);
        const again = await as(admin)
          .post(`/api/v1/groups/id/${id}/users/add`, { user_ids: [member.id] })
          .expect(200);
        expect(again.body.member_count).toBe(2);

        const members = await as(admin).post(`/api/v1/groups/id/${id}/users`).expect(200);
        expect(members.body.map((u: { id: string }) => u.id).sort()).toEqual(
          [member.id, pending.id].sort(),
        );
        expect(members.body[0]).toMatchObject({ groups: [{ id, name: 'Team' }], is_active: true });

        const exported = await as(admin).get(`/api/v1/groups/id/${id}/export`).expect(200);
        expect(exported.body.user_ids.sort()).toEqual([member.id, pending.id].sort());
        await as(admin).get(`/api/v1/groups/id/${id}`).expect(200);
        const info = await as(member).get(`/api/v1/groups/id/${id}/info`).expect(200);
        expect(info.body).toEqual({
          id,
          user_id: primary.id,
          name: 'Team',
          description: 'the team',
          member_count: 2,
          created_at: created.body.created_at,
          updated_at: expect.any(Number),
        });

        const mine = await as(member).get('/api/v1/groups/').expect(200);
        expect(mine.body.map((g: { id: string }) => g.id)).toEqual([id]);
        const allForAdmin = await as(admin).get('/api/v1/groups').expect(200);
        expect(allForAdmin.body.map((g: { id: string }) => g.id)).toContain(id);

        clock.now += 10;
        const updated = await as(admin)
          .post(`/api/v1/groups/id/${id}/update`, {
            name: 'Team B',
            description: 'renamed',
            user_ids: [admin.id, 'ghost'],
          })
          .expect(200);
        expect(updated.body).toMatchObject({
          name: 'Team B',
          description: 'renamed',
          permissions: { chat: { share: false } },
          member_count: 1,
          updated_at: clock.now,
        });

        const removed = await as(admin)
          .post(`/api/v1/groups/id/${id}/users/remove`, { user_ids: [admin.id, 'ghost'] })
          .expect(200);
        expect(removed.body.member_count).toBe(0);

        await as(admin).delete(`/api/v1/groups/id/${id}/delete`).expect(200, 'true');
        await as(admin)
          .get(`/api/v1/groups/id/${id}`)
          .expect(404, { detail: ErrorMessages.NOT_FOUND });
      });

      it('answers unknown groups with 404 on reads and 400 on writes', async () => {
        await as(admin).get('/api/v1/groups/id/ghost').expect(404);
        await as(member).get('/api/v1/groups/id/ghost/info').expect(404);
        await as(admin).get('/api/v1/groups/id/ghost/export').expect(404);
        await as(admin).post('/api/v1/groups/id/ghost/users').expect(400);
        await as(admin).post('/api/v1/groups/id/ghost/update', { name: 'x' }).expect(400);
        await as(admin)
          .post('/api/v1/groups/id/ghost/users/add', { user_ids: [member.id] })
          .expect(400);
        await as(admin)
          .post('/api/v1/groups/id/ghost/users/remove', { user_ids: [member.id] })
          .expect(400);
        await as(admin)
          .delete('/api/v1/groups/id/ghost/delete')
          .expect(400, { detail: ErrorMessages.NOT_FOUND });
      });

      it('rejects bad group forms with 422', async () => {
        for (const body of [
          {},
          { name: 5 },
          { name: 'x', extra: 1 },
          { name: 'x', permissions: { chat: { share: 'yes' } } },
          { name: 'x', data: 'nope' },
          { name: 'x'.repeat(300) },
        ]) {
          await as(admin).post('/api/v1/groups/create', body).expect(422);
        }
        const group = await as(admin).post('/api/v1/groups/create', { name: 'Valid' }).expect(200);
        await as(admin)
          .post(`/api/v1/groups/id/${group.body.id}/users/add`, { user_ids: 'all' })
          .expect(422);
        await as(admin)
          .post(`/api/v1/groups/id/${group.body.id}/users/add`, { user_ids: [1] })
          .expect(422);
        await as(admin)
          .post(`/api/v1/groups/id/${group.body.id}/update`, { user_ids: [member.id], admin: 1 })
          .expect(422);
        await as(member).get('/api/v1/groups?share=maybe').expect(422);
        await as(admin).delete(`/api/v1/groups/id/${group.body.id}/delete`).expect(200);
      });

      it('lists the groups a user may share to with ?share=true', async () => {
        const open = await as(admin)
          .post('/api/v1/groups/create', { name: 'Open', data: { config: { share: true } } })
          .expect(200);
        const mine = await as(admin).post('/api/v1/groups/create', { name: 'Mine' }).expect(200);
        const theirs = await as(admin)
          .post('/api/v1/groups/create', { name: 'Theirs' })
          .expect(200);
        await as(admin)
          .post(`/api/v1/groups/id/${mine.body.id}/users/add`, { user_ids: [member.id] })
          .expect(200);
        const shareable = await as(member).get('/api/v1/groups/?share=true').expect(200);
        expect(shareable.body.map((g: { name: string }) => g.name).sort()).toEqual([
          'Mine',
          'Open',
        ]);
        const memberOf = await as(member).get('/api/v1/groups/').expect(200);
        expect(memberOf.body.map((g: { name: string }) => g.name)).toEqual(['Mine']);
        for (const group of [open, mine, theirs]) {
          await as(admin).delete(`/api/v1/groups/id/${group.body.id}/delete`).expect(200);
        }
      });
    });

    describe('helpers for other libraries', () => {
      it('finds the primary admin even among users created in the same second', async () => {
        const saved = clock.now;
        clock.now = primary.createdAt;
        const twin = await users.create({
          id: '00000000-0000-4000-8000-000000000000',
          name: 'Twin',
          email: 'twin@example.com',
          role: 'user',
        });
        clock.now = saved;
        expect((await users.findPrimaryAdmin())?.id).toBe(primary.id);
        await users.delete(twin.id);
      });

      it('adds a user to DEFAULT_GROUP_ID when it exists and syncs group lists', async () => {
        const groups = app.get(GroupsService);
        expect(await groups.addUserToGroup('no-such-group', member.id)).toBe(false);
        const a = await groups.createGroup(primary.id, { name: 'A' });
        const b = await groups.createGroup(primary.id, { name: 'B' });
        expect(await groups.addUserToGroup(a.id, member.id)).toBe(true);
        expect(await groups.addUserToGroup(a.id, member.id)).toBe(true);
        expect(await groups.getGroupIdsForUser(member.id)).toEqual([a.id]);
        expect(await groups.setUserGroups(member.id, [b.id, 'unknown'])).toEqual([b.id]);
        expect(await groups.getGroupIdsForUser(member.id)).toEqual([b.id]);
        expect((await groups.getGroupsForUser(member.id)).map((g) => g.name)).toEqual(['B']);
        await groups.deleteGroup(a.id);
        await groups.deleteGroup(b.id);
      });
    });
  });
}
