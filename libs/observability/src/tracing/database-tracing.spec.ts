import { describe, expect, it } from 'vitest';
import { dbSystemOf, querySummary } from './database-tracing.js';

describe('database spans', () => {
  it('names the engine as the OpenTelemetry conventions do', () => {
    expect(dbSystemOf('better-sqlite3')).toBe('sqlite');
    expect(dbSystemOf('postgres')).toBe('postgresql');
    expect(dbSystemOf('mysql')).toBe('mysql');
    expect(dbSystemOf('mariadb')).toBe('mariadb');
  });

  it('summarises a statement: operation, first table, text without the long column list', () => {
    const columns = Array.from({ length: 12 }, (_, i) => `"U"."c${i}" AS "U_c${i}"`).join(', ');
    const select = `SELECT ${columns} FROM "user" "U" WHERE "U"."id" = $1 LIMIT 1`;
    expect(querySummary(select)).toEqual({
      operation: 'SELECT',
      table: 'user',
      text: 'SELECT … FROM "user" "U" WHERE "U"."id" = $1 LIMIT 1',
    });
    expect(querySummary('SELECT 1 FROM `chat` WHERE id = ?')).toEqual({
      operation: 'SELECT',
      table: 'chat',
      text: 'SELECT 1 FROM `chat` WHERE id = ?',
    });
    expect(querySummary('INSERT INTO "audit_event"("id") VALUES ($1)')).toMatchObject({
      operation: 'INSERT',
      table: 'audit_event',
    });
    expect(querySummary('  update user set a = ?')).toMatchObject({
      operation: 'UPDATE',
      table: 'user',
    });
    expect(querySummary(`INSERT INTO t VALUES (${'?,'.repeat(2000)}?)`).text).toHaveLength(1024);
  });
});
