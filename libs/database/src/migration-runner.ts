import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';

const LOCK_NAME = 'atrium_migrations';
const LOCK_KEY = 727_113_001; // arbitrary, stable pg advisory lock key

/**
 * Applies pending migrations under a database-wide lock, so several instances starting
 * together do not race (PostgreSQL advisory lock, MySQL GET_LOCK; SQLite serialises writers).
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const logger = new Logger('Migrations');
  const engine = dataSource.options.type;
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    if (engine === 'postgres') await runner.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    if (engine === 'mysql') await runner.query('SELECT GET_LOCK(?, 120)', [LOCK_NAME]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    for (const migration of applied) logger.log(`applied ${migration.name}`);
    return applied.map((migration) => migration.name);
  } finally {
    if (engine === 'postgres') await runner.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]);
    if (engine === 'mysql') await runner.query('SELECT RELEASE_LOCK(?)', [LOCK_NAME]);
    await runner.release();
  }
}

/**
 * With ENABLE_DB_MIGRATIONS=false another process (a Kubernetes job) owns migrations; starting
 * on an outdated schema would fail later in obscure ways, so refuse clearly instead.
 */
export async function assertSchemaCurrent(dataSource: DataSource): Promise<void> {
  if (await dataSource.showMigrations()) {
    throw new Error(
      'The database schema is not up to date and ENABLE_DB_MIGRATIONS=false: ' +
        'run `npm run migration:run` (or the migration job) first, or set ENABLE_DB_MIGRATIONS=true.',
    );
  }
}
