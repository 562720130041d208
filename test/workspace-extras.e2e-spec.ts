/**
 * Issue 4 follow-ups on every engine: chat usage statistics (/api/v1/chats/stats/...), removing
 * all of a chat's tags, shared-chat access grants (group and public), model profile images, and
 * the clean-up when a user or a group is deleted (their chats, and grants naming them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorMessages } from '@atrium/common';
import { SettingsService } from '@atrium/settings';
import { addUser, bearer, signup, type Account } from './auth-fixtures.js';
import { bootApp, type BootedApp } from './harness/boot-app.js';
import {
  createTestDatabase,
  engineMatrix,
  warnSkipped,
  type TestDatabase,
} from './support/test-databases.js';

const history = {
  currentId: 'a1',
  messages: {
    u1: { id: 'u1', parentId: null, role: 'user', content: 'hello there', timestamp: 100 },
    a1: { id: 'a1', parentId: 'u1', role: 'assistant', model: 'm1', content: 'hi', timestamp: 103 },
  },
};
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

for (const { engine, enabled, variable } of engineMatrix()) {
  if (!enabled) warnSkipped(`workspace extras on ${engine}`, variable);

  describe.skipIf(!enabled)(`workspace extras on ${engine}`, () => {
    let database: TestDatabase;
    let booted: BootedApp;
    let admin: Account;
    let owner: Account;
    let member: Account;
    let stranger: Account;

    const get = (path: string, who: Account) => booted.http.get(path).set(...bearer(who));
    const post = (path: string, who: Account, body: object = {}) =>
      booted.http
        .post(path)
        .set(...bearer(who))
        .send(body);
    const del = (path: string, who: Account) => booted.http.delete(path).set(...bearer(who));
    const newChat = async (who: Account, chat: object) =>
      ((await post('/api/v1/chats/new', who, { chat }).expect(200)).body as { id: string }).id;
    const newGroup = async (name: string, user: Account) => {
      const id = (
        (await post('/api/v1/groups/create', admin, { name }).expect(200)).body as {
          id: string;
        }
      ).id;
      await post(`/api/v1/groups/id/${id}/users/add`, admin, { user_ids: [user.id] }).expect(200);
      return id;
    };

    beforeAll(async () => {
      database = await createTestDatabase(engine);
      booted = await bootApp({
        env: { DATABASE_URL: database.url, USER_PERMISSIONS_WORKSPACE_MODELS_ACCESS: 'true' },
      });
      admin = await signup(booted.http, 'admin@example.com');
      owner = await addUser(booted.http, admin, 'owner@example.com', 'user');
      member = await addUser(booted.http, admin, 'member@example.com', 'user');
      stranger = await addUser(booted.http, admin, 'stranger@example.com', 'user');
    });

    afterAll(async () => {
      await booted?.close();
      await database?.drop();
    });

    it('reports usage stats and exports per-chat figures of the caller only', async () => {
      const chatId = await newChat(owner, { title: 'Stats', history });
      await newChat(owner, { title: 'No tree' });
      await newChat(stranger, { title: 'Theirs', history });

      const usage = (await get('/api/v1/chats/stats/usage', owner).expect(200)).body as {
        items: Record<string, unknown>[];
        total: number;
      };
      expect(usage.total).toBe(2);
      expect(usage.items).toEqual([
        expect.objectContaining({
          id: chatId,
          models: { m1: 1 },
          message_count: 2,
          history_message_count: 2,
          average_response_time: 3,
          last_message_at: 103,
        }),
      ]);

      const page = (await get('/api/v1/chats/stats/export', owner).expect(200)).body as {
        type: string;
        items: { id: string; user_id: string }[];
        total: number;
        page: number;
      };
      expect(page).toMatchObject({ type: 'chats', total: 2, page: 1 });
      expect(page.items.every((item) => item.user_id === owner.id)).toBe(true);
      expect(JSON.stringify(page)).not.toContain('hello there');

      const streamed = await get('/api/v1/chats/stats/export?stream=true', owner).expect(200);
      expect(streamed.headers['content-type']).toContain('application/x-ndjson');
      const lines = streamed.text.trim().split('\n');
      expect(lines.map((line) => (JSON.parse(line) as { user_id: string }).user_id)).toEqual([
        owner.id,
        owner.id,
      ]);

      const one = (await get(`/api/v1/chats/stats/export/${chatId}`, owner).expect(200)).body;
      expect(one).toMatchObject({ id: chatId, stats: { message_count: 2 } });
      await get(`/api/v1/chats/stats/export/${chatId}`, stranger).expect(404);
      await get(`/api/v1/chats/stats/export/${chatId}`, admin).expect(200);

      await get('/api/v1/chats/stats/usage?items_per_page=0', owner).expect(422);
      await get('/api/v1/chats/stats/export?page=-1', owner).expect(422);
    });

    it('finds substrings anywhere in messages, unicode included, owner only', async () => {
      const seeker = await addUser(booted.http, admin, 'seeker@example.com', 'user');
      const chatId = await newChat(seeker, {
        title: 'Search me',
        history: {
          currentId: 'm1',
          messages: { m1: { id: 'm1', content: 'Ein Grüße-Test mit 😀 Emoji und Zebracornfeld' } },
        },
      });
      const found = async (who: Account, text: string) =>
        (
          (await get(`/api/v1/chats/search?text=${encodeURIComponent(text)}`, who).expect(200))
            .body as { id: string }[]
        ).map((chat) => chat.id);
      for (const text of [
        'search me',
        'zebracornfeld',
        'bracornf',
        'grüße-t',
        'mit 😀 emo',
        '😀 e',
        'ße',
      ]) {
        expect({ text, ids: await found(seeker, text) }).toEqual({ text, ids: [chatId] });
      }
      expect(await found(seeker, 'grüsse')).toEqual([]);
      expect(await found(stranger, 'bracornf')).toEqual([]);
    });

    it('refuses stats exports to users while community sharing is off', async () => {
      const settings = booted.app.get(SettingsService);
      await settings.update({ 'ui.enable_community_sharing': false });
      try {
        await get('/api/v1/chats/stats/export', owner).expect(401, {
          detail: ErrorMessages.ACCESS_PROHIBITED,
        });
        await get('/api/v1/chats/stats/export', admin).expect(200);
        await get('/api/v1/chats/stats/usage', owner).expect(200);
      } finally {
        await settings.update({ 'ui.enable_community_sharing': true });
      }
    });

    it('removes every tag of a chat, and tags left on no chat', async () => {
      const chatId = await newChat(owner, { title: 'Tagged' });
      const other = await newChat(owner, { title: 'Other' });
      await post(`/api/v1/chats/${chatId}/tags`, owner, { name: 'Solo' }).expect(200);
      await post(`/api/v1/chats/${chatId}/tags`, owner, { name: 'Shared tag' }).expect(200);
      await post(`/api/v1/chats/${other}/tags`, owner, { name: 'Shared tag' }).expect(200);

      await del(`/api/v1/chats/${chatId}/tags/all`, stranger).expect(401);
      await del(`/api/v1/chats/${chatId}/tags/all`, owner).expect(200, 'true');
      expect((await get(`/api/v1/chats/${chatId}/tags`, owner).expect(200)).body).toEqual([]);
      const tags = (await get('/api/v1/chats/all/tags', owner).expect(200)).body as {
        id: string;
      }[];
      expect(tags.map((tag) => tag.id)).toEqual(['shared_tag']);
    });

    it('opens a share to a group, and to everyone only with sharing.public_chats', async () => {
      const chatId = await newChat(owner, { title: 'For the team', history });
      const shareId = (
        (await post(`/api/v1/chats/${chatId}/share`, owner).expect(200)).body as {
          share_id: string;
        }
      ).share_id;
      const team = await newGroup('team', member);
      await post(`/api/v1/chats/shared/${chatId}/access/update`, owner, {
        access_grants: [
          { principal_type: 'group', principal_id: team, permission: 'read' },
          // Without sharing.public_chats a user may not make it public: dropped.
          { principal_type: 'user', principal_id: '*', permission: 'read' },
        ],
      }).expect(200);
      const grants = (await get(`/api/v1/chats/shared/${chatId}/access`, owner).expect(200))
        .body as { principal_id: string }[];
      expect(grants.map((grant) => grant.principal_id)).toEqual([team]);
      await get(`/api/v1/chats/share/${shareId}`, member).expect(200);
      await get(`/api/v1/chats/share/${shareId}`, stranger).expect(401, {
        detail: ErrorMessages.ACCESS_PROHIBITED,
      });
      await post(`/api/v1/chats/${shareId}/clone/shared`, stranger).expect(401);
      await post(`/api/v1/chats/${shareId}/clone/shared`, member).expect(200);

      // An admin may make it public.
      await post(`/api/v1/chats/shared/${chatId}/access/update`, admin, {
        access_grants: [{ principal_type: 'user', principal_id: '*', permission: 'read' }],
      }).expect(200);
      await get(`/api/v1/chats/share/${shareId}`, stranger).expect(200);
      await post(`/api/v1/chats/shared/${chatId}/access/update`, owner, {
        access_grants: 'all',
      }).expect(422);
    });

    it('serves model profile images to readers, the favicon to everyone else', async () => {
      const dataUrl = `data:image/png;base64,${PNG.toString('base64')}`;
      await post('/api/v1/models/create', owner, {
        id: 'pic',
        base_model_id: 'gpt-4o',
        name: 'Pic',
        meta: { profile_image_url: dataUrl },
        params: {},
      }).expect(200);
      await post('/api/v1/models/create', owner, {
        id: 'remote',
        base_model_id: 'gpt-4o',
        name: 'Remote',
        meta: { profile_image_url: 'https://example.com/a.png' },
        params: {},
      }).expect(200);

      const image = await get('/api/v1/models/model/profile/image?id=pic&theme=dark', owner)
        .buffer(true)
        .parse((response, done) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
      expect(image.headers['content-type']).toBe('image/png');
      expect(Buffer.compare(image.body as Buffer, PNG)).toBe(0);
      await get('/api/v1/models/model/profile/image?id=pic', owner)
        .set('If-None-Match', image.headers.etag)
        .expect(304);
      await get('/api/v1/models/model/profile/image?id=remote', owner)
        .expect(302)
        .expect('Location', 'https://example.com/a.png');
      for (const path of ['?id=pic', '?id=missing']) {
        await get(`/api/v1/models/model/profile/image${path}`, stranger)
          .expect(302)
          .expect('Location', '/static/favicon.png');
      }
      await get('/api/v1/models/model/profile/image', owner).expect(422);
    });

    it("drops a deleted user's chats and the grants naming a deleted user or group", async () => {
      const leaver = await addUser(booted.http, admin, 'leaver@example.com', 'user');
      const theirChat = await newChat(leaver, { title: 'Leaving' });
      const chatId = await newChat(owner, { title: 'Shared with leaver' });
      await post(`/api/v1/chats/shared/${chatId}/access/update`, owner, {
        access_grants: [{ principal_type: 'user', principal_id: leaver.id, permission: 'read' }],
      }).expect(200);
      const crew = await newGroup('crew', member);
      await post('/api/v1/models/create', owner, {
        id: 'crew-model',
        base_model_id: 'gpt-4o',
        name: 'Crew',
        meta: {},
        params: {},
        access_grants: [{ principal_type: 'group', principal_id: crew, permission: 'read' }],
      }).expect(200);

      await del(`/api/v1/users/${leaver.id}`, admin).expect(200);
      await get(`/api/v1/chats/${theirChat}`, admin).expect(401);
      expect((await get(`/api/v1/chats/shared/${chatId}/access`, owner).expect(200)).body).toEqual(
        [],
      );

      await del(`/api/v1/groups/id/${crew}/delete`, admin).expect(200);
      const model = (await get('/api/v1/models/model?id=crew-model', owner).expect(200)).body as {
        access_grants: unknown[];
      };
      expect(model.access_grants).toEqual([]);
    });
  });
}
