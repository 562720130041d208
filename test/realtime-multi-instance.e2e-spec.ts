/**
 * Two Atrium instances A and B on one database with WEBSOCKET_MANAGER=redis (real Redis, real
 * socket.io-client): events emitted on one instance reach sockets on the other, presence and
 * usage are shared, deletion/demotion disconnects everywhere, and a Redis outage only narrows
 * delivery to each instance (no crash, no hanging request) until Redis is back.
 */
import { createServer, Socket as TcpSocket, type Server as TcpServer } from 'node:net';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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
import {
  createTestDatabase,
  engineMatrix,
  flushPrefix,
  redisPrefix,
  redisUrl as configuredRedisUrl,
  REDIS_VARIABLE,
  warnSkipped,
  type TestDatabase,
} from './support/test-databases.js';

const redisUrl = configuredRedisUrl();
if (!redisUrl) warnSkipped('realtime across two instances sharing Redis', REDIS_VARIABLE);
// One engine is enough here: PostgreSQL when configured, else a shared SQLite file.
const engine = engineMatrix().find((entry) => entry.engine === 'postgres' && entry.enabled)
  ? 'postgres'
  : 'sqlite';

interface Pair {
  a: BootedApp;
  b: BootedApp;
  database: TestDatabase;
  prefix: string;
  close(): Promise<void>;
}

async function startPair(env: Record<string, string> = {}): Promise<Pair> {
  const database = await createTestDatabase(engine);
  const prefix = redisPrefix();
  const shared = {
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl!,
    REDIS_KEY_PREFIX: prefix,
    WEBSOCKET_MANAGER: 'redis',
    ...env,
  };
  const a = await bootApp({ listen: true, env: shared });
  const b = await bootApp({ listen: true, env: shared });
  return {
    a,
    b,
    database,
    prefix,
    async close() {
      await a.close();
      await b.close();
      await flushPrefix(redisUrl!, prefix);
      await database.drop();
    },
  };
}

describe.skipIf(!redisUrl)(`realtime on two instances (${engine}, Redis)`, () => {
  let pair: Pair;
  let admin: Account;
  let alice: Account;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    pair = await startPair();
    admin = await signup(pair.a.http, 'admin@example.com');
    alice = await addUser(pair.a.http, admin, 'alice@example.com', 'user');
  });
  afterEach(() => closeAll(sockets));
  afterAll(async () => {
    await pair?.close();
  });

  async function open(app: BootedApp, token?: string): Promise<Socket> {
    const socket = await connectSocket(app.url!, { token });
    sockets.push(socket);
    return socket;
  }

  it('delivers an event emitted on A to a client connected to B', async () => {
    const onB = await open(pair.b, alice.token);
    const joinedOnB = await open(pair.b);
    await joinedOnB.timeout(5000).emitWithAck('user-join', { auth: { token: alice.token } });
    const received = Promise.all([nextEvent(onB, 'events'), nextEvent(joinedOnB, 'events')]);
    emitChatEvent(pair.a.app, alice.id, 'from A');
    const events = await received;
    expect(events.map((event) => (event as { data: { data: unknown } }).data.data)).toEqual([
      { content: 'from A' },
      { content: 'from A' },
    ]);
  });

  it('gives bad and revoked tokens nothing, whichever instance emits', async () => {
    const revoked = await addUser(pair.a.http, admin, 'revoked@example.com', 'user');
    expect((await pair.b.http.get('/api/v1/auths/signout').set(...bearer(revoked))).status).toBe(
      200,
    );
    const withRevoked = await open(pair.a, revoked.token);
    const bad = await open(pair.b, 'forged.token.value');
    const ack = await bad
      .timeout(5000)
      .emitWithAck('user-join', { auth: { token: revoked.token } });
    expect(ack).toBeUndefined();
    const seen = [collect(withRevoked, 'events'), collect(bad, 'events')];
    const control = await open(pair.a, alice.token);
    const controlReceived = nextEvent(control, 'events');
    emitChatEvent(pair.b.app, revoked.id, 'secret');
    emitChatEvent(pair.a.app, revoked.id, 'secret');
    emitChatEvent(pair.b.app, alice.id, 'control');
    await controlReceived;
    expect(seen.flat()).toEqual([]);
  });

  it('shares presence and usage: GET on A sees sockets and models of B', async () => {
    const onB = await open(pair.b, alice.token);
    onB.emit('usage', { model: 'shared-model' });
    await eventually(async () => {
      const response = await pair.a.http.get('/api/usage').set(...bearer(admin));
      return response.body.model_ids?.includes('shared-model') === true;
    });
    const usage = await pair.a.http.get('/api/usage').set(...bearer(admin));
    expect(usage.body).toEqual({ model_ids: ['shared-model'], user_count: 1 });
    const active = await pair.a.http.get('/api/v1/users/active').set(...bearer(admin));
    expect(active.body).toEqual({ user_ids: [alice.id] });

    onB.close();
    await eventually(async () => {
      const response = await pair.a.http.get('/api/v1/users/active').set(...bearer(admin));
      return response.body.user_ids.length === 0;
    });
    // Usage entries age out after 3 s without a new report.
    await eventually(async () => {
      const response = await pair.a.http.get('/api/usage').set(...bearer(admin));
      return response.body.model_ids.length === 0;
    }, 8000);
  });

  it('disconnects a user demoted on B and deleted on A from every instance', async () => {
    const bob = await addUser(pair.a.http, admin, 'bob@example.com', 'admin');
    const onA = await open(pair.a, bob.token);
    const onB = await open(pair.b, bob.token);
    const demoted = await pair.b.http
      .post(`/api/v1/users/${bob.id}/update`)
      .set(...bearer(admin))
      .send({
        role: 'user',
        name: 'bob',
        email: 'bob@example.com',
        profile_image_url: '/user.png',
      });
    expect(demoted.status).toBe(200);
    await Promise.all([disconnected(onA), disconnected(onB)]);

    const againOnB = await open(pair.b, bob.token);
    expect((await pair.a.http.delete(`/api/v1/users/${bob.id}`).set(...bearer(admin))).status).toBe(
      200,
    );
    await disconnected(againOnB);
  });
});

