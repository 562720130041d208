/**
 * Who may touch a chat: the owner, and nobody else. A stranger gets, on every chat route,
 * exactly the answer Open WebUI gives for a chat id that does not exist (compared against a
 * random id), so no route reveals whether someone else's chat exists; the chat is unchanged
 * afterwards. Also: chat.delete / chat.share for role user, and pending users.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorMessages } from '@atrium/common';
import { addUser, bearer, signup, type Account } from './auth-fixtures.js';
import { bootApp, type BootedApp } from './harness/boot-app.js';
import {
  createTestDatabase,
  engineMatrix,
  warnSkipped,
  type TestDatabase,
} from './support/test-databases.js';

type Method = 'get' | 'post' | 'delete';

interface ChatRoute {
  method: Method;
  path: (id: string) => string;
  body?: object;
  /** Open WebUI's answer for a chat the caller does not own ([N] routers/chats.py). */
  status: number;
  detail: string;
}

const NOT_FOUND = ErrorMessages.NOT_FOUND;
const PROHIBITED = ErrorMessages.ACCESS_PROHIBITED;
const DEFAULT = ErrorMessages.DEFAULT;

const CHAT_ROUTES: ChatRoute[] = [
  { method: 'get', path: (id) => `/api/v1/chats/${id}`, status: 401, detail: NOT_FOUND },
  {
    method: 'post',
    path: (id) => `/api/v1/chats/${id}`,
    body: { chat: { title: 'hijacked' } },
    status: 401,
    detail: PROHIBITED,
  },
  { method: 'delete', path: (id) => `/api/v1/chats/${id}`, status: 404, detail: NOT_FOUND },
  {
    method: 'post',
    path: (id) => `/api/v1/chats/${id}/messages/m1`,
    body: { content: 'hijacked' },
    status: 401,
    detail: PROHIBITED,
  },
  {
    method: 'post',
    path: (id) => `/api/v1/chats/${id}/messages/m1/event`,
    body: { type: 'status', data: {} },
    status: 401,
    detail: PROHIBITED,
  },
  { method: 'get', path: (id) => `/api/v1/chats/${id}/pinned`, status: 401, detail: DEFAULT },
  { method: 'post', path: (id) => `/api/v1/chats/${id}/pin`, status: 401, detail: DEFAULT },
  { method: 'post', path: (id) => `/api/v1/chats/${id}/archive`, status: 401, detail: DEFAULT },
  { method: 'post', path: (id) => `/api/v1/chats/${id}/clone`, status: 401, detail: DEFAULT },
  {
    method: 'post',
    path: (id) => `/api/v1/chats/${id}/clone/shared`,
    status: 401,
    detail: NOT_FOUND,
  },
  { method: 'post', path: (id) => `/api/v1/chats/${id}/share`, status: 401, detail: PROHIBITED },
  { method: 'delete', path: (id) => `/api/v1/chats/${id}/share`, status: 401, detail: PROHIBITED },
  {
    method: 'post',
    path: (id) => `/api/v1/chats/${id}/folder`,
    body: { folder_id: null },
    status: 401,
    detail: DEFAULT,
  },
  { method: 'get', path: (id) => `/api/v1/chats/${id}/tags`, status: 401, detail: NOT_FOUND },
  {
    method: 'post',
    path: (id) => `/api/v1/chats/${id}/tags`,
    body: { name: 'x' },
    status: 401,
    detail: DEFAULT,
  },
  {
    method: 'delete',
    path: (id) => `/api/v1/chats/${id}/tags`,
    body: { name: 'secret' },
    status: 401,
    detail: NOT_FOUND,
  },
  {
    method: 'delete',
    path: (id) => `/api/v1/chats/${id}/tags/all`,
    status: 401,
    detail: NOT_FOUND,
  },
  // Open WebUI answers 401 for someone else's chat here; Atrium answers as for a missing one.
  {
    method: 'get',
    path: (id) => `/api/v1/chats/stats/export/${id}`,
    status: 404,
    detail: NOT_FOUND,
  },
  {
    method: 'get',
    path: (id) => `/api/v1/chats/shared/${id}/access`,
    status: 404,
    detail: NOT_FOUND,
  },
  {
    method: 'post',
    path: (id) => `/api/v1/chats/shared/${id}/access/update`,
    body: { access_grants: [{ principal_type: 'user', principal_id: '*', permission: 'read' }] },
    status: 404,
    detail: NOT_FOUND,
  },
];

