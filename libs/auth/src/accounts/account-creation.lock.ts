import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** pg_advisory_lock key; the migration runner uses 727_113_001. */
const POSTGRES_LOCK_KEY = 727_113_002;
const MYSQL_LOCK_NAME = 'atrium_account_creation';
const MYSQL_LOCK_TIMEOUT_SECONDS = 30;

/**
 * Serialises account creation, so "is this the first user?" and the insert that follows are
 * one step: two simultaneous first signups give exactly one admin.
 *  - Within an instance: a promise queue (this also keeps SQLite's single shared connection
 *    from interleaving two creation transactions).
 *  - Across instances: a database-wide lock held until the creation has committed: PostgreSQL
 *    pg_advisory_lock, MySQL GET_LOCK, each on a connection of its own. SQLite needs none: its
 *    writers are serialised, and a second process whose snapshot went stale fails with
 *    SQLITE_BUSY rather than creating a second admin.
 * Only this class touches the DataSource for it; no table is involved.
 */
@Injectable()
export class AccountCreationLock {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(() => this.withDatabaseLock(work));
    this.tail = result.catch(() => undefined);
    return result;
  }

  private async withDatabaseLock<T>(work: () => Promise<T>): Promise<T> {
    const engine = this.dataSource.options.type;
    if (engine !== 'postgres' && engine !== 'mysql') return work();
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      if (engine === 'postgres') {
        await runner.query('SELECT pg_advisory_lock($1)', [POSTGRES_LOCK_KEY]);
      } else {
        const rows = (await runner.query('SELECT GET_LOCK(?, ?) AS acquired', [
          MYSQL_LOCK_NAME,
          MYSQL_LOCK_TIMEOUT_SECONDS,
        ])) as { acquired: number | string | null }[];
        if (Number(rows[0]?.acquired) !== 1)
          throw new Error('timed out waiting for the account-creation lock');
      }
      try {
        return await work();
      } finally {
        if (engine === 'postgres')
          await runner.query('SELECT pg_advisory_unlock($1)', [POSTGRES_LOCK_KEY]);
        else await runner.query('SELECT RELEASE_LOCK(?)', [MYSQL_LOCK_NAME]);
      }
    } finally {
      await runner.release();
    }
  }
}
