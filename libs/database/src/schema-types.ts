import type { QueryRunner, TableColumnOptions } from 'typeorm';

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

/*
 * Column shapes shared by migrations. Applied migrations depend on their exact output:
 * never change one; add a new helper instead.
 */
export const idColumn = (name = 'id'): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: '255',
  isPrimary: true,
});

export const refColumn = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: '255',
  isNullable: nullable,
});

export const epochColumn = (name: string, nullable = false): TableColumnOptions => ({
  name,
  type: 'bigint',
  isNullable: nullable,
});
