// Chat list and search on SQLite: one user with 10,000 chats of 50 messages each (inserted
// straight into the database file), then timed requests against the compiled server:
// GET /api/v1/chats/?page=1, /pinned, /search?text=..., and GET /{id} of a 200-message chat.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import pg from 'pg';
import { startServer } from './support/server-process.mjs';

const CHATS = 10_000;
const MESSAGES = 50;
const SAMPLES = 200;

function call(port, method, path, { token, body } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        headers: {
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
          ...(payload ? { 'Content-Type': 'application/json' } : {}),
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

function history(chatIndex, count) {
  const messages = {};
  let parentId = null;
  let currentId = null;
  for (let index = 0; index < count; index += 1) {
    const id = randomUUID();
    const role = index % 2 === 0 ? 'user' : 'assistant';
    messages[id] = {
      id,
      parentId,
      childrenIds: [],
      role,
      content: `Message ${index} of chat ${chatIndex}: ${'lorem ipsum dolor sit amet '.repeat(8)}`,
      timestamp: 1_700_000_000 + index,
      ...(role === 'assistant' ? { model: 'llama3', done: true } : {}),
    };
    if (parentId) messages[parentId].childrenIds.push(id);
    parentId = id;
    currentId = id;
  }
  return { messages, currentId };
}

function searchText(chat) {
  return Object.values(chat.history.messages)
    .map((message) => message.content)
    .join('\n')
    .toLowerCase();
}

/** The seeded rows: [chat row, search row] pairs; the first chat has 200 messages. */
function* seedRows(userId) {
  for (let index = 0; index < CHATS; index += 1) {
    const id = randomUUID();
    const count = index === 0 ? 200 : MESSAGES;
    const chat = {
      title: `Chat number ${index}`,
      models: ['llama3'],
      history: history(index, count),
    };
    if (index === 4_321) chat.history.messages[chat.history.currentId].content += ' needle';
    const at = 1_700_000_000 + index;
    yield {
      id,
      values: [id, userId, chat.title, JSON.stringify(chat), index % 500 === 0, '{}', at, at],
      search: [id, userId, searchText(chat)],
    };
  }
}

const CHAT_COLUMNS =
  'id, user_id, title, chat, share_id, archived, pinned, folder_id, meta, created_at, updated_at';

function seedSqlite(file, userId) {
  const db = new Database(file);
  const insertChat = db.prepare(
    `INSERT INTO chat (${CHAT_COLUMNS}) VALUES (?, ?, ?, ?, NULL, 0, ?, NULL, ?, ?, ?)`,
  );
  const insertSearch = db.prepare(
    'INSERT INTO chat_search (chat_id, user_id, body) VALUES (?, ?, ?)',
  );
  let bigId;
  db.transaction(() => {
    for (const row of seedRows(userId)) {
      const [id, user, title, chat, pinned, meta, created, updated] = row.values;
      insertChat.run(id, user, title, chat, pinned ? 1 : 0, meta, created, updated);
      insertSearch.run(...row.search);
      bigId ??= row.id;
    }
  })();
  db.close();
  return bigId;
}

async function seedPostgres(url, userId) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let bigId;
  try {
    await client.query('BEGIN');
    for (const row of seedRows(userId)) {
      const [id, user, title, chat, pinned, meta, created, updated] = row.values;
      await client.query(
        `INSERT INTO chat (${CHAT_COLUMNS}) VALUES ($1, $2, $3, $4, NULL, false, $5, NULL, $6, $7, $8)`,
        [id, user, title, chat, pinned, meta, created, updated],
      );
      await client.query(
        'INSERT INTO chat_search (chat_id, user_id, body) VALUES ($1, $2, $3)',
        row.search,
      );
      bigId ??= row.id;
    }
    await client.query('COMMIT');
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
  return bigId;
}

function percentile(sorted, fraction) {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

async function time(port, token, path, log) {
  for (let warm = 0; warm < 10; warm += 1) await call(port, 'GET', path, { token });
  const samples = [];
  for (let run = 0; run < SAMPLES; run += 1) {
    const started = performance.now();
    const response = await call(port, 'GET', path, { token });
    samples.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
  }
  samples.sort((a, b) => a - b);
  const round = (value) => Math.round(value * 10) / 10;
  const row = {
    median: round(percentile(samples, 0.5)),
    p99: round(percentile(samples, 0.99)),
    min: round(samples[0]),
    max: round(samples.at(-1)),
    samples: samples.map(round),
  };
  log(`${path}: p50 ${row.median} ms, p99 ${row.p99} ms`);
  return row;
}

/** A fresh PostgreSQL database on the server TEST_POSTGRES_URL names (dropped afterwards). */
async function createPostgresDatabase(adminUrl) {
  const name = `atrium_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

async function measure({ root, log, engine, env, seed }) {
  const entry = join(root, 'dist/apps/api/src/main.js');
  let server = await startServer({ entry, cwd: root, env });
  let token;
  let userId;
  try {
    await server.waitFor200('/health');
    const signup = await call(server.port, 'POST', '/api/v1/auths/signup', {
      body: { name: 'Bench', email: 'bench@example.com', password: 'Bench-password-1' },
    });
    ({ token, id: userId } = JSON.parse(signup.text));
  } finally {
    await server.stop();
  }
  const seeded = performance.now();
  const bigId = await seed(userId);
  log(`${engine}: seeded ${CHATS} chats in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);

  server = await startServer({ entry, cwd: root, env });
  try {
    await server.waitFor200('/health');
    const port = server.port;
    const first = JSON.parse((await call(port, 'GET', '/api/v1/chats/?page=1', { token })).text);
    if (first.length !== 60) throw new Error(`page 1 held ${first.length} chats`);
    const found = JSON.parse(
      (await call(port, 'GET', '/api/v1/chats/search?text=needle', { token })).text,
    );
    if (found.length !== 1) throw new Error(`search found ${found.length} chats`);
    const rows = [];
    for (const [metric, path] of [
      ['GET /api/v1/chats/?page=1', '/api/v1/chats/?page=1'],
      ['GET /api/v1/chats/pinned', '/api/v1/chats/pinned'],
      ['GET /api/v1/chats/search?text=needle (message text)', '/api/v1/chats/search?text=needle'],
      [
        'GET /api/v1/chats/search?text=number%2042 (title)',
        '/api/v1/chats/search?text=number%2042',
      ],
      ['GET /api/v1/chats/{id} (200 messages)', `/api/v1/chats/${bigId}`],
    ]) {
      rows.push({
        metric: `${engine}: ${metric}`,
        unit: 'ms',
        ...(await time(port, token, path, log)),
      });
    }
    return rows;
  } finally {
    await server.stop();
  }
}

export default {
  name: 'chat-list',
  description: `one user with ${CHATS} chats of ${MESSAGES} messages on SQLite (and PostgreSQL when TEST_POSTGRES_URL is set): chat list, pinned, search, one 200-message chat (p50/p99 of ${SAMPLES} sequential requests)`,
  needsBuild: true,
  async run({ root, log }) {
    const base = { WEBUI_SECRET_KEY: 'atrium-bench-secret', NODE_ENV: 'production' };
    const rows = [];
    const dataDir = await mkdtemp(join(tmpdir(), 'atrium-bench-chats-'));
    try {
      rows.push(
        ...(await measure({
          root,
          log,
          engine: 'sqlite',
          env: { ...base, DATA_DIR: dataDir },
          seed: (userId) => seedSqlite(join(dataDir, 'webui.db'), userId),
        })),
      );
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
    const postgresUrl = process.env.TEST_POSTGRES_URL?.trim();
    if (!postgresUrl) {
      log('PostgreSQL skipped: set TEST_POSTGRES_URL to an admin URL to include it');
      return rows;
    }
    const database = await createPostgresDatabase(postgresUrl);
    const pgDataDir = await mkdtemp(join(tmpdir(), 'atrium-bench-chats-pg-'));
    try {
      rows.push(
        ...(await measure({
          root,
          log,
          engine: 'postgres',
          env: { ...base, DATA_DIR: pgDataDir, DATABASE_URL: database.url },
          seed: (userId) => seedPostgres(database.url, userId),
        })),
      );
    } finally {
      await database.drop();
      await rm(pgDataDir, { recursive: true, force: true });
    }
    return rows;
  },
};
