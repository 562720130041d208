/**
 * The socket.io gateway on one instance (SQLite, in-memory pools): Open WebUI's handshake and
 * `user-join` authentication, user rooms, refused tokens, heartbeat, usage, presence, and the
 * disconnection of deleted or demoted users. Real socket.io-client sockets on a listening app.
 */
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { UsersService } from '@atrium/users';
import { addUser, bearer, signup, type Account } from './auth-fixtures.js';
import { bootApp, type BootedApp } from './harness/boot-app.js';
import {
  closeAll,
  collect,
  connectSocket,
  disconnected,
  emitChatEvent,
  eventually,
  nextEvent,
} from './realtime-fixtures.js';

describe('socket.io gateway (single instance)', () => {
  let booted: BootedApp;
  let url: string;
  let admin: Account;
  let alice: Account;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    booted = await bootApp({ listen: true });
    url = booted.url!;
    admin = await signup(booted.http, 'admin@example.com');
    alice = await addUser(booted.http, admin, 'alice@example.com', 'user');
  });
  afterEach(() => closeAll(sockets));
  afterAll(async () => {
    await booted?.close();
  });

  async function open(token?: string): Promise<Socket> {
    const socket = await connectSocket(url, { token });
    sockets.push(socket);
    return socket;
  }

  it('authenticates from auth.token and delivers events emitted to the user room', async () => {
    const socket = await open(alice.token);
    const received = nextEvent<{ chat_id: string; data: { data: { content: string } } }>(
      socket,
      'events',
    );
    emitChatEvent(booted.app, alice.id, 'hello');
    const event = await received;
    expect(event.chat_id).toBe('chat-1');
    expect(event.data.data.content).toBe('hello');
  });

  it('authenticates with user-join and acks {id, name}', async () => {
    const socket = await open();
    const ack = await socket
      .timeout(5000)
      .emitWithAck('user-join', { auth: { token: alice.token } });
    expect(ack).toEqual({ id: alice.id, name: 'alice' });
    const received = nextEvent(socket, 'events');
    emitChatEvent(booted.app, alice.id, 'after join');
    await expect(received).resolves.toMatchObject({ data: { data: { content: 'after join' } } });
  });

  it('gives bad, revoked and pending tokens no room and no events', async () => {
    const pending = await addUser(booted.http, admin, 'pending@example.com', 'pending');
    const revoked = await addUser(booted.http, admin, 'revoked@example.com', 'user');
    expect((await booted.http.get('/api/v1/auths/signout').set(...bearer(revoked))).status).toBe(
      200,
    );

    const bad = await open('not-a-jwt');
    const withRevoked = await open(revoked.token);
    const withPending = await open(pending.token);
    const joiner = await open();
    const acks = await Promise.all([
      joiner.timeout(5000).emitWithAck('user-join', { auth: { token: 'not-a-jwt' } }),
      joiner.timeout(5000).emitWithAck('user-join', { auth: { token: revoked.token } }),
      joiner.timeout(5000).emitWithAck('user-join', {}),
      joiner.timeout(5000).emitWithAck('user-join', 'garbage'),
    ]);
    expect(acks).toEqual([undefined, undefined, undefined, undefined]);

    const seen = [bad, withRevoked, withPending, joiner].map((socket) => collect(socket, 'events'));
    // A control socket proves the events were sent before we look at the others.
    const control = await open(alice.token);
    const controlReceived = nextEvent(control, 'events');
    for (const user of [revoked, pending]) emitChatEvent(booted.app, user.id, 'secret');
    emitChatEvent(booted.app, alice.id, 'control');
    await controlReceived;
    expect(seen.flat()).toEqual([]);
    // Still connected (always_connect), just never in a room.
    expect([bad, withRevoked, withPending, joiner].every((socket) => socket.connected)).toBe(true);
  });

  it('records heartbeat as user activity', async () => {
    const touch = vi.spyOn(booted.app.get(UsersService), 'touchLastActive');
    try {
      const socket = await open(alice.token);
      touch.mockClear();
      socket.emit('heartbeat', {});
      await eventually(() => touch.mock.calls.some(([id]) => id === alice.id));
      // An unauthenticated socket's heartbeat is ignored.
      const anonymous = await open();
      touch.mockClear();
      anonymous.emit('heartbeat', {});
      await socket.timeout(5000).emitWithAck('user-join', { auth: { token: alice.token } });
      expect(touch.mock.calls.filter(([id]) => id !== alice.id)).toEqual([]);
    } finally {
      touch.mockRestore();
    }
  });

  it('tracks models in use for GET /api/usage and connected users for /api/v1/users/active', async () => {
    const socket = await open(alice.token);
    socket.emit('usage', { model: 'llama3:8b' });
    socket.emit('usage', { model: 42 });
    const anonymous = await open();
    anonymous.emit('usage', { model: 'not-counted' });
    await eventually(async () => {
      const response = await booted.http.get('/api/usage').set(...bearer(alice));
      return response.status === 200 && response.body.model_ids.includes('llama3:8b');
    });
    const usage = await booted.http.get('/api/usage').set(...bearer(alice));
    expect(usage.body).toEqual({ model_ids: ['llama3:8b'], user_count: 1 });

    const active = await booted.http.get('/api/v1/users/active').set(...bearer(alice));
    expect(active.status).toBe(200);
    expect(active.body).toEqual({ user_ids: [alice.id] });

    socket.close();
    await eventually(async () => {
      const response = await booted.http.get('/api/v1/users/active').set(...bearer(admin));
      return response.body.user_ids.length === 0;
    });
    expect((await booted.http.get('/api/usage')).status).toBe(403);
  });

  it('disconnects every socket of a demoted or deleted user', async () => {
    const bob = await addUser(booted.http, admin, 'bob@example.com', 'admin');
    const first = await open(bob.token);
    const second = await open();
    await second.timeout(5000).emitWithAck('user-join', { auth: { token: bob.token } });
    const bystander = await open(alice.token);

    const demoted = await booted.http
      .post(`/api/v1/users/${bob.id}/update`)
      .set(...bearer(admin))
      .send({
        role: 'user',
        name: 'bob',
        email: 'bob@example.com',
        profile_image_url: '/user.png',
      });
    expect(demoted.status).toBe(200);
    await Promise.all([disconnected(first), disconnected(second)]);
    expect(bystander.connected).toBe(true);

    const again = await open(bob.token);
    expect((await booted.http.delete(`/api/v1/users/${bob.id}`).set(...bearer(admin))).status).toBe(
      200,
    );
    await disconnected(again);
    // The deleted user's token no longer opens a room.
    const after = await open(bob.token);
    const seen = collect(after, 'events');
    emitChatEvent(booted.app, bob.id, 'gone');
    const control = nextEvent(bystander, 'events');
    emitChatEvent(booted.app, alice.id, 'control');
    await control;
    expect(seen).toEqual([]);
  });
});

