/**
 * 500 concurrent sockets over two instances (WEBSOCKET_MANAGER=redis, real Redis) stay connected
 * through a real 60 s heartbeat window and all still receive events afterwards. Nothing is
 * compressed: the default WEBSOCKET_SERVER_PING_INTERVAL (25 s) / _PING_TIMEOUT (20 s) apply, so
 * engine.io pings at least twice per socket inside the window, and each client sends the app-level
 * `heartbeat` `{}` every 30 s from its own connect time, as Open WebUI's frontend does (the
 * timers are staggered like real browsers, which keeps the CPU load of the 2-core runner flat).
 */
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, signup, type Account } from './auth-fixtures.js';
import { bootApp, type BootedApp } from './harness/boot-app.js';
import { connectSocket, emitChatEvent, eventually } from './realtime-fixtures.js';
import {
  createTestDatabase,
  flushPrefix,
  redisPrefix,
  redisUrl as configuredRedisUrl,
  REDIS_VARIABLE,
  warnSkipped,
  type TestDatabase,
} from './support/test-databases.js';

const SOCKETS = 500;
const USERS = 5;
const WINDOW_MS = 60_000;
/** Open WebUI's frontend: `heartbeat` every 30 s (features.websocket_heartbeat_interval unset). */
const HEARTBEAT_MS = 30_000;

const redisUrl = configuredRedisUrl();
if (!redisUrl) warnSkipped('500 sockets over two instances sharing Redis', REDIS_VARIABLE);

describe.skipIf(!redisUrl)(`${SOCKETS} sockets over two instances`, () => {
  let database: TestDatabase;
  const prefix = redisPrefix();
  const apps: BootedApp[] = [];
  const sockets: Socket[] = [];
  const heartbeats: NodeJS.Timeout[] = [];
  const users: Account[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    // No ping settings: the defaults (25 s interval, 20 s timeout) are what is under test.
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl!,
      REDIS_KEY_PREFIX: prefix,
      WEBSOCKET_MANAGER: 'redis',
    };
    apps.push(await bootApp({ listen: true, env }), await bootApp({ listen: true, env }));
    const admin = await signup(apps[0].http, 'admin@example.com');
    users.push(admin);
    for (let index = 1; index < USERS; index += 1) {
      users.push(await addUser(apps[0].http, admin, `user${index}@example.com`, 'user'));
    }
  }, 120_000);
  afterAll(async () => {
    for (const timer of heartbeats) clearInterval(timer);
    for (const socket of sockets) socket.close();
    for (const app of apps) await app.close();
    if (redisUrl) await flushPrefix(redisUrl, prefix);
    await database?.drop();
  }, 60_000);

  it('keeps every socket connected through a 60 s heartbeat window and delivering', async () => {
    const disconnects: string[] = [];
    const pings: number[] = [];
    const heartbeatsSent: number[] = [];
    // Connect in batches so the 2-core machine is not flooded with handshakes at once.
    for (let start = 0; start < SOCKETS; start += 50) {
      const batch = Array.from({ length: Math.min(50, SOCKETS - start) }, (_, offset) => {
        const index = start + offset;
        return connectSocket(apps[index % 2].url!, { token: users[index % USERS].token });
      });
      for (const socket of await Promise.all(batch)) {
        socket.on('disconnect', (reason) => disconnects.push(reason));
        const slot = pings.push(0) - 1;
        heartbeatsSent.push(0);
        socket.io.engine.on('ping', () => (pings[slot] += 1));
        const timer = setInterval(() => {
          socket.emit('heartbeat', {});
          heartbeatsSent[slot] += 1;
        }, HEARTBEAT_MS);
        heartbeats.push(timer);
        sockets.push(socket);
      }
    }
    // The window counts from the last connect; the slack lets its second heartbeat fire.
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS + 500));
    expect(disconnects).toEqual([]);
    expect(sockets.every((socket) => socket.connected)).toBe(true);
    // The window really was heartbeat-driven: two app heartbeats per socket and at least two
    // engine.io ping/pong rounds on every socket (25 s interval).
    expect(Math.min(...heartbeatsSent)).toBe(2);
    expect(Math.min(...pings)).toBeGreaterThanOrEqual(2);

    // Every socket, on either instance, still gets an event emitted on instance A.
    let received = 0;
    for (const socket of sockets) socket.once('events', () => (received += 1));
    for (const user of users) emitChatEvent(apps[0].app, user.id, 'after the window');
    await eventually(() => received === SOCKETS, 10_000);

    const active = await apps[1].http
      .get('/api/v1/users/active')
      .set('Authorization', `Bearer ${users[0].token}`);
    expect(active.body.user_ids).toHaveLength(USERS);
  }, 150_000);
});
