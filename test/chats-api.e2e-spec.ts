/**
 * The chats router end to end (whole app, real sessions) on SQLite and, when configured,
 * PostgreSQL and MySQL: shapes, shallow merge, paging, search and tags, pin/archive/share/clone,
 * import/export, the admin routes and saveAssistantMessage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatsService } from '@atrium/chats';
import { ErrorMessages } from '@atrium/common';
import { addUser, bearer, signup, type Account } from './auth-fixtures.js';
import { bootApp, type BootedApp } from './harness/boot-app.js';
import {
  createTestDatabase,
  engineMatrix,
  warnSkipped,
  type TestDatabase,
} from './support/test-databases.js';

interface ChatBody {
  id: string;
  user_id: string;
  title: string;
  chat: Record<string, unknown>;
  updated_at: number;
  created_at: number;
  share_id: string | null;
  archived: boolean;
  pinned: boolean;
  meta: Record<string, unknown>;
  folder_id: string | null;
}

const history = (content: string) => ({
  currentId: 'm2',
  messages: {
    m1: { id: 'm1', parentId: null, childrenIds: ['m2'], role: 'user', content, timestamp: 1 },
    m2: {
      id: 'm2',
      parentId: 'm1',
      childrenIds: [],
      role: 'assistant',
      content: '',
      done: false,
      timestamp: 2,
    },
  },
});

for (const { engine, enabled, variable } of engineMatrix()) {
  if (!enabled) warnSkipped(`chats API on ${engine}`, variable);

  describe.skipIf(!enabled)(`chats API on ${engine}`, () => {
    let database: TestDatabase;
    let booted: BootedApp;
    let admin: Account;
    let owner: Account;

    const get = (path: string, who: Account) => booted.http.get(path).set(...bearer(who));
    const post = (path: string, who: Account, body: object = {}) =>
      booted.http
        .post(path)
        .set(...bearer(who))
        .send(body);
    const del = (path: string, who: Account, body?: object) => {
      const request = booted.http.delete(path).set(...bearer(who));
      return body ? request.send(body) : request;
    };
    const newChat = async (who: Account, chat: Record<string, unknown>, extra: object = {}) =>
      (await post('/api/v1/chats/new', who, { chat, ...extra }).expect(200)).body as ChatBody;

    beforeAll(async () => {
      database = await createTestDatabase(engine);
      booted = await bootApp({ env: { DATABASE_URL: database.url } });
      admin = await signup(booted.http, 'admin@example.com');
      owner = await addUser(booted.http, admin, 'owner@example.com', 'user');
    });

    afterAll(async () => {
      await booted?.close();
      await database?.drop();
    });

    it('creates a chat with Open WebUI shapes and reads it back', async () => {
      const chat = {
        title: 'Ünïcode 🚀 title',
        models: ['m'],
        history: history('Hello'),
        timestamp: 1,
      };
      const created = await newChat(owner, chat);
      expect(created).toMatchObject({
        user_id: owner.id,
        title: 'Ünïcode 🚀 title',
        chat,
        share_id: null,
        archived: false,
        pinned: false,
        meta: {},
        folder_id: null,
      });
      expect(Object.keys(created).sort()).toEqual(
        [
          'archived',
          'chat',
          'created_at',
          'folder_id',
          'id',
          'meta',
          'pinned',
          'share_id',
          'title',
          'updated_at',
          'user_id',
        ].sort(),
      );
      expect(created.created_at).toBeGreaterThan(1_700_000_000);
      expect(created.created_at).toBeLessThan(10_000_000_000);
      const read = await get(`/api/v1/chats/${created.id}`, owner).expect(200);
      expect(read.body).toEqual(created);
    });

    it('a chat without a title is "New Chat"', async () => {
      expect((await newChat(owner, { models: [] })).title).toBe('New Chat');
    });

    it('POST /{id} merges the chat JSON shallowly and takes the title from it', async () => {
      const created = await newChat(owner, { title: 'Before', models: ['a'], params: { x: 1 } });
      const updated = await post(`/api/v1/chats/${created.id}`, owner, {
        chat: { title: 'After', params: { y: 2 } },
      }).expect(200);
      expect((updated.body as ChatBody).title).toBe('After');
      expect((updated.body as ChatBody).chat).toEqual({
        title: 'After',
        models: ['a'],
        params: { y: 2 },
      });
      const untitled = await post(`/api/v1/chats/${created.id}`, owner, {
        chat: { models: ['b'] },
      }).expect(200);
      expect((untitled.body as ChatBody).title).toBe('After');
    });

    it('stores a 10 MB chat and a deeply nested one faithfully; refuses bodies over the limit', async () => {
      const big = 'x'.repeat(10_000_000);
      const created = await newChat(owner, { title: 'big', history: history(big) });
      const read = await get(`/api/v1/chats/${created.id}`, owner).expect(200);
      const tree = (read.body as ChatBody).chat.history as {
        messages: { m1: { content: string } };
      };
      expect(tree.messages.m1.content.length).toBe(10_000_000);
      await del(`/api/v1/chats/${created.id}`, owner).expect(200);

      let nested: Record<string, unknown> = { leaf: true };
      for (let depth = 0; depth < 500; depth++) nested = { child: nested };
      const deep = await newChat(owner, { title: 'deep', params: nested });
      const deepRead = await get(`/api/v1/chats/${deep.id}`, owner).expect(200);
      expect((deepRead.body as ChatBody).chat.params).toEqual(nested);

      const tooBig = await post('/api/v1/chats/new', owner, {
        chat: { title: 'too big', blob: 'y'.repeat(21_000_000) },
      });
      expect(tooBig.status).toBe(413);
      expect(tooBig.body).toHaveProperty('detail');
    });

    it('rejects bad bodies with 422 {detail: [...]}', async () => {
      for (const body of [{}, { chat: 'text' }, { chat: [] }, { chat: {}, unknown: 1 }]) {
        const response = await post('/api/v1/chats/new', owner, body);
        expect(response.status).toBe(422);
        expect(Array.isArray((response.body as { detail: unknown }).detail)).toBe(true);
      }
      await post('/api/v1/chats/new', owner, { chat: {}, folder_id: 'missing' }).expect(404, {
        detail: ErrorMessages.NOT_FOUND,
      });
      await get('/api/v1/chats/?page=0', owner).expect(422);
      await get('/api/v1/chats/?page=abc', owner).expect(422);
      await get('/api/v1/chats/search', owner).expect(422);
    });

    describe('lists', () => {
      let user: Account;
      beforeAll(async () => {
        user = await addUser(booted.http, admin, 'lister@example.com', 'user');
        for (let index = 0; index < 65; index++) {
          await newChat(user, { title: `Chat ${index}` });
        }
      });

      it('pages the light list 60 at a time, newest first, with ChatTitleId only', async () => {
        const first = (await get('/api/v1/chats/?page=1', user).expect(200)).body as object[];
        const second = (await get('/api/v1/chats/list?page=2', user).expect(200)).body as object[];
        const all = (await get('/api/v1/chats/', user).expect(200)).body as object[];
        expect(first).toHaveLength(60);
        expect(second).toHaveLength(5);
        expect(all).toHaveLength(65);
        expect(Object.keys(first[0]).sort()).toEqual(['created_at', 'id', 'title', 'updated_at']);
        const ids = new Set([...first, ...second].map((chat) => (chat as { id: string }).id));
        expect(ids.size).toBe(65);
      });

      it('leaves pinned chats out unless include_pinned, and lists them under /pinned', async () => {
        const [target] = (await get('/api/v1/chats/?page=1', user)).body as { id: string }[];
        const pinned = await post(`/api/v1/chats/${target.id}/pin`, user).expect(200);
        expect((pinned.body as ChatBody).pinned).toBe(true);
        await get(`/api/v1/chats/${target.id}/pinned`, user).expect(200, 'true');
        const plain = (await get('/api/v1/chats/', user)).body as { id: string }[];
        expect(plain.map((chat) => chat.id)).not.toContain(target.id);
        const withPinned = (await get('/api/v1/chats/?include_pinned=true', user)).body as {
          id: string;
        }[];
        expect(withPinned.map((chat) => chat.id)).toContain(target.id);
        const list = (await get('/api/v1/chats/pinned', user).expect(200)).body as { id: string }[];
        expect(list.map((chat) => chat.id)).toEqual([target.id]);
        await post(`/api/v1/chats/${target.id}/pin`, user).expect(200);
        await get(`/api/v1/chats/${target.id}/pinned`, user).expect(200, 'false');
      });

      it('archives one, all, and unarchives all', async () => {
        const [target] = (await get('/api/v1/chats/?page=1', user)).body as { id: string }[];
        const archived = await post(`/api/v1/chats/${target.id}/archive`, user).expect(200);
        expect((archived.body as ChatBody).archived).toBe(true);
        expect(((await get('/api/v1/chats/', user)).body as object[]).length).toBe(64);
        const archivedList = (await get('/api/v1/chats/archived', user).expect(200)).body as {
          id: string;
        }[];
        expect(archivedList.map((chat) => chat.id)).toEqual([target.id]);
        const archivedFull = (await get('/api/v1/chats/all/archived', user).expect(200))
          .body as ChatBody[];
        expect(archivedFull.map((chat) => chat.id)).toEqual([target.id]);
        expect(archivedFull[0].chat).toEqual({ title: archivedFull[0].title });

        await post('/api/v1/chats/archive/all', user).expect(200, 'true');
        expect((await get('/api/v1/chats/', user)).body).toEqual([]);
        const filtered = (
          await get('/api/v1/chats/archived?query=chat 1&order_by=title&direction=asc', user)
        ).body as { title: string }[];
        expect(filtered[0].title).toBe('Chat 1');
        expect(filtered.every((chat) => chat.title.startsWith('Chat 1'))).toBe(true);
        await get('/api/v1/chats/archived?order_by=chat', user).expect(422);
        await post('/api/v1/chats/unarchive/all', user).expect(200, 'true');
        expect(((await get('/api/v1/chats/', user)).body as object[]).length).toBe(65);
      });

      it('streams every chat as NDJSON', async () => {
        const response = await get('/api/v1/chats/all', user).expect(200);
        expect(response.headers['content-type']).toContain('application/x-ndjson');
        const lines = response.text.trim().split('\n');
        expect(lines).toHaveLength(65);
        const first = JSON.parse(lines[0]) as ChatBody;
        expect(first.user_id).toBe(user.id);
        expect(first.chat).toBeDefined();
      });
    });

    describe('search and tags', () => {
      let user: Account;
      let apples: ChatBody;
      let pears: ChatBody;
      beforeAll(async () => {
        user = await addUser(booted.http, admin, 'tagger@example.com', 'user');
        apples = await newChat(user, {
          title: 'Fruit talk',
          history: history('I like APPLES 100%'),
        });
        pears = await newChat(user, { title: 'Pears and more', history: history('pears') });
        await newChat(user, { title: 'Unrelated', messages: [{ content: 'nothing_here' }] });
      });

      it('finds text in titles and in messages, case-insensitively, with literal % and _', async () => {
        const search = async (text: string) =>
          (
            (await get(`/api/v1/chats/search?text=${encodeURIComponent(text)}`, user).expect(200))
              .body as { id: string; title: string }[]
          ).map((chat) => chat.title);
        expect(await search('apples')).toEqual(['Fruit talk']);
        expect(await search('PEARS')).toEqual(['Pears and more']);
        expect(await search('100%')).toEqual(['Fruit talk']);
        expect(await search('0%')).toEqual(['Fruit talk']);
        expect(await search('g_here')).toEqual(['Unrelated']);
        expect(await search('%')).toEqual(['Fruit talk']);
        expect(await search('zzz')).toEqual([]);
        expect((await search('')).length).toBe(3);
      });

      it('keeps the search index in step with updates and deletes', async () => {
        const found = async (text: string) =>
          (
            (await get(`/api/v1/chats/search?text=${encodeURIComponent(text)}`, user).expect(200))
              .body as { id: string }[]
          ).map((chat) => chat.id);
        const chat = await newChat(user, {
          title: 'indexing',
          history: history('Zebracorn alpha'),
        });
        expect(await found('zebracorn')).toEqual([chat.id]);
        await post(`/api/v1/chats/${chat.id}`, user, {
          chat: { history: history('Quokka beta') },
        }).expect(200);
        expect(await found('zebracorn')).toEqual([]);
        expect(await found('quokka b')).toEqual([chat.id]);
        await del(`/api/v1/chats/${chat.id}`, user).expect(200);
        expect(await found('quokka')).toEqual([]);
      });

      it('tags chats with Open WebUI ids and rejects "none"', async () => {
        const added = await post(`/api/v1/chats/${apples.id}/tags`, user, {
          name: 'Red Fruit',
        }).expect(200);
        expect(added.body).toEqual([
          { id: 'red_fruit', name: 'Red Fruit', user_id: user.id, meta: null },
        ]);
        await post(`/api/v1/chats/${apples.id}/tags`, user, { name: 'red fruit' }).expect(200);
        await post(`/api/v1/chats/${pears.id}/tags`, user, { name: 'red fruit' }).expect(200);
        await post(`/api/v1/chats/${pears.id}/tags`, user, { name: 'Green' }).expect(200);
        await post(`/api/v1/chats/${apples.id}/tags`, user, { name: 'None' }).expect(400, {
          detail: "[ERROR: Tag name cannot be 'None']",
        });
        await post(`/api/v1/chats/${apples.id}/tags`, user, { name: '' }).expect(422);
        await post(`/api/v1/chats/${apples.id}/tags`, user, {}).expect(422);

        const chat = (await get(`/api/v1/chats/${apples.id}`, user)).body as ChatBody;
        expect(chat.meta.tags).toEqual(['red_fruit']);
        const tags = (await get(`/api/v1/chats/${pears.id}/tags`, user).expect(200)).body as {
          id: string;
        }[];
        expect(tags.map((tag) => tag.id)).toEqual(['red_fruit', 'green']);
        const all = (await get('/api/v1/chats/all/tags', user).expect(200)).body as {
          id: string;
        }[];
        expect(all.map((tag) => tag.id).sort()).toEqual(['green', 'red_fruit']);

        const search = async (text: string) =>
          (
            (await get(`/api/v1/chats/search?text=${encodeURIComponent(text)}`, user)).body as {
              title: string;
            }[]
          ).map((found) => found.title);
        expect((await search('tag:red_fruit')).sort()).toEqual(['Fruit talk', 'Pears and more']);
        expect(await search('tag:red_fruit tag:green')).toEqual(['Pears and more']);
        expect(await search('tag:red_fruit apples')).toEqual(['Fruit talk']);
        const byTag = (await post('/api/v1/chats/tags', user, { name: 'Red Fruit' }).expect(200))
          .body as { id: string }[];
        expect(byTag).toHaveLength(2);
        const limited = (
          await post('/api/v1/chats/tags', user, { name: 'red_fruit', skip: 1, limit: 1 })
        ).body as object[];
        expect(limited).toHaveLength(1);
      });

      it('removes a tag from a chat and drops tags no chat carries any more', async () => {
        const remaining = await del(`/api/v1/chats/${pears.id}/tags`, user, {
          name: 'Green',
        }).expect(200);
        expect((remaining.body as { id: string }[]).map((tag) => tag.id)).toEqual(['red_fruit']);
        const all = (await get('/api/v1/chats/all/tags', user)).body as { id: string }[];
        expect(all.map((tag) => tag.id)).toEqual(['red_fruit']);
        // A tag: search that finds nothing removes the tag (Open WebUI does the same).
        await post(`/api/v1/chats/${pears.id}/tags`, user, { name: 'ghost' }).expect(200);
        await del(`/api/v1/chats/${pears.id}/tags`, user, { name: 'ghost' }).expect(200);
        expect(
          ((await get('/api/v1/chats/all/tags', user)).body as { id: string }[]).map(
            (tag) => tag.id,
          ),
        ).toEqual(['red_fruit']);
        // Deleting a chat drops the tags only it carried.
        const solo = await newChat(user, { title: 'solo' });
        await post(`/api/v1/chats/${solo.id}/tags`, user, { name: 'solo tag' }).expect(200);
        await del(`/api/v1/chats/${solo.id}`, user).expect(200, 'true');
        expect(
          ((await get('/api/v1/chats/all/tags', user)).body as { id: string }[]).map(
            (tag) => tag.id,
          ),
        ).toEqual(['red_fruit']);
      });
    });

    it('clones with Open WebUI fields and a default title', async () => {
      const source = await newChat(owner, { title: 'Original', history: history('hi') });
      await post(`/api/v1/chats/${source.id}/tags`, owner, { name: 'keep' }).expect(200);
      const clone = (await post(`/api/v1/chats/${source.id}/clone`, owner).expect(200))
        .body as ChatBody;
      expect(clone.id).not.toBe(source.id);
      expect(clone.title).toBe('Clone of Original');
      expect(clone.chat).toMatchObject({ originalChatId: source.id, branchPointMessageId: 'm2' });
      expect(clone.meta.tags).toEqual(['keep']);
      const named = (
        await post(`/api/v1/chats/${source.id}/clone`, owner, { title: 'Mine' }).expect(200)
      ).body as ChatBody;
      expect(named.title).toBe('Mine');
    });

    it('shares a snapshot, re-snapshots, lists and unshares', async () => {
      const reader = await addUser(booted.http, admin, 'reader@example.com', 'user');
      const chat = await newChat(owner, { title: 'Shared one', history: history('v1') });
      const shared = (await post(`/api/v1/chats/${chat.id}/share`, owner).expect(200))
        .body as ChatBody;
      expect(shared.share_id).toEqual(expect.any(String));
      // [N]: a share link opens only for holders of a shared_chat grant on the chat.
      await get(`/api/v1/chats/share/${shared.share_id}`, reader).expect(401, {
        detail: ErrorMessages.ACCESS_PROHIBITED,
      });
      await get(`/api/v1/chats/${chat.id}`, reader).expect(401);
      const grant = { principal_type: 'user', principal_id: reader.id, permission: 'read' };
      await post(`/api/v1/chats/shared/${chat.id}/access/update`, owner, {
        access_grants: [grant, { principal_type: 'bogus', principal_id: 'x', permission: 'read' }],
      }).expect(200);
      expect((await get(`/api/v1/chats/shared/${chat.id}/access`, owner).expect(200)).body).toEqual(
        [{ id: expect.any(String), ...grant }],
      );
      // The grant also opens the live chat by its id (read only).
      expect((await get(`/api/v1/chats/${chat.id}`, reader).expect(200)).body).toMatchObject({
        id: chat.id,
        user_id: owner.id,
      });
      await post(`/api/v1/chats/${chat.id}`, reader, { chat: { title: 'hijack' } }).expect(401);
      const view = (await get(`/api/v1/chats/share/${shared.share_id}`, reader).expect(200))
        .body as ChatBody;
      expect(view).toMatchObject({
        id: shared.share_id,
        user_id: `shared-${chat.id}`,
        title: 'Shared one',
      });
      // The users router resolves the shared owner.
      const ownerView = await get(`/api/v1/users/shared-${chat.id}`, reader).expect(200);
      expect((ownerView.body as { name: string }).name).toBe('owner');

      await post(`/api/v1/chats/${chat.id}`, owner, { chat: { title: 'Edited' } }).expect(200);
      const stale = (await get(`/api/v1/chats/share/${shared.share_id}`, reader)).body as ChatBody;
      expect(stale.title).toBe('Shared one');
      const again = (await post(`/api/v1/chats/${chat.id}/share`, owner).expect(200))
        .body as ChatBody;
      expect(again.share_id).toBe(shared.share_id);
      expect(
        ((await get(`/api/v1/chats/share/${shared.share_id}`, reader)).body as ChatBody).title,
      ).toBe('Edited');
      const cloned = (
        await post(`/api/v1/chats/${shared.share_id}/clone/shared`, reader).expect(200)
      ).body as ChatBody;
      expect(cloned).toMatchObject({
        user_id: reader.id,
        title: 'Clone of Edited',
        folder_id: null,
      });
      expect(cloned.chat).toMatchObject({ originalChatId: shared.share_id });
      await post(`/api/v1/chats/${chat.id}/clone/shared`, reader).expect(401, {
        detail: ErrorMessages.NOT_FOUND,
      });
      const list = (await get('/api/v1/chats/shared', owner).expect(200)).body as object[];
      expect(list).toEqual([
        expect.objectContaining({
          id: chat.id,
          chat_id: chat.id,
          title: 'Edited',
          share_id: shared.share_id,
        }),
      ]);

      await del(`/api/v1/chats/${chat.id}/share`, owner).expect(200, 'true');
      await del(`/api/v1/chats/${chat.id}/share`, owner).expect(200, 'false');
      await get(`/api/v1/chats/share/${shared.share_id}`, reader).expect(401, {
        detail: ErrorMessages.NOT_FOUND,
      });
      await get(`/api/v1/users/shared-${chat.id}`, reader).expect(400);
      // Unsharing drops the grants too.
      expect((await get(`/api/v1/chats/shared/${chat.id}/access`, owner).expect(200)).body).toEqual(
        [],
      );
      await get(`/api/v1/chats/${chat.id}`, reader).expect(401);
    });

    it('updates one message in the history tree', async () => {
      const chat = await newChat(owner, { title: 'edit', history: history('old') });
      const updated = (
        await post(`/api/v1/chats/${chat.id}/messages/m1`, owner, { content: 'new' }).expect(200)
      ).body as ChatBody;
      const tree = updated.chat.history as {
        currentId: string;
        messages: Record<string, { content: string }>;
      };
      expect(tree.messages.m1.content).toBe('new');
      expect(tree.currentId).toBe('m1');
      await post(`/api/v1/chats/${chat.id}/messages/m1`, owner, { content: 3 }).expect(422);
    });

    it('saveAssistantMessage writes the finished message once, for the owner only', async () => {
      const chat = await newChat(owner, { title: 'stream', history: history('question') });
      const service = booted.app.get(ChatsService);
      await service.saveAssistantMessage(owner.id, chat.id, 'm2', {
        content: 'The answer',
        usage: { total_tokens: 12 },
        sources: [{ source: { name: 'doc' } }],
        error: null,
        model: 'llama3',
      });
      const read = (await get(`/api/v1/chats/${chat.id}`, owner)).body as ChatBody;
      const message = (read.chat.history as { messages: Record<string, Record<string, unknown>> })
        .messages.m2;
      expect(message).toMatchObject({
        id: 'm2',
        parentId: 'm1',
        role: 'assistant',
        content: 'The answer',
        usage: { total_tokens: 12 },
        sources: [{ source: { name: 'doc' } }],
        error: null,
        model: 'llama3',
        done: true,
      });
      // The saved answer is searchable.
      const found = (await get('/api/v1/chats/search?text=the%20answer', owner)).body as {
        id: string;
      }[];
      expect(found.map((entry) => entry.id)).toContain(chat.id);
      const stranger = await addUser(booted.http, admin, 'sneaky@example.com', 'user');
      await expect(
        service.saveAssistantMessage(stranger.id, chat.id, 'm2', { content: 'hijack' }),
      ).rejects.toMatchObject({ status: 404 });
      const after = (await get(`/api/v1/chats/${chat.id}`, owner)).body as ChatBody;
      expect(
        (after.chat.history as { messages: Record<string, { content: string }> }).messages.m2
          .content,
      ).toBe('The answer');
    });

    it('imports chats with tags, flags and timestamps', async () => {
      const user = await addUser(booted.http, admin, 'importer@example.com', 'user');
      const imported = (
        await post('/api/v1/chats/import', user, {
          chats: [
            {
              chat: { title: 'Imported A', history: history('imported text') },
              meta: { tags: ['Work Stuff', 'none'] },
              pinned: true,
              folder_id: null,
              created_at: 1_700_000_000,
              updated_at: 1_700_000_100,
              id: 'ignored',
              user_id: 'ignored',
            },
            { chat: { title: 'Imported B' } },
          ],
        }).expect(200)
      ).body as ChatBody[];
      expect(imported).toHaveLength(2);
      expect(imported[0]).toMatchObject({
        user_id: user.id,
        title: 'Imported A',
        pinned: true,
        created_at: 1_700_000_000,
        updated_at: 1_700_000_100,
        meta: { tags: ['work_stuff'] },
      });
      const tags = (await get('/api/v1/chats/all/tags', user)).body as {
        id: string;
        name: string;
      }[];
      expect(tags).toEqual([expect.objectContaining({ id: 'work_stuff', name: 'Work Stuff' })]);
      await post('/api/v1/chats/import', user, { chats: [{ chat: 'no' }] }).expect(422);
      await post('/api/v1/chats/import', user, { chats: {} }).expect(422);
    });

    it('deletes all own chats (and only those)', async () => {
      const user = await addUser(booted.http, admin, 'cleaner@example.com', 'user');
      await newChat(user, { title: 'one' });
      await newChat(user, { title: 'two' });
      await del('/api/v1/chats/', user).expect(200, 'true');
      expect((await get('/api/v1/chats/', user)).body).toEqual([]);
      expect(((await get('/api/v1/chats/', owner)).body as object[]).length).toBeGreaterThan(0);
    });

    it('lets admins read other users chats (ENABLE_ADMIN_CHAT_ACCESS) and export all', async () => {
      const chat = await newChat(owner, { title: 'Admin can see' });
      await get(`/api/v1/chats/${chat.id}`, admin).expect(200);
      const list = (await get(`/api/v1/chats/list/user/${owner.id}`, admin).expect(200)).body as {
        id: string;
      }[];
      expect(list.map((entry) => entry.id)).toContain(chat.id);
      const everything = (await get('/api/v1/chats/all/db', admin).expect(200)).body as ChatBody[];
      expect(everything.map((entry) => entry.id)).toContain(chat.id);
      await get(`/api/v1/chats/list/user/${owner.id}`, owner).expect(401);
      await get('/api/v1/chats/all/db', owner).expect(401);
    });
  });
}

describe('admin chat access switched off', () => {
  let booted: BootedApp;
  let admin: Account;
  let user: Account;

  beforeAll(async () => {
    booted = await bootApp({
      env: { ENABLE_ADMIN_CHAT_ACCESS: 'false', ENABLE_ADMIN_EXPORT: 'false' },
    });
    admin = await signup(booted.http, 'admin@example.com');
    user = await addUser(booted.http, admin, 'user@example.com', 'user');
  });

  afterAll(async () => {
    await booted?.close();
  });

  it('answers admins like strangers on other users chats', async () => {
    const created = await booted.http
      .post('/api/v1/chats/new')
      .set(...bearer(user))
      .send({ chat: { title: 'private' } })
      .expect(200);
    const id = (created.body as { id: string }).id;
    await booted.http
      .get(`/api/v1/chats/${id}`)
      .set(...bearer(admin))
      .expect(401, { detail: ErrorMessages.NOT_FOUND });
    await booted.http
      .get(`/api/v1/chats/list/user/${user.id}`)
      .set(...bearer(admin))
      .expect(401, { detail: ErrorMessages.ACCESS_PROHIBITED });
    await booted.http
      .get('/api/v1/chats/all/db')
      .set(...bearer(admin))
      .expect(401, { detail: ErrorMessages.ACCESS_PROHIBITED });
  });
});