/** A TCP relay to Redis that the test can cut and restore, to play a Redis outage. */
class RedisRelay {
  private server?: TcpServer;
  private readonly connections = new Set<TcpSocket>();
  port = 0;

  constructor(private readonly target: URL) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createServer((client) => {
      const upstream = new TcpSocket();
      upstream.connect(Number(this.target.port || 6379), this.target.hostname);
      for (const socket of [client, upstream]) {
        this.connections.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => this.connections.delete(socket));
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  /** Redis "goes down": open connections drop and new ones are refused. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.connections) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe.skipIf(!redisUrl)('realtime when Redis goes away', () => {
  let relay: RedisRelay;
  let pair: Pair;
  let admin: Account;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    relay = new RedisRelay(new URL(redisUrl!));
    await relay.start();
    // Only the realtime layer goes through the relay, so the outage is the socket layer's.
    pair = await startPair({ WEBSOCKET_REDIS_URL: relay.url });
    admin = await signup(pair.a.http, 'admin@example.com');
  });
  afterEach(() => closeAll(sockets));
  afterAll(async () => {
    await relay?.cut();
    await pair?.close();
  });

  it('falls back to delivery on each instance, answers HTTP at once, and recovers', async () => {
    const onB = await connectSocket(pair.b.url!, { token: admin.token });
    sockets.push(onB);
    const crossed = nextEvent(onB, 'events');
    emitChatEvent(pair.a.app, admin.id, 'before the outage');
    await crossed;

    await relay.cut();
    const seenOnB = collect<{ data: { data: { content: string } } }>(onB, 'events');
    emitChatEvent(pair.a.app, admin.id, 'lost with Redis');
    // Local delivery keeps working: B's own emits still reach B's sockets.
    emitChatEvent(pair.b.app, admin.id, 'during the outage');
    await eventually(() => seenOnB.length > 0);
    // Time for a relayed message to (not) arrive: proves Redis really is out of the path.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seenOnB.map((event) => event.data.data.content)).toEqual(['during the outage']);
    // New sockets still connect and authenticate.
    const onA = await connectSocket(pair.a.url!, { token: admin.token });
    sockets.push(onA);
    onA.emit('usage', { model: 'local-model' });
    // Reads fall back to this instance's view, within the command timeout, never hang.
    for (const path of ['/api/usage', '/api/v1/users/active']) {
      const started = Date.now();
      const response = await pair.a.http.get(path).set(...bearer(admin));
      expect(response.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(3000);
    }
    await eventually(async () => {
      const response = await pair.a.http.get('/api/usage').set(...bearer(admin));
      return response.body.model_ids?.includes('local-model') === true;
    });
    const active = await pair.a.http.get('/api/v1/users/active').set(...bearer(admin));
    expect(active.body.user_ids).toContain(admin.id);

    await relay.start();
    // Once the adapter's connections are back, cross-instance delivery resumes.
    let delivered = false;
    onB.on('events', () => (delivered = true));
    await eventually(() => {
      emitChatEvent(pair.a.app, admin.id, 'after the outage');
      return delivered;
    }, 15_000);
  }, 30_000);
});
