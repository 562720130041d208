// Socket fan-out: two real server processes (shared SQLite DATA_DIR, WEBSOCKET_MANAGER=redis on a
// real Redis), 1,000 socket.io-client sockets split over them (50 users x 20 sockets, 10 per
// instance). Events are published the way an Atrium instance's RealtimeEmitter relays an emit to
// the other instances (the @socket.io/redis-adapter message on `{prefix}:socket.io#/#user:{id}#`),
// so every delivery goes Redis -> instance -> socket. Measures delivery latency (one user at a
// time, and a burst to every user at once) and the servers' RSS growth per 1,000 sockets.
// Redis: BENCH_REDIS_URL, else TEST_REDIS_URL, else redis://127.0.0.1:6379.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import notepack from 'notepack.io';
import { io } from 'socket.io-client';
import { rssMegabytes, startServer } from './support/server-process.mjs';
import { summarize } from './support/stats.mjs';

const USERS = 50;
const SOCKETS_PER_USER = 20;
const SOCKETS = USERS * SOCKETS_PER_USER;
const ROUNDS = 200;

async function call(port, method, path, { token, body } = {}) {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: {
      'Content-Type': 'application/json',
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json().catch(() => undefined);
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}`);
  return json;
}

function connect(port, token) {
  const socket = io(`http://127.0.0.1:${port}`, {
    path: '/ws/socket.io',
    transports: ['websocket'],
    auth: { token },
    reconnection: false,
    forceNew: true,
    timeout: 20_000,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** The Redis adapter's wire message for an emit of `events` to room user:{id}. */
function adapterMessage(prefix, userId, sequence) {
  const packet = {
    type: 2,
    nsp: '/',
    data: [
      'events',
      {
        chat_id: 'bench',
        message_id: String(sequence),
        data: { type: 'chat:completion', data: { content: 'x'.repeat(64), sequence } },
      },
    ],
  };
  const options = { rooms: [`user:${userId}`], except: [], flags: {} };
  return {
    channel: `${prefix}:socket.io#/#user:${userId}#`,
    message: notepack.encode(['bench-emitter', packet, options]),
  };
}

async function runOnce({ root, redisUrl, log }) {
  const dataDir = await mkdtemp(join(tmpdir(), 'atrium-bench-'));
  const prefix = `atrium-bench-${process.pid}-${Date.now()}`;
  const env = {
    DATA_DIR: dataDir,
    WEBUI_SECRET_KEY: 'atrium-bench-secret',
    NODE_ENV: 'production',
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: prefix,
    WEBSOCKET_MANAGER: 'redis',
    GLOBAL_LOG_LEVEL: 'WARNING',
  };
  const entry = join(root, 'dist/apps/api/src/main.js');
  const servers = [];
  const sockets = [];
  const publisher = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    // One after the other: the first one migrates the shared database.
    for (let index = 0; index < 2; index += 1) {
      const server = await startServer({ entry, cwd: root, env });
      servers.push(server);
      await server.waitFor200('/health');
    }
    const [a, b] = servers;
    const admin = await call(a.port, 'POST', '/api/v1/auths/signup', {
      body: { name: 'admin', email: 'admin@example.com', password: 'Bench-Password-1' },
    });
    const users = [admin];
    for (let index = 1; index < USERS; index += 1) {
      const email = `user${index}@example.com`;
      await call(a.port, 'POST', '/api/v1/auths/add', {
        token: admin.token,
        body: { name: `user${index}`, email, password: 'Bench-Password-1', role: 'user' },
      });
      users.push(
        await call(a.port, 'POST', '/api/v1/auths/signin', {
          body: { email, password: 'Bench-Password-1' },
        }),
      );
    }
    await sleep(1_000);
    const rssBefore = [await rssMegabytes(a.pid), await rssMegabytes(b.pid)];

    const socketsByUser = new Map(users.map((user) => [user.id, []]));
    for (let start = 0; start < SOCKETS; start += 100) {
      const batch = [];
      for (let index = start; index < Math.min(SOCKETS, start + 100); index += 1) {
        const user = users[index % USERS];
        const server = servers[Math.floor(index / USERS) % 2];
        batch.push(
          connect(server.port, user.token).then((socket) => {
            socketsByUser.get(user.id).push(socket);
            return socket;
          }),
        );
      }
      sockets.push(...(await Promise.all(batch)));
    }
    await sleep(2_000);
    const rssAfter = [await rssMegabytes(a.pid), await rssMegabytes(b.pid)];
    const rssPerThousand =
      (rssAfter[0] + rssAfter[1] - rssBefore[0] - rssBefore[1]) / (SOCKETS / 1000);

    let pending = 0;
    let sentAt = 0;
    let done = () => undefined;
    const latencies = [];
    for (const socket of sockets) {
      socket.on('events', () => {
        latencies.push(performance.now() - sentAt);
        pending -= 1;
        if (pending === 0) done();
      });
    }
    const publish = async (userIds) => {
      let timer;
      const finished = new Promise((resolve, reject) => {
        done = resolve;
        timer = setTimeout(
          () => reject(new Error(`${pending} deliveries missing after 10 s`)),
          10_000,
        );
      }).finally(() => clearTimeout(timer));
      pending = userIds.length * SOCKETS_PER_USER;
      const pipeline = publisher.pipeline();
      for (const [offset, userId] of userIds.entries()) {
        const { channel, message } = adapterMessage(prefix, userId, offset);
        pipeline.publish(channel, message);
      }
      sentAt = performance.now();
      await pipeline.exec();
      await finished;
    };

    // Warm-up, then one user (20 sockets on both instances) per round.
    for (let round = 0; round < 20; round += 1) await publish([users[round % USERS].id]);
    latencies.length = 0;
    for (let round = 0; round < ROUNDS; round += 1) await publish([users[round % USERS].id]);
    const single = [...latencies].sort((x, y) => x - y);
    // Bursts: every user at once (1,000 deliveries), 10 times.
    latencies.length = 0;
    for (let round = 0; round < 10; round += 1) await publish(users.map((user) => user.id));
    const burst = [...latencies].sort((x, y) => x - y);

    const figures = {
      singleP50: percentile(single, 50),
      singleP99: percentile(single, 99),
      burstP50: percentile(burst, 50),
      burstP99: percentile(burst, 99),
      rssPerThousand,
      rssTotal: rssAfter[0] + rssAfter[1],
    };
    log(
      `one user/round p50 ${figures.singleP50.toFixed(2)} ms p99 ${figures.singleP99.toFixed(2)} ms; ` +
        `burst of ${SOCKETS} p50 ${figures.burstP50.toFixed(2)} ms p99 ${figures.burstP99.toFixed(2)} ms; ` +
        `RSS +${rssPerThousand.toFixed(1)} MB per 1,000 sockets (total ${figures.rssTotal.toFixed(1)} MB)`,
    );
    return figures;
  } finally {
    for (const socket of sockets) socket.close();
    for (const server of servers) await server.stop();
    const keys = await publisher.keys(`${prefix}*`).catch(() => []);
    if (keys.length > 0) await publisher.del(...keys).catch(() => undefined);
    publisher.disconnect();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export default {
  name: 'socket-fanout',
  description: `${SOCKETS} socket.io clients over 2 server processes sharing Redis: event delivery latency and RSS per 1,000 sockets`,
  needsBuild: true,
  async run({ root, runs = 5, log }) {
    const redisUrl =
      process.env.BENCH_REDIS_URL || process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';
    const results = [];
    // Each run boots two servers and 1,000 sockets: cap the repetitions.
    for (let run = 1; run <= Math.min(runs, 3); run += 1) {
      results.push(await runOnce({ root, redisUrl, log: (m) => log(`run ${run}: ${m}`) }));
    }
    const column = (key) => summarize(results.map((figures) => figures[key]));
    return [
      { metric: 'one user (20 sockets) delivery p50', unit: 'ms', ...column('singleP50') },
      { metric: 'one user (20 sockets) delivery p99', unit: 'ms', ...column('singleP99') },
      { metric: `burst to all ${SOCKETS} sockets p50`, unit: 'ms', ...column('burstP50') },
      { metric: `burst to all ${SOCKETS} sockets p99`, unit: 'ms', ...column('burstP99') },
      {
        metric: 'server RSS growth per 1,000 sockets (both)',
        unit: 'MB',
        ...column('rssPerThousand'),
      },
      { metric: `server RSS with ${SOCKETS} sockets (both)`, unit: 'MB', ...column('rssTotal') },
    ];
  },
};
