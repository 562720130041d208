/**
 * The folders router end to end on every configured engine: CRUD with Open WebUI's shapes,
 * nesting, names unique per level, moves, expanded state, chats in folders, delete with
 * contents, owner-only access, chat.delete and ENABLE_FOLDERS.
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

interface FolderBody {
  id: string;
  parent_id: string | null;
  user_id: string;
  name: string;
  items: { chats?: { id: string; title: string; updated_at: number }[] } | null;
  meta: Record<string, unknown> | null;
  data: Record<string, unknown> | null;
  is_expanded: boolean;
  created_at: number;
  updated_at: number;
}

const EXISTS = { detail: '[ERROR: Folder already exists]' };
const NOT_FOUND = { detail: ErrorMessages.NOT_FOUND };

for (const { engine, enabled, variable } of engineMatrix()) {
  if (!enabled) warnSkipped(`folders API on ${engine}`, variable);

  describe.skipIf(!enabled)(`folders API on ${engine}`, () => {
    let database: TestDatabase;
    let booted: BootedApp;
    let admin: Account;
    let owner: Account;
    let stranger: Account;

    const get = (path: string, who: Account) => booted.http.get(path).set(...bearer(who));
    const post = (path: string, who: Account, body: object = {}) =>
      booted.http
        .post(path)
        .set(...bearer(who))
        .send(body);
    const del = (path: string, who: Account) => booted.http.delete(path).set(...bearer(who));
    const createFolder = async (who: Account, body: object) =>
      (await post('/api/v1/folders/', who, body).expect(200)).body as FolderBody;
    const newChat = async (who: Account, title: string, folderId?: string) =>
      (
        (await post('/api/v1/chats/new', who, { chat: { title }, folder_id: folderId }).expect(200))
          .body as { id: string }
      ).id;

    beforeAll(async () => {
      database = await createTestDatabase(engine);
      booted = await bootApp({ env: { DATABASE_URL: database.url } });
      admin = await signup(booted.http, 'admin@example.com');
      owner = await addUser(booted.http, admin, 'owner@example.com', 'user');
      stranger = await addUser(booted.http, admin, 'stranger@example.com', 'user');
    });

    afterAll(async () => {
      await booted?.close();
      await database?.drop();
    });

    it('creates, reads, renames and lists folders with their chats', async () => {
      const folder = await createFolder(owner, {
        name: 'Work',
        data: { system_prompt: 'Be brief' },
      });
      expect(folder).toMatchObject({
        parent_id: null,
        user_id: owner.id,
        name: 'Work',
        data: { system_prompt: 'Be brief' },
        meta: null,
        is_expanded: false,
      });
      await get(`/api/v1/folders/${folder.id}`, owner).expect(200, folder);
      const renamed = (
        await post(`/api/v1/folders/${folder.id}/update`, owner, { name: 'Job' }).expect(200)
      ).body as FolderBody;
      expect(renamed).toMatchObject({ name: 'Job', data: { system_prompt: 'Be brief' } });
      const expanded = (
        await post(`/api/v1/folders/${folder.id}/update/expanded`, owner, {
          is_expanded: true,
        }).expect(200)
      ).body as FolderBody;
      expect(expanded.is_expanded).toBe(true);

      const chatId = await newChat(owner, 'In the folder', folder.id);
      const list = (await get('/api/v1/folders/', owner).expect(200)).body as FolderBody[];
      const listed = list.find((entry) => entry.id === folder.id)!;
      expect(listed.items).toEqual({
        chats: [{ id: chatId, title: 'In the folder', updated_at: expect.any(Number) }],
      });
      // Chats in folders stay out of the main list unless include_folders.
      const main = (await get('/api/v1/chats/', owner)).body as { id: string }[];
      expect(main.map((chat) => chat.id)).not.toContain(chatId);
      const withFolders = (await get('/api/v1/chats/?include_folders=true', owner)).body as {
        id: string;
      }[];
      expect(withFolders.map((chat) => chat.id)).toContain(chatId);
      const inFolder = (await get(`/api/v1/chats/folder/${folder.id}/list`, owner).expect(200))
        .body;
      expect(inFolder).toEqual([
        { id: chatId, title: 'In the folder', updated_at: expect.any(Number) },
      ]);
    });

    it('keeps names unique per level, case-insensitively', async () => {
      const parent = await createFolder(owner, { name: 'Projects' });
      await post('/api/v1/folders/', owner, { name: 'projects' }).expect(400, EXISTS);
      const child = await createFolder(owner, { name: 'Projects', parent_id: parent.id });
      expect(child.parent_id).toBe(parent.id);
      await post('/api/v1/folders/', owner, { name: 'PROJECTS', parent_id: parent.id }).expect(
        400,
        EXISTS,
      );
      const other = await createFolder(owner, { name: 'Other' });
      await post(`/api/v1/folders/${other.id}/update`, owner, { name: 'Projects' }).expect(
        400,
        EXISTS,
      );
      // Renaming to its own name is fine.
      await post(`/api/v1/folders/${other.id}/update`, owner, { name: 'Other' }).expect(200);
      // Another user may use the same names.
      await createFolder(stranger, { name: 'Projects' });
    });

    it('moves folders between levels and refuses cycles and clashes', async () => {
      const a = await createFolder(owner, { name: 'A' });
      const b = await createFolder(owner, { name: 'B', parent_id: a.id });
      const c = await createFolder(owner, { name: 'C', parent_id: b.id });
      await post(`/api/v1/folders/${a.id}/update/parent`, owner, { parent_id: c.id }).expect(400);
      await post(`/api/v1/folders/${a.id}/update/parent`, owner, { parent_id: a.id }).expect(400);
      const moved = (
        await post(`/api/v1/folders/${c.id}/update/parent`, owner, { parent_id: null }).expect(200)
      ).body as FolderBody;
      expect(moved.parent_id).toBeNull();
      await createFolder(owner, { name: 'B' });
      await post(`/api/v1/folders/${b.id}/update/parent`, owner, { parent_id: null }).expect(
        400,
        EXISTS,
      );
      await post(`/api/v1/folders/${c.id}/update/parent`, owner, { parent_id: 'nope' }).expect(
        404,
        NOT_FOUND,
      );
    });

    it('moves chats into and out of folders; GET /chats/folder/{id} includes sub-folders', async () => {
      const top = await createFolder(owner, { name: 'Top' });
      const sub = await createFolder(owner, { name: 'Sub', parent_id: top.id });
      const first = await newChat(owner, 'first');
      const second = await newChat(owner, 'second', sub.id);
      const moved = await post(`/api/v1/chats/${first}/folder`, owner, {
        folder_id: top.id,
      }).expect(200);
      expect((moved.body as { folder_id: string }).folder_id).toBe(top.id);
      const tree = (await get(`/api/v1/chats/folder/${top.id}`, owner).expect(200)).body as {
        id: string;
      }[];
      expect(tree.map((chat) => chat.id).sort()).toEqual([first, second].sort());
      const out = await post(`/api/v1/chats/${first}/folder`, owner, { folder_id: null }).expect(
        200,
      );
      expect((out.body as { folder_id: null }).folder_id).toBeNull();
    });

    it('deletes a folder with its sub-folders and their chats', async () => {
      const root = await createFolder(owner, { name: 'Doomed' });
      const sub = await createFolder(owner, { name: 'Doomed child', parent_id: root.id });
      const inRoot = await newChat(owner, 'gone 1', root.id);
      const inSub = await newChat(owner, 'gone 2', sub.id);
      const kept = await newChat(owner, 'kept');
      await del(`/api/v1/folders/${root.id}`, owner).expect(200, 'true');
      await get(`/api/v1/folders/${root.id}`, owner).expect(404, NOT_FOUND);
      await get(`/api/v1/folders/${sub.id}`, owner).expect(404, NOT_FOUND);
      await get(`/api/v1/chats/${inRoot}`, owner).expect(401);
      await get(`/api/v1/chats/${inSub}`, owner).expect(401);
      await get(`/api/v1/chats/${kept}`, owner).expect(200);
    });

    it("answers 404 on another user's folder and never changes it", async () => {
      const mine = await createFolder(owner, { name: 'Mine only' });
      const calls = [
        () => get(`/api/v1/folders/${mine.id}`, stranger),
        () => post(`/api/v1/folders/${mine.id}/update`, stranger, { name: 'x' }),
        () => post(`/api/v1/folders/${mine.id}/update/parent`, stranger, { parent_id: null }),
        () => post(`/api/v1/folders/${mine.id}/update/expanded`, stranger, { is_expanded: true }),
        () => del(`/api/v1/folders/${mine.id}`, stranger),
        () => post('/api/v1/folders/', stranger, { name: 'child', parent_id: mine.id }),
      ];
      for (const call of calls) {
        const response = await call();
        expect({ status: response.status, body: response.body as unknown }).toEqual({
          status: 404,
          body: NOT_FOUND,
        });
      }
      await get(`/api/v1/folders/${mine.id}`, owner).expect(200, mine);
      const theirs = (await get('/api/v1/folders/', stranger)).body as FolderBody[];
      expect(theirs.map((folder) => folder.id)).not.toContain(mine.id);
    });

    it('validates bodies (422)', async () => {
      const folder = await createFolder(owner, { name: 'Valid' });
      for (const body of [
        {},
        { name: '' },
        { name: 5 },
        { name: 'x', extra: true },
        { name: 'x', data: 'no' },
      ]) {
        await post('/api/v1/folders/', owner, body).expect(422);
      }
      await post(`/api/v1/folders/${folder.id}/update/expanded`, owner, {
        is_expanded: 'yes',
      }).expect(422);
      await post(`/api/v1/folders/${folder.id}/update/parent`, owner, { parent_id: 3 }).expect(422);
    });

    it('needs chat.delete for role user to delete a folder (403)', async () => {
      const folder = await createFolder(owner, { name: 'Protected' });
      const defaults = (await get('/api/v1/users/default/permissions', admin).expect(200)).body as {
        chat: Record<string, boolean>;
      };
      await post('/api/v1/users/default/permissions', admin, {
        ...defaults,
        chat: { ...defaults.chat, delete: false },
      }).expect(200);
      try {
        await del(`/api/v1/folders/${folder.id}`, owner).expect(403, {
          detail: ErrorMessages.ACCESS_PROHIBITED,
        });
        const adminFolder = await createFolder(admin, { name: 'Admin folder' });
        await del(`/api/v1/folders/${adminFolder.id}`, admin).expect(200, 'true');
      } finally {
        await post('/api/v1/users/default/permissions', admin, defaults).expect(200);
      }
    });

    it('refuses every folder route when folders are disabled (ENABLE_FOLDERS)', async () => {
      const settings = booted.app.get(SettingsService);
      await settings.update({ 'folders.enable': false });
      try {
        await get('/api/v1/folders/', owner).expect(403, {
          detail: ErrorMessages.ACCESS_PROHIBITED,
        });
        await post('/api/v1/folders/', owner, { name: 'No' }).expect(403);
      } finally {
        await settings.update({ 'folders.enable': true });
      }
      await get('/api/v1/folders/', owner).expect(200);
    });
  });
}
