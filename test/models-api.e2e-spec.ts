/**
 * Workspace models (/api/v1/models/...) and their access grants on every engine: Open WebUI's
 * shapes, the owner / group writer / group reader / stranger / admin / pending matrix with
 * Open WebUI's answers, the legacy access_control round trip, public-sharing filtering,
 * model visibility (§7.3) and bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorMessages } from '@atrium/common';
import { ModelsService, ModelVisibilityService } from '@atrium/models';
import { addUser, bearer, signup, type Account } from './auth-fixtures.js';
import { bootApp, type BootedApp } from './harness/boot-app.js';
import {
  createTestDatabase,
  engineMatrix,
  warnSkipped,
  type TestDatabase,
} from './support/test-databases.js';

const MODEL_ID_TAKEN =
  'Uh-oh! This model id is already registered. Please choose another model id string.';
const PRESET = 'org/preset:1.0';

interface ModelBody {
  id: string;
  user_id: string;
  base_model_id: string | null;
  name: string;
  params: Record<string, unknown>;
  meta: Record<string, unknown>;
  access_control: unknown;
  access_grants: { principal_type: string; principal_id: string; permission: string }[];
  is_active: boolean;
  write_access?: boolean;
  created_at: number;
  updated_at: number;
}

for (const { engine, enabled, variable } of engineMatrix()) {
  if (!enabled) warnSkipped(`models api on ${engine}`, variable);

  describe.skipIf(!enabled)(`models api on ${engine}`, () => {
    let database: TestDatabase;
    let booted: BootedApp;
    let admin: Account;
    let owner: Account;
    let reader: Account;
    let writer: Account;
    let stranger: Account;
    let pending: Account;
    let readers: string;
    let writers: string;

    const get = (path: string, who: Account) => booted.http.get(path).set(...bearer(who));
    const post = (path: string, who: Account, body?: object) =>
      booted.http
        .post(path)
        .set(...bearer(who))
        .send(body ?? {});
    const model = async (id: string, who: Account) =>
      (await get(`/api/v1/models/model?id=${encodeURIComponent(id)}`, who).expect(200))
        .body as ModelBody;

    async function group(name: string, member: Account): Promise<string> {
      const created = await post('/api/v1/groups/create', admin, { name, description: '' }).expect(
        200,
      );
      const id = (created.body as { id: string }).id;
      await post(`/api/v1/groups/id/${id}/users/add`, admin, { user_ids: [member.id] }).expect(200);
      return id;
    }

    beforeAll(async () => {
      database = await createTestDatabase(engine);
      booted = await bootApp({
        env: {
          DATABASE_URL: database.url,
          USER_PERMISSIONS_WORKSPACE_MODELS_ACCESS: 'true',
          USER_PERMISSIONS_WORKSPACE_MODELS_IMPORT: 'true',
          USER_PERMISSIONS_WORKSPACE_MODELS_EXPORT: 'true',
        },
      });
      admin = await signup(booted.http, 'admin@example.com');
      owner = await addUser(booted.http, admin, 'owner@example.com', 'user');
      reader = await addUser(booted.http, admin, 'reader@example.com', 'user');
      writer = await addUser(booted.http, admin, 'writer@example.com', 'user');
      stranger = await addUser(booted.http, admin, 'stranger@example.com', 'user');
      pending = await addUser(booted.http, admin, 'pending@example.com', 'pending');
      readers = await group('readers', reader);
      writers = await group('writers', writer);
    });

    afterAll(async () => {
      await booted?.close();
      await database?.drop();
    });

    it('creates a preset with Open WebUI shapes and refuses a taken or too long id', async () => {
      const created = await post('/api/v1/models/create', owner, {
        id: PRESET,
        base_model_id: 'llama3:latest',
        name: 'Preset',
        params: { system: 'Be brief.', temperature: 0.2 },
        meta: {
          description: 'd',
          profile_image_url: '/static/favicon.png',
          tags: [{ name: 'Work' }],
        },
        access_grants: [
          { principal_type: 'group', principal_id: readers, permission: 'read' },
          { principal_type: 'group', principal_id: writers, permission: 'write' },
          { principal_type: 'group', principal_id: writers, permission: 'write' },
          { principal_type: 'nobody', principal_id: 'x', permission: 'read' },
        ],
      }).expect(200);
      const body = created.body as ModelBody;
      expect(body).toEqual({
        id: PRESET,
        user_id: owner.id,
        base_model_id: 'llama3:latest',
        name: 'Preset',
        params: { system: 'Be brief.', temperature: 0.2 },
        meta: {
          description: 'd',
          profile_image_url: '/static/favicon.png',
          tags: [{ name: 'Work' }],
        },
        access_control: {
          read: { group_ids: [readers], user_ids: [] },
          write: { group_ids: [writers], user_ids: [] },
        },
        access_grants: [
          { principal_type: 'group', principal_id: readers, permission: 'read' },
          { principal_type: 'group', principal_id: writers, permission: 'write' },
        ],
        is_active: true,
        created_at: expect.any(Number) as number,
        updated_at: expect.any(Number) as number,
      });

      const taken = await post('/api/v1/models/create', writer, { id: PRESET, name: 'x' });
      expect([taken.status, taken.body]).toEqual([401, { detail: MODEL_ID_TAKEN }]);
      const long = await post('/api/v1/models/create', owner, { id: 'm'.repeat(257), name: 'x' });
      expect([long.status, long.body]).toEqual([
        400,
        {
          detail:
            'The model id is too long. Please make sure your model id is less than 256 characters long.',
        },
      ]);
      await post('/api/v1/models/create', pending, { id: 'p', name: 'x' }).expect(401);
    });

    it('answers each actor on the read routes as Open WebUI does', async () => {
      expect((await model(PRESET, owner)).write_access).toBe(true);
      expect((await model(PRESET, writer)).write_access).toBe(true);
      expect((await model(PRESET, reader)).write_access).toBe(false);
      expect((await model(PRESET, admin)).write_access).toBe(true);
      const denied = await get(`/api/v1/models/model?id=${encodeURIComponent(PRESET)}`, stranger);
      expect([denied.status, denied.body]).toEqual([
        401,
        { detail: ErrorMessages.ACCESS_PROHIBITED },
      ]);
      const missing = await get('/api/v1/models/model?id=nope', stranger);
      expect([missing.status, missing.body]).toEqual([404, { detail: ErrorMessages.NOT_FOUND }]);
      await get('/api/v1/models/model?id=x', pending).expect(401);

      const readerList = (await get('/api/v1/models/list', reader).expect(200)).body as {
        items: ModelBody[];
        total: number;
      };
      expect(readerList.total).toBe(1);
      expect(readerList.items[0]).toMatchObject({ id: PRESET, write_access: false, params: {} });
      expect(readerList.items[0].meta).not.toHaveProperty('profile_image_url');
      const writerList = (await get('/api/v1/models/list', writer).expect(200)).body as {
        items: ModelBody[];
      };
      expect(writerList.items[0].params).toEqual({ system: 'Be brief.', temperature: 0.2 });
      expect((await get('/api/v1/models/list', stranger).expect(200)).body).toEqual({
        items: [],
        total: 0,
      });
      expect((await get('/api/v1/models/list?query=PRESET', owner)).body).toMatchObject({
        total: 1,
      });
      expect((await get('/api/v1/models/list?view_option=shared', owner)).body).toMatchObject({
        total: 0,
      });
      expect((await get('/api/v1/models/tags', reader).expect(200)).body).toEqual(['Work']);
      expect((await get('/api/v1/models/tags', stranger).expect(200)).body).toEqual([]);
      await get('/api/v1/models/base', owner).expect(401);
    });

    it('lets only the owner, writers and admins change a model', async () => {
      const path = `/api/v1/models/model/toggle?id=${encodeURIComponent(PRESET)}`;
      for (const who of [reader, stranger]) {
        const refused = await post(path, who);
        expect([refused.status, refused.body]).toEqual([
          401,
          { detail: ErrorMessages.UNAUTHORIZED },
        ]);
      }
      expect(((await post(path, writer).expect(200)).body as ModelBody).is_active).toBe(false);
      expect(((await post(path, owner).expect(200)).body as ModelBody).is_active).toBe(true);

      const form = { id: PRESET, base_model_id: 'llama3:latest', name: 'Renamed', params: {} };
      const update = await post('/api/v1/models/model/update', reader, form);
      expect([update.status, update.body]).toEqual([
        400,
        { detail: ErrorMessages.ACCESS_PROHIBITED },
      ]);
      const updated = (await post('/api/v1/models/model/update', writer, form).expect(200))
        .body as ModelBody;
      expect(updated).toMatchObject({ name: 'Renamed', params: {}, user_id: owner.id });
      expect(updated.access_grants).toHaveLength(2);

      for (const who of [reader, stranger]) {
        const refused = await post('/api/v1/models/model/delete', who, { id: PRESET });
        expect([refused.status, refused.body]).toEqual([
          401,
          { detail: ErrorMessages.UNAUTHORIZED },
        ]);
      }
      const missing = await post('/api/v1/models/model/delete', owner, { id: 'ghost' });
      expect([missing.status, missing.body]).toEqual([401, { detail: ErrorMessages.NOT_FOUND }]);
      await model(PRESET, reader);
    });

    it('round-trips the legacy access_control and filters public grants by permission', async () => {
      const legacy = (
        await post('/api/v1/models/create', owner, {
          id: 'legacy',
          base_model_id: 'llama3:latest',
          name: 'Legacy',
          access_control: { read: { user_ids: [stranger.id] }, write: { group_ids: [writers] } },
        }).expect(200)
      ).body as ModelBody;
      expect(legacy.access_control).toEqual({
        read: { group_ids: [], user_ids: [stranger.id] },
        write: { group_ids: [writers], user_ids: [] },
      });
      expect((await model('legacy', stranger)).write_access).toBe(false);

      // role user without sharing.public_models: the public grant is dropped.
      const unpublished = (
        await post('/api/v1/models/create', owner, {
          id: 'public-try',
          base_model_id: 'llama3:latest',
          name: 'Public?',
          access_control: null,
        }).expect(200)
      ).body as ModelBody;
      expect([unpublished.access_control, unpublished.access_grants]).toEqual([{}, []]);
      await get('/api/v1/models/model?id=public-try', stranger).expect(401);

      // an admin may publish: null <-> user:*:read, even next to write grants.
      const published = (
        await post('/api/v1/models/model/access/update', admin, {
          id: 'public-try',
          access_grants: [
            { principal_type: 'user', principal_id: '*', permission: 'read' },
            { principal_type: 'group', principal_id: writers, permission: 'write' },
          ],
        }).expect(200)
      ).body as ModelBody;
      expect(published.access_control).toBeNull();
      expect((await model('public-try', stranger)).write_access).toBe(false);

      const privatized = (
        await post('/api/v1/models/model/update', admin, {
          id: 'public-try',
          base_model_id: 'llama3:latest',
          name: 'Private',
          access_control: {},
        }).expect(200)
      ).body as ModelBody;
      expect([privatized.access_control, privatized.access_grants]).toEqual([{}, []]);
      await get('/api/v1/models/model?id=public-try', stranger).expect(401);
      expect((await model('public-try', owner)).write_access).toBe(true);
    });

    it('lets an admin open a provider model to users through an overlay row', async () => {
      const visibility = booted.app.get(ModelVisibilityService);
      const asUser = (account: Account, role: 'user' | 'admin' = 'user') => ({
        id: account.id,
        role,
        name: '',
        email: account.email,
        profileImageUrl: '',
        authType: 'jwt' as const,
        credential: '',
      });
      expect(await visibility.canUse(asUser(reader), 'qwen:7b')).toBe(false);
      expect(await visibility.canUse(asUser(admin, 'admin'), 'qwen:7b')).toBe(true);

      const stub = (
        await post('/api/v1/models/model/access/update', admin, {
          id: 'qwen:7b',
          name: 'Qwen',
          access_grants: [{ principal_type: 'group', principal_id: readers, permission: 'read' }],
        }).expect(200)
      ).body as ModelBody;
      expect(stub).toMatchObject({ id: 'qwen:7b', base_model_id: null, name: 'Qwen' });
      expect(await visibility.canUse(asUser(reader), 'qwen:7b')).toBe(true);
      expect(await visibility.canUse(asUser(stranger), 'qwen:7b')).toBe(false);
      expect([...(await visibility.visibleIds(asUser(reader), ['qwen:7b', PRESET, 'x']))]).toEqual(
        expect.arrayContaining(['qwen:7b', PRESET]),
      );
      const all = await booted.app.get(ModelsService).allModels();
      expect(all.map((row) => row.id).sort()).toEqual(
        ['legacy', PRESET, 'public-try', 'qwen:7b'].sort(),
      );
      const base = (await get('/api/v1/models/base', admin).expect(200)).body as ModelBody[];
      expect(base.map((row) => row.id)).toEqual(['qwen:7b']);
      // a non-admin cannot create a stub for a model with no row.
      await post('/api/v1/models/model/access/update', owner, { id: 'other:1' }).expect(401);
    });

    it('exports, imports (write access enforced) and deletes', async () => {
      const exported = (await get('/api/v1/models/export', owner).expect(200)).body as ModelBody[];
      expect(exported.map((row) => row.id).sort()).toEqual([PRESET, 'legacy', 'public-try'].sort());
      expect((await get('/api/v1/models/export', stranger).expect(200)).body).toEqual([]);

      await post('/api/v1/models/import', stranger, {
        models: [
          { id: 'imported', name: 'Imported', base_model_id: 'llama3:latest' },
          { id: PRESET, name: 'Hijacked', base_model_id: 'llama3:latest' },
          { name: 'no id' },
        ],
      }).expect(200);
      expect((await model('imported', stranger)).user_id).toBe(stranger.id);
      expect((await model(PRESET, owner)).name).toBe('Renamed');

      await booted.http
        .delete(`/api/v1/models/model/delete?id=imported`)
        .set(...bearer(stranger))
        .expect(200);
      await get('/api/v1/models/model?id=imported', stranger).expect(404);
      await booted.http
        .delete('/api/v1/models/delete/all')
        .set(...bearer(owner))
        .expect(401);
    });

    it('answers bad input with 4xx and a detail', async () => {
      for (const response of [
        await post('/api/v1/models/create', owner, { id: 'x' }),
        await post('/api/v1/models/create', owner, { id: 'x', name: 'x', surprise: 1 }),
        await post('/api/v1/models/create', owner, { id: 'x', name: 'x', params: 'no' }),
        await post('/api/v1/models/create', owner, { id: '', name: 'x' }),
        await get('/api/v1/models/model', owner),
        await get('/api/v1/models/list?page=0', owner),
        await post('/api/v1/models/import', owner, { models: 'x' }),
        await post('/api/v1/models/model/delete', owner, {}),
      ]) {
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expect(response.body).toHaveProperty('detail');
      }
      const junk = (
        await post('/api/v1/models/create', owner, {
          id: 'junk-grants',
          name: 'x',
          access_grants: [
            null,
            'x',
            { principal_type: 'group', principal_id: '*', permission: 'read' },
          ],
        }).expect(200)
      ).body as ModelBody;
      expect(junk.access_grants).toEqual([]);
    });

    it('lets an admin sync and delete everything', async () => {
      const synced = (
        await post('/api/v1/models/sync', admin, {
          models: [
            { id: 'kept', name: 'Kept', base_model_id: 'llama3:latest', access_control: null },
          ],
        }).expect(200)
      ).body as ModelBody[];
      expect(synced.map((row) => [row.id, row.access_control])).toEqual([['kept', null]]);
      expect((await model('kept', stranger)).write_access).toBe(false);
      await post('/api/v1/models/sync', owner, { models: [] }).expect(401);
      await booted.http
        .delete('/api/v1/models/delete/all')
        .set(...bearer(admin))
        .expect(200);
      expect((await get('/api/v1/models/list', admin).expect(200)).body).toEqual({
        items: [],
        total: 0,
      });
    });
  });
}
