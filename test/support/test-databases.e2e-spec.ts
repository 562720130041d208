import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createMysqlDatabase,
  createPostgresDatabase,
  createTestDatabase,
  engineMatrix,
  engines,
  flushPrefix,
  redisPrefix,
  redisUrl,
  REDIS_VARIABLE,
  warnSkipped,
} from './test-databases.js';

describe('engines()', () => {
  it('always includes sqlite and follows the TEST_*_URL variables', () => {
    const list = engines();
    expect(list[0]).toBe('sqlite');
    expect(list.includes('postgres')).toBe(Boolean(process.env.TEST_POSTGRES_URL));
    expect(list.includes('mysql')).toBe(Boolean(process.env.TEST_MYSQL_URL));
  });
});

describe('unreachable servers fail instead of skipping', () => {
  it('postgres', async () => {
    await expect(createPostgresDatabase('postgresql://postgres@127.0.0.1:1/test')).rejects.toThrow(
      /TEST_POSTGRES_URL=.*cannot be used/,
    );
  });
  it('mysql', async () => {
    await expect(createMysqlDatabase('mysql://root@127.0.0.1:1/test')).rejects.toThrow(
      /TEST_MYSQL_URL=.*cannot be used/,
    );
  });
  it('redis', async () => {
    await expect(flushPrefix('redis://127.0.0.1:1', 'x')).rejects.toThrow(
      /TEST_REDIS_URL=.*cannot be used/,
    );
  });
});

async function postgresDatabaseExists(adminUrl: string, name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const result = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return result.rowCount === 1;
  } finally {
    await client.end();
  }
}

async function mysqlDatabaseExists(adminUrl: string, name: string): Promise<boolean> {
  const connection = await mysql.createConnection(adminUrl);
  try {
    const [rows] = await connection.query<mysql.RowDataPacket[]>(
      'SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
      [name],
    );
    return rows.length === 1;
  } finally {
    await connection.end();
  }
}

for (const { engine, enabled, variable } of engineMatrix()) {
  if (!enabled) warnSkipped(`test-databases (${engine})`, variable);

  describe.skipIf(!enabled)(`createTestDatabase('${engine}')`, () => {
    it('creates an isolated database usable through its URL, and drops it', async () => {
      const db = await createTestDatabase(engine);
      const other = await createTestDatabase(engine);
      expect(db.url).not.toBe(other.url);
      await other.drop();

      if (engine === 'sqlite') {
        expect(db.url).toBe(`sqlite:///${db.name}`);
        const sqlite = new Database(db.name);
        sqlite.exec('CREATE TABLE probe (id INTEGER PRIMARY KEY)');
        sqlite.close();
        expect(existsSync(db.name)).toBe(true);
        await db.drop();
        expect(existsSync(db.name)).toBe(false);
        return;
      }

      const adminUrl = process.env[variable!]!;
      expect(db.name).toMatch(/^atrium_t_[0-9a-f]{12}$/);
      expect(new URL(db.url).pathname).toBe(`/${db.name}`);

      if (engine === 'postgres') {
        expect(await postgresDatabaseExists(adminUrl, db.name)).toBe(true);
        // Left open on purpose: drop() must still succeed (WITH (FORCE)).
        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        client.on('error', () => undefined);
        const result = await client.query<{ db: string }>('SELECT current_database() AS db');
        expect(result.rows[0]?.db).toBe(db.name);
        await db.drop();
        await client.end().catch(() => undefined);
        expect(await postgresDatabaseExists(adminUrl, db.name)).toBe(false);
      } else {
        expect(await mysqlDatabaseExists(adminUrl, db.name)).toBe(true);
        const connection = await mysql.createConnection(db.url);
        const [rows] = await connection.query<mysql.RowDataPacket[]>('SELECT DATABASE() AS db');
        expect(rows[0]?.db).toBe(db.name);
        await connection.end();
        await db.drop();
        expect(await mysqlDatabaseExists(adminUrl, db.name)).toBe(false);
      }
      await db.drop(); // idempotent
    });
  });
}

const redis = redisUrl();
if (!redis) warnSkipped('test-databases (redis)', REDIS_VARIABLE);

describe.skipIf(!redis)('redisPrefix() and flushPrefix()', () => {
  const client = redis ? new Redis(redis) : undefined;
  afterAll(async () => {
    await client?.quit();
  });

  it('deletes only the keys under the prefix', async () => {
    const mine = redisPrefix();
    const theirs = redisPrefix();
    expect(mine).not.toBe(theirs);
    for (let index = 0; index < 1_200; index += 1) await client!.set(`${mine}:k${index}`, '1');
    await client!.set(`${theirs}:keep`, '1');

    expect(await flushPrefix(redis!, mine)).toBe(1_200);
    expect(await client!.keys(`${mine}*`)).toEqual([]);
    expect(await client!.get(`${theirs}:keep`)).toBe('1');
    expect(await flushPrefix(redis!, theirs)).toBe(1);
  });
});
