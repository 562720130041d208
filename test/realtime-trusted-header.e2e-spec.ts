/**
 * Trusted reverse-proxy headers on the socket.io gateway: with WEBUI_AUTH_TRUSTED_EMAIL_HEADER set,
 * a token whose user is not the one the proxy's header names gets no room and no events, at the
 * handshake and through `user-join`, the same rule as the HTTP guard's 401.
 */
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bootApp, type BootedApp } from './harness/boot-app.js';
import { closeAll, collect, connectSocket, emitChatEvent, nextEvent } from './realtime-fixtures.js';

const EMAIL = 'X-Forwarded-Email';

interface ProxyUser {
  id: string;
  token: string;
}

describe('socket.io gateway behind a trusted-header proxy', () => {
  let booted: BootedApp;
  let boss: ProxyUser;
  let alice: ProxyUser;
  const sockets: Socket[] = [];

  const signin = async (email: string): Promise<ProxyUser> => {
    const response = await booted.http
      .post('/api/v1/auths/signin')
      .set(EMAIL, email)
      .send({ email: '', password: '' })
      .expect(200);
    return { id: response.body.id as string, token: response.body.token as string };
  };
  const open = async (token: string | undefined, headerEmail?: string): Promise<Socket> => {
    const headers = headerEmail ? { [EMAIL]: headerEmail } : undefined;
    const socket = await connectSocket(booted.url!, { token, headers });
    sockets.push(socket);
    return socket;
  };
  /** The events a socket got within a short window after one is sent to `userId`'s room. */
  const eventsAfterEmit = async (socket: Socket, control: Socket, userId: string) => {
    const received = collect(socket, 'events');
    const controlled = nextEvent(control, 'events');
    emitChatEvent(booted.app, userId, 'for the room');
    // The control socket, in the same room, proves the event was delivered by then.
    await controlled;
    await new Promise((resolve) => setTimeout(resolve, 100));
    return received;
  };

  beforeAll(async () => {
    booted = await bootApp({
      listen: true,
      env: { WEBUI_AUTH_TRUSTED_EMAIL_HEADER: EMAIL, DEFAULT_USER_ROLE: 'user' },
    });
    boss = await signin('boss@example.com');
    alice = await signin('alice@example.com');
  });
  afterEach(() => closeAll(sockets));
  afterAll(async () => {
    await booted?.close();
  });

  it('HTTP answers 401 for the same mismatch (the rule the sockets follow)', async () => {
    await booted.http
      .get('/api/v1/auths/')
      .set('Authorization', `Bearer ${boss.token}`)
      .set(EMAIL, 'alice@example.com')
      .expect(401);
  });

  it('lets a token in when it matches the header (case-insensitively) or no header is sent', async () => {
    const matching = await open(alice.token, 'Alice@Example.com');
    const control = await open(alice.token);
    expect(await eventsAfterEmit(matching, control, alice.id)).toHaveLength(1);
  });

  it('gives a handshake token of another user than the header no room and no events', async () => {
    const mismatched = await open(boss.token, 'alice@example.com');
    const control = await open(boss.token);
    expect(mismatched.connected).toBe(true);
    expect(await eventsAfterEmit(mismatched, control, boss.id)).toEqual([]);
  });

  it('refuses user-join with another user than the header (empty ack, no events)', async () => {
    const socket = await open(undefined, 'alice@example.com');
    const ack = await socket
      .timeout(5000)
      .emitWithAck('user-join', { auth: { token: boss.token } });
    expect(ack).toBeUndefined();
    const control = await open(boss.token);
    expect(await eventsAfterEmit(socket, control, boss.id)).toEqual([]);
    // The proxy's own user joins on the same socket.
    const joined = await socket
      .timeout(5000)
      .emitWithAck('user-join', { auth: { token: alice.token } });
    expect(joined).toMatchObject({ id: alice.id });
  });
});
