/**
 * UVICORN_WORKERS: the compiled server as a real process tree (a node:cluster primary and its
 * workers, SQLite, real Redis). Two workers serve one port; socket.io sessions stay on the
 * worker that owns them (long-polling from a default-transport socket.io-client, every request
 * on a new connection through the primary), requests of a session that arrive on another
 * worker's keep-alive connection are relayed, events cross workers through Redis, a killed
 * worker is replaced while the port keeps answering, and SIGTERM stops everything.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOllama, type FakeServer } from './fakes/fake-model-server.js';
import {
  buildServer,
  childPids,
  connectionToWorker,
  handshake,
  httpGet,
  httpRequest,
  isAlive,
  POLLING,
  startServer,
  stopIfRunning,
  waitForHealth,
  workerOf,
  type ServerBuild,
  type ServerProcess,
} from './support/cluster-server.js';
import {
  flushPrefix,
  redisPrefix,
  redisUrl as configuredRedisUrl,
  REDIS_VARIABLE,
  warnSkipped,
} from './support/test-databases.js';

const redisUrl = configuredRedisUrl();
if (!redisUrl) warnSkipped('multi-process mode (UVICORN_WORKERS) with two workers', REDIS_VARIABLE);

async function eventually(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const json = { 'content-type': 'application/json' };

/** Signs up the first user (an admin) and creates a chat of theirs. */
async function adminWithChat(port: number): Promise<{ token: string; chatId: string }> {
  const signup = await httpRequest(port, '/api/v1/auths/signup', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ name: 'Ada', email: 'ada@example.com', password: 'Cluster-pass-1' }),
  });
  expect(signup.status).toBe(200);
  const token = JSON.parse(signup.body).token as string;
  const chat = await httpRequest(port, '/api/v1/chats/new', {
    method: 'POST',
    headers: { ...json, authorization: `Bearer ${token}` },
    body: JSON.stringify({ chat: { title: 'cluster', messages: [] } }),
  });
  expect(chat.status).toBe(200);
  return { token, chatId: JSON.parse(chat.body).id as string };
}

/** POST /api/v1/chats/{id}/messages/m1/event: the server emits `events` to the chat owner. */
function sendChatEvent(
  port: number,
  token: string,
  chatId: string,
  description: string,
  agent?: Agent,
) {
  return httpRequest(port, `/api/v1/chats/${chatId}/messages/m1/event`, {
    method: 'POST',
    headers: { ...json, authorization: `Bearer ${token}` },
    body: JSON.stringify({ type: 'status', data: { description } }),
    agent,
  });
}

function expectedEvent(chatId: string, description: string) {
  return { chat_id: chatId, message_id: 'm1', data: { type: 'status', data: { description } } };
}

