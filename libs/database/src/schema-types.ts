import type { QueryRunner } from 'typeorm';

/**
 * Column types for migrations that differ per engine. Everything else in a migration uses
 * TypeORM's neutral types so one ordered set runs on SQLite, PostgreSQL and MySQL.
 */
export function jsonTextType(queryRunner: QueryRunner): string {
  // MySQL TEXT stops at 64 KiB; chat histories and settings need more.
  return isMysql(queryRunner) ? 'longtext' : 'text';
}

export function isMysql(queryRunner: QueryRunner): boolean {
  const type = queryRunner.connection.options.type;
  return type === 'mysql' || type === 'mariadb';
}
