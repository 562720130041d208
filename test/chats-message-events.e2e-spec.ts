/**
 * Message edits and events reach the chat owner's open tabs over socket.io (`events`), as Open
 * WebUI's /chats/{id}/messages/{message_id}[/event] routes do: the owner or an admin may send
 * them, nobody else (401, the same answer as for a missing chat), and nothing is emitted then.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { ErrorMessages } from '@atrium/common';
import { addUser, bearer, signup, type Account } from './auth-fixtures.js';
import { bootApp, type BootedApp } from './harness/boot-app.js';
import { closeAll, collect, connectSocket, nextEvent } from './realtime-fixtures.js';

interface Envelope {
  chat_id: string;
  message_id: string;
  data: { type: string; data: Record<string, unknown> };
}

describe('chat message events over socket.io', () => {
  let booted: BootedApp;
  let admin: Account;
  let owner: Account;
  let stranger: Account;
  let chatId: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    booted = await bootApp({ listen: true });
    admin = await signup(booted.http, 'admin@example.com');
    owner = await addUser(booted.http, admin, 'owner@example.com', 'user');
    stranger = await addUser(booted.http, admin, 'stranger@example.com', 'user');
    const created = await booted.http
      .post('/api/v1/chats/new')
      .set(...bearer(owner))
      .send({
        chat: { title: 'Live', history: { currentId: 'm1', messages: { m1: { id: 'm1' } } } },
      })
      .expect(200);
    chatId = (created.body as { id: string }).id;
  });

  afterAll(async () => {
    closeAll(sockets);
    await booted?.close();
  });

  it('relays an event to the owner, from the owner or an admin', async () => {
    const socket = await connectSocket(booted.url!, { token: owner.token });
    sockets.push(socket);
    const strangers = await connectSocket(booted.url!, { token: stranger.token });
    sockets.push(strangers);
    const leaked = collect(strangers, 'events');

    const first = nextEvent<Envelope>(socket, 'events');
    await booted.http
      .post(`/api/v1/chats/${chatId}/messages/m1/event`)
      .set(...bearer(admin))
      .send({ type: 'status', data: { description: 'thinking' } })
      .expect(200, 'true');
    expect(await first).toEqual({
      chat_id: chatId,
      message_id: 'm1',
      data: { type: 'status', data: { description: 'thinking' } },
    });

    const edited = nextEvent<Envelope>(socket, 'events');
    await booted.http
      .post(`/api/v1/chats/${chatId}/messages/m1`)
      .set(...bearer(owner))
      .send({ content: 'new text' })
      .expect(200);
    expect(await edited).toEqual({
      chat_id: chatId,
      message_id: 'm1',
      data: {
        type: 'chat:message',
        data: { chat_id: chatId, message_id: 'm1', content: 'new text' },
      },
    });

    for (const target of [chatId, 'no-such-chat']) {
      await booted.http
        .post(`/api/v1/chats/${target}/messages/m1/event`)
        .set(...bearer(stranger))
        .send({ type: 'status', data: {} })
        .expect(401, { detail: ErrorMessages.ACCESS_PROHIBITED });
    }
    await booted.http
      .post(`/api/v1/chats/${chatId}/messages/m1/event`)
      .set(...bearer(owner))
      .send({ type: 'status', data: 'not an object' })
      .expect(422);
    expect(leaked).toEqual([]);
  });
});
