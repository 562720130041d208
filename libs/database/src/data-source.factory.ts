import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AppConfig } from '@atrium/config';
import { DataSource, type DataSourceOptions, type MixedList, type EntitySchema } from 'typeorm';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type EntityList = MixedList<Function | string | EntitySchema>;
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type MigrationList = MixedList<Function | string>;

/** Builds TypeORM options for the configured engine. `synchronize` is never on. */
export function buildDataSourceOptions(
  database: AppConfig['database'],
  entities: EntityList,
  migrations: MigrationList,
): DataSourceOptions {
  const common = {
    entities,
    migrations,
    synchronize: false,
    migrationsRun: false,
    logging: false as const,
    migrationsTableName: 'atrium_migrations',
  };
  const poolMax = (database.poolSize ?? 10) + database.maxOverflow;
  switch (database.engine) {
    case 'sqlite': {
      const path = database.sqlitePath ?? ':memory:';
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      return {
        ...common,
        type: 'better-sqlite3',
        database: path,
        enableWAL: database.sqliteWal && path !== ':memory:',
        timeout: database.timeoutSeconds * 1000,
        prepareDatabase: (db: { pragma: (statement: string) => unknown }) => {
          db.pragma('foreign_keys = ON');
          db.pragma('synchronous = NORMAL');
        },
      };
    }
    case 'postgres':
      return {
        ...common,
        type: 'postgres',
        url: database.url,
        schema: database.schema,
        poolSize: poolMax,
        extra: {
          connectionTimeoutMillis: database.timeoutSeconds * 1000,
          idleTimeoutMillis: 30_000,
          maxLifetimeSeconds: database.recycleSeconds > 0 ? database.recycleSeconds : 0,
        },
      };
    case 'mysql':
      return {
        ...common,
        type: 'mysql',
        url: database.url,
        charset: 'utf8mb4_unicode_ci',
        poolSize: poolMax,
        supportBigNumbers: true,
        bigNumberStrings: false,
        extra: {
          connectTimeout: database.timeoutSeconds * 1000,
          maxIdle: poolMax,
          idleTimeout: 60_000,
        },
      };
  }
}

export function createDataSource(
  database: AppConfig['database'],
  entities: EntityList,
  migrations: MigrationList,
): DataSource {
  return new DataSource(buildDataSourceOptions(database, entities, migrations));
}