describe('socket.io gateway with ENABLE_WEBSOCKET_SUPPORT=false', () => {
  let booted: BootedApp;
  let admin: Account;
  beforeAll(async () => {
    booted = await bootApp({
      listen: true,
      env: { ENABLE_WEBSOCKET_SUPPORT: 'false', ENABLE_PUBLIC_ACTIVE_USERS_COUNT: 'false' },
    });
    admin = await signup(booted.http, 'admin@example.com');
  });
  afterAll(async () => {
    await booted?.close();
  });

  it('keeps GET /api/usage for admins when ENABLE_PUBLIC_ACTIVE_USERS_COUNT is off', async () => {
    const user = await addUser(booted.http, admin, 'user@example.com', 'user');
    expect((await booted.http.get('/api/usage').set(...bearer(user))).status).toBe(403);
    const usage = await booted.http.get('/api/usage').set(...bearer(admin));
    expect(usage.status).toBe(200);
    expect(usage.body).toEqual({ model_ids: [], user_count: 0 });
  });

  it('serves long-polling only', async () => {
    await expect(connectSocket(booted.url!, { token: admin.token })).rejects.toThrow();
    const polling = await connectSocket(booted.url!, {
      token: admin.token,
      transports: ['polling'],
    });
    try {
      const received = nextEvent(polling, 'events');
      emitChatEvent(booted.app, admin.id, 'over polling');
      await expect(received).resolves.toMatchObject({
        data: { data: { content: 'over polling' } },
      });
    } finally {
      polling.close();
    }
  });
});
