import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@atrium/config';
import { createDataSource, runMigrations } from '@atrium/database';
import type { DataSource } from 'typeorm';
import { MIGRATIONS } from '../migrations/index.js';
import {
  createTestDatabase,
  engineMatrix,
  warnSkipped,
  type TestDatabase,
} from './support/test-databases.js';

async function tableExists(dataSource: DataSource, table: string): Promise<boolean> {
  const runner = dataSource.createQueryRunner();
  try {
    return await runner.hasTable(table);
  } finally {
    await runner.release();
  }
}

const FOUNDATION_TABLES = [
  'user',
  'auth',
  'api_key',
  'group',
  'group_member',
  'config',
  'revoked_token',
];

for (const { engine, enabled, variable } of engineMatrix()) {
  if (!enabled) warnSkipped(`migrations on ${engine}`, variable);

  describe.skipIf(!enabled)(`migrations on ${engine}`, () => {
    let database: TestDatabase;
    let dataSource: DataSource;

    beforeAll(async () => {
      database = await createTestDatabase(engine);
      const config = loadConfig({
        DATABASE_URL: database.url,
        WEBUI_SECRET_KEY: 'x',
        DATA_DIR: database.dir ?? '/tmp',
      });
      dataSource = createDataSource(config.database, [], MIGRATIONS);
      await dataSource.initialize();
    });

    afterAll(async () => {
      if (dataSource?.isInitialized) await dataSource.destroy();
      await database?.drop();
    });

    it('applies every migration on an empty database, then nothing on a second run', async () => {
      const applied = await runMigrations(dataSource);
      expect(applied).toEqual(MIGRATIONS.map((migration) => migration.name));
      for (const table of FOUNDATION_TABLES) {
        expect(await tableExists(dataSource, table), table).toBe(true);
      }
      expect(await runMigrations(dataSource)).toEqual([]);
    });

    it('stores JSON larger than 64 KiB and reads epoch seconds back as numbers', async () => {
      const big = 'x'.repeat(70_000);
      const runner = dataSource.createQueryRunner();
      await dataSource
        .createQueryBuilder()
        .insert()
        .into('config')
        .values({ key: 'test.big', value: JSON.stringify({ big }), updated_at: 1_763_700_000 })
        .execute();
      const [row] = (await runner.query(
        engine === 'postgres'
          ? 'SELECT value FROM config WHERE key = $1'
          : 'SELECT value FROM config WHERE `key` = ?'.replace(
              /`/g,
              engine === 'sqlite' ? '"' : '`',
            ),
        ['test.big'],
      )) as { value: string }[];
      expect((JSON.parse(row.value) as { big: string }).big.length).toBe(70_000);
      await runner.release();
    });

    it('enforces unique emails and cascades credential deletes with the user', async () => {
      const insertUser = (id: string, email: string) =>
        dataSource
          .createQueryBuilder()
          .insert()
          .into('user')
          .values({
            id,
            email,
            name: id,
            role: 'user',
            last_active_at: 1,
            updated_at: 1,
            created_at: 1,
          })
          .execute();
      await insertUser('u1', 'a@example.com');
      await expect(insertUser('u2', 'a@example.com')).rejects.toThrow();
      await dataSource
        .createQueryBuilder()
        .insert()
        .into('auth')
        .values({ id: 'u1', email: 'a@example.com', password: 'h', active: true })
        .execute();
      await dataSource
        .createQueryBuilder()
        .delete()
        .from('user')
        .where('id = :id', { id: 'u1' })
        .execute();
      const remaining = await dataSource
        .createQueryBuilder()
        .select('id')
        .from('auth', 'a')
        .getRawMany();
      expect(remaining).toEqual([]);
    });

    it('rolls every migration back down to an empty schema', async () => {
      for (let index = 0; index < MIGRATIONS.length; index += 1)
        await dataSource.undoLastMigration({ transaction: 'each' });
      for (const table of FOUNDATION_TABLES) {
        expect(await tableExists(dataSource, table), table).toBe(false);
      }
    });
  });
}