for (const { engine, enabled, variable } of engineMatrix()) {
  if (!enabled) warnSkipped(`chats access on ${engine}`, variable);

  describe.skipIf(!enabled)(`chats access on ${engine}`, () => {
    let database: TestDatabase;
    let booted: BootedApp;
    let admin: Account;
    let owner: Account;
    let stranger: Account;
    let pending: Account;
    let chatId: string;
    let snapshot: unknown;

    const call = (route: ChatRoute, id: string, who: Account) => {
      const request = booted.http[route.method](route.path(id)).set(...bearer(who));
      return route.body ? request.send(route.body) : request;
    };

    beforeAll(async () => {
      database = await createTestDatabase(engine);
      booted = await bootApp({ env: { DATABASE_URL: database.url } });
      admin = await signup(booted.http, 'admin@example.com');
      owner = await addUser(booted.http, admin, 'owner@example.com', 'user');
      stranger = await addUser(booted.http, admin, 'stranger@example.com', 'user');
      pending = await addUser(booted.http, admin, 'pending@example.com', 'pending');
      const created = await booted.http
        .post('/api/v1/chats/new')
        .set(...bearer(owner))
        .send({
          chat: {
            title: 'Secret',
            history: { currentId: 'm1', messages: { m1: { id: 'm1', content: 'secret words' } } },
          },
        })
        .expect(200);
      chatId = (created.body as { id: string }).id;
      await booted.http
        .post(`/api/v1/chats/${chatId}/tags`)
        .set(...bearer(owner))
        .send({ name: 'secret' })
        .expect(200);
      snapshot = (await booted.http.get(`/api/v1/chats/${chatId}`).set(...bearer(owner))).body;
    });

    afterAll(async () => {
      await booted?.close();
      await database?.drop();
    });

    it('answers a stranger on every chat route as for an id that does not exist', async () => {
      for (const route of CHAT_ROUTES) {
        const label = `${route.method.toUpperCase()} ${route.path(':id')}`;
        const theirs = await call(route, chatId, stranger);
        const missing = await call(route, randomUUID(), stranger);
        expect({ label, status: theirs.status, body: theirs.body as unknown }).toEqual({
          label,
          status: route.status,
          body: { detail: route.detail },
        });
        expect({ label, status: missing.status, body: missing.body as unknown }).toEqual({
          label,
          status: theirs.status,
          body: theirs.body as unknown,
        });
      }
    });

    it('leaves the chat exactly as it was and keeps it out of every stranger list', async () => {
      const after = await booted.http
        .get(`/api/v1/chats/${chatId}`)
        .set(...bearer(owner))
        .expect(200);
      expect(after.body).toEqual(snapshot);
      for (const path of [
        '/api/v1/chats/',
        '/api/v1/chats/pinned',
        '/api/v1/chats/archived',
        '/api/v1/chats/all/archived',
        '/api/v1/chats/shared',
        '/api/v1/chats/all/tags',
        '/api/v1/chats/search?text=secret',
        '/api/v1/chats/search?text=tag:secret',
      ]) {
        const response = await booted.http
          .get(path)
          .set(...bearer(stranger))
          .expect(200);
        expect({ path, body: response.body as unknown }).toEqual({ path, body: [] });
      }
      const all = await booted.http
        .get('/api/v1/chats/all')
        .set(...bearer(stranger))
        .expect(200);
      expect(all.text).toBe('');
      const byTag = await booted.http
        .post('/api/v1/chats/tags')
        .set(...bearer(stranger))
        .send({ name: 'secret' })
        .expect(200);
      expect(byTag.body).toEqual([]);
      // The owner's tag survived the stranger's searches.
      const tags = await booted.http.get('/api/v1/chats/all/tags').set(...bearer(owner));
      expect((tags.body as { id: string }[]).map((tag) => tag.id)).toEqual(['secret']);
    });

    it("refuses a stranger's list of another user's chats and folder contents", async () => {
      await booted.http
        .get(`/api/v1/chats/list/user/${owner.id}`)
        .set(...bearer(stranger))
        .expect(401);
      const folder = await booted.http
        .post('/api/v1/folders/')
        .set(...bearer(owner))
        .send({ name: 'Private' })
        .expect(200);
      const folderId = (folder.body as { id: string }).id;
      await booted.http
        .post(`/api/v1/chats/${chatId}/folder`)
        .set(...bearer(owner))
        .send({ folder_id: folderId })
        .expect(200);
      for (const path of [
        `/api/v1/chats/folder/${folderId}`,
        `/api/v1/chats/folder/${folderId}/list`,
      ]) {
        const response = await booted.http
          .get(path)
          .set(...bearer(stranger))
          .expect(200);
        expect(response.body).toEqual([]);
      }
      // A stranger cannot put chats into someone else's folder.
      const own = await booted.http
        .post('/api/v1/chats/new')
        .set(...bearer(stranger))
        .send({ chat: {} })
        .expect(200);
      await booted.http
        .post(`/api/v1/chats/${(own.body as { id: string }).id}/folder`)
        .set(...bearer(stranger))
        .send({ folder_id: folderId })
        .expect(404, { detail: NOT_FOUND });
      await booted.http
        .post('/api/v1/chats/new')
        .set(...bearer(stranger))
        .send({ chat: {}, folder_id: folderId })
        .expect(404, { detail: NOT_FOUND });
    });

    it('refuses pending users on every chat route (401)', async () => {
      for (const route of CHAT_ROUTES) {
        const response = await call(route, chatId, pending);
        expect({ route: route.path(':id'), status: response.status }).toEqual({
          route: route.path(':id'),
          status: 401,
        });
      }
      await booted.http
        .get('/api/v1/chats/')
        .set(...bearer(pending))
        .expect(401);
    });

    it('enforces chat.delete and chat.share for role user, not for admins', async () => {
      const defaults = (
        await booted.http
          .get('/api/v1/users/default/permissions')
          .set(...bearer(admin))
          .expect(200)
      ).body as { chat: Record<string, boolean> };
      await booted.http
        .post('/api/v1/users/default/permissions')
        .set(...bearer(admin))
        .send({ ...defaults, chat: { ...defaults.chat, delete: false, share: false } })
        .expect(200);
      try {
        await booted.http
          .delete(`/api/v1/chats/${chatId}`)
          .set(...bearer(owner))
          .expect(401, { detail: PROHIBITED });
        await booted.http
          .delete('/api/v1/chats/')
          .set(...bearer(owner))
          .expect(401, { detail: PROHIBITED });
        await booted.http
          .post(`/api/v1/chats/${chatId}/share`)
          .set(...bearer(owner))
          .expect(401, { detail: PROHIBITED });
        const adminChat = await booted.http
          .post('/api/v1/chats/new')
          .set(...bearer(admin))
          .send({ chat: { title: 'admin' } })
          .expect(200);
        const adminChatId = (adminChat.body as { id: string }).id;
        await booted.http
          .post(`/api/v1/chats/${adminChatId}/share`)
          .set(...bearer(admin))
          .expect(200);
        await booted.http
          .delete(`/api/v1/chats/${adminChatId}`)
          .set(...bearer(admin))
          .expect(200, 'true');
        await booted.http
          .get(`/api/v1/chats/${chatId}`)
          .set(...bearer(owner))
          .expect(200);
      } finally {
        await booted.http
          .post('/api/v1/users/default/permissions')
          .set(...bearer(admin))
          .send(defaults)
          .expect(200);
      }
    });

    it('lets the owner delete, after which the id is gone for everyone', async () => {
      await booted.http
        .delete(`/api/v1/chats/${chatId}`)
        .set(...bearer(owner))
        .expect(200, 'true');
      await booted.http
        .get(`/api/v1/chats/${chatId}`)
        .set(...bearer(owner))
        .expect(401, { detail: NOT_FOUND });
      await booted.http
        .get(`/api/v1/chats/${chatId}`)
        .set(...bearer(admin))
        .expect(401, { detail: NOT_FOUND });
      await booted.http
        .delete(`/api/v1/chats/${chatId}`)
        .set(...bearer(admin))
        .expect(404, { detail: NOT_FOUND });
    });
  });
}