/** A socket.io-client with the library's default transports unless told otherwise. */
async function connect(port: number, token: string, transports?: string[]): Promise<Socket> {
  const socket = io(`http://127.0.0.1:${port}`, {
    path: '/ws/socket.io',
    auth: { token },
    reconnection: false,
    forceNew: true,
    ...(transports ? { transports } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

function clusterEnv(prefix: string, dataDir: string, extra: Record<string, string> = {}) {
  return {
    UVICORN_WORKERS: '2',
    REDIS_URL: redisUrl!,
    WEBSOCKET_MANAGER: 'redis',
    REDIS_KEY_PREFIX: prefix,
    DATA_DIR: dataDir,
    WEBUI_SECRET_KEY: 'cluster-test-secret',
    GLOBAL_LOG_LEVEL: 'WARNING',
    ...extra,
  };
}

describe('multi-process mode (UVICORN_WORKERS)', () => {
  let build: ServerBuild;
  const dataDirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'atrium-cluster-data-'));
    dataDirs.push(dir);
    return dir;
  };

  beforeAll(() => {
    build = buildServer();
  }, 120_000);

  afterAll(() => {
    build?.remove();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses more than one worker without REDIS_URL and WEBSOCKET_MANAGER=redis', async () => {
    const server = await startServer(build.entry, { UVICORN_WORKERS: '2', DATA_DIR: dataDir() });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain(
      'UVICORN_WORKERS: more than one worker needs REDIS_URL and WEBSOCKET_MANAGER=redis',
    );
  });

  it('rejects a worker count that is not an integer, by name', async () => {
    const server = await startServer(build.entry, { UVICORN_WORKERS: 'abc', DATA_DIR: dataDir() });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain('UVICORN_WORKERS: expected an integer, got "abc"');
  });

  describe.skipIf(!redisUrl)('two workers sharing Redis', () => {
    const prefix = redisPrefix();
    let server: ServerProcess;
    let token: string;
    let chatId: string;
    let ollama: FakeServer;
    const sockets: Socket[] = [];

    beforeAll(async () => {
      ollama = await startFakeOllama({
        models: ['slow:latest'],
        tokens: Array.from({ length: 12 }, (_, index) => `t${index} `),
        tokenDelayMs: 100,
      });
      // Long-polling only: every socket.io request is plain HTTP that must find its worker.
      server = await startServer(
        build.entry,
        clusterEnv(prefix, dataDir(), {
          ENABLE_WEBSOCKET_SUPPORT: 'false',
          OLLAMA_BASE_URLS: ollama.url,
        }),
      );
      await waitForHealth(server);
      ({ token, chatId } = await adminWithChat(server.port));
    }, 60_000);

    afterAll(async () => {
      for (const socket of sockets) socket.close();
      // Normally the last test has stopped it.
      await stopIfRunning(server);
      await ollama?.close();
      await flushPrefix(redisUrl!, prefix);
    });

    it('forks two workers that both serve the one port', async () => {
      expect(childPids(server.pid)).toHaveLength(2);
      // Each new connection goes to the next worker; the session id names the one that answered.
      const workers = new Set<number>();
      for (let index = 0; index < 6; index += 1)
        workers.add(workerOf(await handshake(server.port)));
      expect(workers.size).toBe(2);
      expect((await httpGet(server.port, '/health')).status).toBe(200);
    });

    it('keeps a default-transport socket.io session on its worker and delivers an event emitted by the other', async () => {
      // Default transports: long-polling (the server offers nothing else here); the Node client
      // opens a new connection per request, so each poll is routed by the primary.
      const socket = await connect(server.port, token);
      sockets.push(socket);
      expect(socket.io.engine.transport.name).toBe('polling');
      const home = workerOf(socket.io.engine.id);

      // A keep-alive connection that the other worker holds carries the request that emits.
      const other = await connectionToWorker(server.port, (worker) => worker !== home);
      const received: unknown[] = [];
      socket.on('events', (payload: unknown) => received.push(payload));
      const description = `from worker ${other.worker}`;
      // The socket joins its user's room right after connecting: send until one arrives.
      await eventually(async () => {
        const reply = await sendChatEvent(server.port, token, chatId, description, other.agent);
        expect({ ...reply, headers: undefined }).toEqual({
          status: 200,
          body: 'true',
          reusedSocket: true,
          headers: undefined,
        });
        await new Promise((resolve) => setTimeout(resolve, 200));
        return received.length > 0;
      });
      other.agent.destroy();
      expect(received[0]).toEqual(expectedEvent(chatId, description));
      // The session survived many polls through the primary: still the same, on the same worker.
      expect(socket.connected).toBe(true);
      expect(workerOf(socket.io.engine.id)).toBe(home);
    });

    it('routes each new connection naming a session straight to the worker that owns it', async () => {
      const sid = await handshake(server.port);
      for (let index = 0; index < 4; index += 1) {
        const agent = new Agent({ keepAlive: true });
        // A pong ("3") is harmless; served by the owner itself, the connection stays open
        // (a relayed reply would close it).
        const reply = await httpRequest(server.port, `${POLLING}&sid=${sid}`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain;charset=UTF-8' },
          body: '3',
          agent,
        });
        agent.destroy();
        expect(reply).toMatchObject({ status: 200, body: 'ok' });
        expect(reply.headers.connection).toBe('keep-alive');
      }
    });

    it("relays a session's request that arrives on another worker's keep-alive connection", async () => {
      const sid = await handshake(server.port);
      const owner = workerOf(sid);
      const other = await connectionToWorker(server.port, (worker) => worker !== owner);
      // socket.io CONNECT for the main namespace, posted on the other worker's connection.
      const posted = await httpRequest(server.port, `${POLLING}&sid=${sid}`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain;charset=UTF-8' },
        body: '40',
        agent: other.agent,
      });
      expect({ ...posted, headers: undefined }).toEqual({
        status: 200,
        body: 'ok',
        reusedSocket: true,
        headers: undefined,
      });
      // The reply closes that connection, so the client's next request goes through the primary.
      expect(posted.headers.connection).toBe('close');
      other.agent.destroy();

      const again = await connectionToWorker(server.port, (worker) => worker !== owner);
      const polled = await httpGet(server.port, `${POLLING}&sid=${sid}`, again.agent);
      again.agent.destroy();
      expect(polled.status).toBe(200);
      expect(polled.body).toMatch(/^40\{"sid":"/); // the owner handled the CONNECT

      const gone = await httpGet(server.port, `${POLLING}&sid=w999_${'x'.repeat(20)}`);
      expect(gone.status).toBe(400);
      expect(JSON.parse(gone.body)).toEqual({ code: 1, message: 'Session ID unknown' });
    });

    it('replaces a killed worker while the port keeps answering', async () => {
      const [victim, survivor] = childPids(server.pid);
      process.kill(victim, 'SIGKILL');
      await eventually(() => !childPids(server.pid).includes(victim));
      // The primary has reaped it: every new connection goes to a live worker.
      for (let index = 0; index < 10; index += 1) {
        expect((await httpGet(server.port, '/health')).status).toBe(200);
      }
      await eventually(() => childPids(server.pid).length === 2, 20_000);
      const replacement = childPids(server.pid).find((pid) => pid !== survivor)!;
      expect(replacement).not.toBe(victim);
      // The replacement takes connections too: handshakes name two workers again.
      await eventually(async () => {
        const workers = new Set<number>();
        for (let index = 0; index < 4; index += 1)
          workers.add(workerOf(await handshake(server.port)));
        return workers.size === 2;
      }, 20_000);
      expect(server.output()).toMatch(
        /worker \d+ \(pid \d+\) died \(SIGKILL\); starting a replacement/,
      );
    }, 45_000);

    it('stops the primary and every worker on SIGTERM, letting a stream in flight finish', async () => {
      for (const socket of sockets.splice(0)) socket.close();
      const workers = childPids(server.pid);
      expect(workers).toHaveLength(2);
      const stream = await fetch(`http://127.0.0.1:${server.port}/api/chat/completions`, {
        method: 'POST',
        headers: { ...json, authorization: `Bearer ${token}` },
        body: JSON.stringify({
          model: 'slow:latest',
          stream: true,
          messages: [{ role: 'user', content: 'hi' }],
        }),
      });
      expect(stream.status).toBe(200);
      const reader = stream.body!.getReader();
      let text = new TextDecoder().decode((await reader.read()).value);
      server.kill('SIGTERM');
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        text += new TextDecoder().decode(chunk.value);
      }
      expect(text).toContain('t11 ');
      expect(text).toContain('data: [DONE]');
      expect(await server.exited).toBe('SIGTERM');
      for (const pid of workers) expect(isAlive(pid)).toBe(false);
    }, 30_000);
  });

  describe.skipIf(!redisUrl)('two workers with the websocket transport (the default)', () => {
    const prefix = redisPrefix();
    let server: ServerProcess;
    const sockets: Socket[] = [];

    beforeAll(async () => {
      server = await startServer(build.entry, clusterEnv(prefix, dataDir()));
      await waitForHealth(server);
    }, 60_000);

    afterAll(async () => {
      for (const socket of sockets) socket.close();
      await stopIfRunning(server);
      await flushPrefix(redisUrl!, prefix);
    });

    it('delivers an event to websocket clients on both workers', async () => {
      const { token, chatId } = await adminWithChat(server.port);
      // Open WebUI's frontend connects with the websocket transport only; each new connection
      // goes to the next worker, so a few sockets cover both.
      const homes = new Set<number>();
      while (homes.size < 2 && sockets.length < 6) {
        const socket = await connect(server.port, token, ['websocket']);
        sockets.push(socket);
        expect(socket.io.engine.transport.name).toBe('websocket');
        homes.add(workerOf(socket.io.engine.id));
      }
      expect(homes.size).toBe(2);
      const received = sockets.map(() => [] as unknown[]);
      sockets.forEach((socket, index) =>
        socket.on('events', (payload: unknown) => received[index].push(payload)),
      );
      await eventually(async () => {
        expect((await sendChatEvent(server.port, token, chatId, 'to all')).status).toBe(200);
        await new Promise((resolve) => setTimeout(resolve, 200));
        return received.every((events) => events.length > 0);
      });
      for (const events of received) expect(events[0]).toEqual(expectedEvent(chatId, 'to all'));
    });
  });
});
