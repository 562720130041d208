/**
 * Isolated databases and Redis key prefixes for end-to-end suites.
 *
 * SQLite is always tested. PostgreSQL and MySQL/MariaDB are tested when TEST_POSTGRES_URL /
 * TEST_MYSQL_URL name an admin connection (CI sets both). Each suite gets a database of its own,
 * so test files can run in parallel against one server. A variable that is set but points at a
 * server that cannot be reached is an error, never a skip.
 *
 * Typical use:
 *
 *   for (const { engine, enabled, variable } of engineMatrix()) {
 *     if (!enabled) warnSkipped(engine, variable);
 *     describe.skipIf(!enabled)(`chats on ${engine}`, () => {
 *       let db: TestDatabase;
 *       beforeAll(async () => { db = await createTestDatabase(engine); });
 *       afterAll(async () => { await db?.drop(); });
 *       ...
 *     });
 *   }
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';

export type Engine = 'sqlite' | 'postgres' | 'mysql';

export interface TestDatabase {
  engine: Engine;
  /** The value to give the app as DATABASE_URL. */
  url: string;
  /** Database name (postgres/mysql) or file path (sqlite). */
  name: string;
  /** For SQLite: the temporary folder holding the file; use it as DATA_DIR if you like. */
  dir?: string;
  /** Removes the database (idempotent). */
  drop(): Promise<void>;
}

export interface EngineAvailability {
  engine: Engine;
  /** The environment variable that enables this engine (undefined for sqlite). */
  variable: string | undefined;
  enabled: boolean;
}

const ENGINE_VARIABLES: Record<Engine, string | undefined> = {
  sqlite: undefined,
  postgres: 'TEST_POSTGRES_URL',
  mysql: 'TEST_MYSQL_URL',
};

export const REDIS_VARIABLE = 'TEST_REDIS_URL';

const CONNECT_TIMEOUT_MS = 5_000;

function configured(variable: string | undefined): string | undefined {
  if (variable === undefined) return undefined;
  const value = process.env[variable]?.trim();
  return value ? value : undefined;
}

/** Every engine with whether it is enabled here, for `describe.skipIf`. */
export function engineMatrix(): EngineAvailability[] {
  return (Object.keys(ENGINE_VARIABLES) as Engine[]).map((engine) => {
    const variable = ENGINE_VARIABLES[engine];
    return { engine, variable, enabled: engine === 'sqlite' || configured(variable) !== undefined };
  });
}

/** The engines to test: always sqlite, plus postgres/mysql when their TEST_*_URL is set. */
export function engines(): Engine[] {
  return engineMatrix()
    .filter((entry) => entry.enabled)
    .map((entry) => entry.engine);
}

/** Says loudly that a suite is skipped because `variable` is not set. */
export function warnSkipped(what: string, variable: string | undefined): void {
  console.warn(
    `\n*** SKIPPED: ${what} tests do not run because ${variable ?? '(no variable)'} is not set. ` +
      `CI sets it; set it locally to run them. ***\n`,
  );
}

/** A name no other test run will pick: atrium_t_<12 hex>. */
export function uniqueName(prefix = 'atrium_t_'): string {
  return `${prefix}${randomBytes(6).toString('hex')}`;
}

/** Creates an isolated, empty database on `engine`. */
export async function createTestDatabase(engine: Engine): Promise<TestDatabase> {
  switch (engine) {
    case 'sqlite':
      return createSqliteDatabase();
    case 'postgres':
      return createPostgresDatabase(requireVariable('TEST_POSTGRES_URL'));
    case 'mysql':
      return createMysqlDatabase(requireVariable('TEST_MYSQL_URL'));
  }
}

function requireVariable(variable: string): string {
  const value = configured(variable);
  if (value === undefined) throw new Error(`${variable} is not set`);
  return value;
}

/** A fresh temporary folder with `webui.db` in it: `sqlite:////tmp/atrium-t-xxxx/webui.db`. */
export async function createSqliteDatabase(): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'atrium-t-'));
  const file = join(dir, 'webui.db');
  return {
    engine: 'sqlite',
    url: `sqlite:///${file}`,
    name: file,
    dir,
    drop: () => rm(dir, { recursive: true, force: true }),
  };
}

function withDatabase(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

function unreachable(variable: string, url: string, error: unknown): Error {
  const safe = url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(`${variable}=${safe} is set but the server cannot be used: ${reason}`, {
    cause: error,
  });
}

async function withPostgres<T>(adminUrl: string, run: (client: pg.Client) => Promise<T>) {
  const client = new pg.Client({
    connectionString: adminUrl,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw unreachable('TEST_POSTGRES_URL', adminUrl, error);
  }
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** `CREATE DATABASE atrium_t_<random>` through the admin URL; drop() uses WITH (FORCE). */
export async function createPostgresDatabase(adminUrl: string): Promise<TestDatabase> {
  const name = uniqueName();
  await withPostgres(adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  let dropped = false;
  return {
    engine: 'postgres',
    url: withDatabase(adminUrl, name),
    name,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await withPostgres(adminUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      );
    },
  };
}

async function withMysql<T>(adminUrl: string, run: (connection: mysql.Connection) => Promise<T>) {
  let connection: mysql.Connection;
  try {
    connection = await mysql.createConnection({
      uri: adminUrl,
      connectTimeout: CONNECT_TIMEOUT_MS,
    });
  } catch (error) {
    throw unreachable('TEST_MYSQL_URL', adminUrl, error);
  }
  try {
    return await run(connection);
  } finally {
    await connection.end();
  }
}

/** `CREATE DATABASE atrium_t_<random>` (utf8mb4) through the admin URL. */
export async function createMysqlDatabase(adminUrl: string): Promise<TestDatabase> {
  const name = uniqueName();
  await withMysql(adminUrl, (connection) =>
    connection.query(
      `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    ),
  );
  let dropped = false;
  return {
    engine: 'mysql',
    url: withDatabase(adminUrl, name),
    name,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await withMysql(adminUrl, (connection) =>
        connection.query(`DROP DATABASE IF EXISTS \`${name}\``),
      );
    },
  };
}

/** TEST_REDIS_URL when set, else undefined (suites then skip with warnSkipped). */
export function redisUrl(): string | undefined {
  return configured(REDIS_VARIABLE);
}

/** A REDIS_KEY_PREFIX unique to the calling test file (or run): `atrium-t-<12 hex>`. */
export function redisPrefix(): string {
  return uniqueName('atrium-t-');
}

async function connectRedis(url: string): Promise<Redis> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  // Without a listener, ioredis reports connection errors as unhandled 'error' events.
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    client.disconnect();
    throw unreachable(REDIS_VARIABLE, url, error);
  }
  return client;
}

/** Throws when the Redis server at `url` does not answer PING. */
export async function assertRedisReachable(url: string): Promise<void> {
  const client = await connectRedis(url);
  await client.quit();
}

/** Deletes every key starting with `prefix` (SCAN + DEL). Returns how many were deleted. */
export async function flushPrefix(url: string, prefix: string): Promise<number> {
  if (!prefix) throw new Error('flushPrefix needs a non-empty prefix');
  const client = await connectRedis(url);
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    await client.quit();
  }
  return deleted;
}
