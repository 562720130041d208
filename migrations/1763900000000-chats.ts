import { epochColumn, idColumn, jsonTextType, refColumn } from '@atrium/database';
import {
  Table,
  TableIndex,
  type MigrationInterface,
  type QueryRunner,
  type TableColumnOptions,
} from 'typeorm';

const flag = (name: string): TableColumnOptions => ({ name, type: 'boolean', default: false });
const ownerKey = (table: string) => ({
  name: `fk_${table}_user`,
  columnNames: ['user_id'],
  referencedTableName: 'user',
  referencedColumnNames: ['id'],
  onDelete: 'CASCADE',
});

/**
 * Chats, their search text, tags, folders and shared snapshots.
 * The light lists (title, timestamps, flags, folder, tags) read only indexed columns; the
 * chat JSON and the search text live in columns those queries never touch.
 */
export class Chats1763900000000 implements MigrationInterface {
  name = 'Chats1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const json = jsonTextType(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'folder',
        columns: [
          idColumn(),
          refColumn('parent_id', true),
          refColumn('user_id'),
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'items', type: json, isNullable: true },
          { name: 'meta', type: json, isNullable: true },
          { name: 'data', type: json, isNullable: true },
          flag('is_expanded'),
          epochColumn('created_at'),
          epochColumn('updated_at'),
        ],
        foreignKeys: [ownerKey('folder')],
        indices: [
          new TableIndex({ name: 'ix_folder_user_parent', columnNames: ['user_id', 'parent_id'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'chat',
        columns: [
          idColumn(),
          refColumn('user_id'),
          { name: 'title', type: 'text' },
          refColumn('share_id', true),
          flag('archived'),
          flag('pinned'),
          refColumn('folder_id', true),
          epochColumn('created_at'),
          epochColumn('updated_at'),
          // Big JSON last: SQLite stores columns in order, so list queries that read the flags
          // above never walk through the chat JSON's overflow pages.
          { name: 'meta', type: json, isNullable: true },
          { name: 'chat', type: json },
        ],
        foreignKeys: [ownerKey('chat')],
        indices: [
          new TableIndex({ name: 'ix_chat_user_updated', columnNames: ['user_id', 'updated_at'] }),
          new TableIndex({ name: 'ix_chat_user_pinned', columnNames: ['user_id', 'pinned'] }),
          new TableIndex({ name: 'ix_chat_user_archived', columnNames: ['user_id', 'archived'] }),
          new TableIndex({ name: 'ix_chat_folder', columnNames: ['folder_id'] }),
          new TableIndex({ name: 'uq_chat_share', columnNames: ['share_id'], isUnique: true }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'chat_search',
        columns: [
          idColumn('chat_id'),
          refColumn('user_id'),
          // The lowercased text of every message, kept beside the chat for search.
          { name: 'body', type: json },
        ],
        foreignKeys: [
          {
            columnNames: ['chat_id'],
            referencedTableName: 'chat',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        indices: [new TableIndex({ name: 'ix_chat_search_user', columnNames: ['user_id'] })],
      }),
    );
    await createSearchIndex(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'tag',
        columns: [
          { ...idColumn(), length: '255' },
          { ...idColumn('user_id'), length: '255' },
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'meta', type: json, isNullable: true },
        ],
        foreignKeys: [ownerKey('tag')],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'chat_tag',
        columns: [idColumn('chat_id'), idColumn('tag_id'), refColumn('user_id')],
        foreignKeys: [
          {
            columnNames: ['chat_id'],
            referencedTableName: 'chat',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        indices: [
          new TableIndex({ name: 'ix_chat_tag_user_tag', columnNames: ['user_id', 'tag_id'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'shared_chat',
        columns: [
          idColumn(),
          refColumn('chat_id'),
          refColumn('user_id'),
          { name: 'title', type: 'text' },
          { name: 'chat', type: json },
          { name: 'meta', type: json, isNullable: true },
          epochColumn('created_at'),
          epochColumn('updated_at'),
        ],
        foreignKeys: [
          ownerKey('shared_chat'),
          {
            columnNames: ['chat_id'],
            referencedTableName: 'chat',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        indices: [
          new TableIndex({ name: 'uq_shared_chat_chat', columnNames: ['chat_id'], isUnique: true }),
          new TableIndex({ name: 'ix_shared_chat_user', columnNames: ['user_id', 'updated_at'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropSearchIndex(queryRunner);
    for (const table of ['shared_chat', 'chat_tag', 'tag', 'chat_search', 'chat', 'folder']) {
      await queryRunner.dropTable(table, true);
    }
  }
}

/**
 * Substring search over chat_search.body without scanning every row, where the engine offers
 * it: SQLite gets an FTS5 trigram index kept in step by triggers; PostgreSQL gets a pg_trgm GIN
 * index when the extension can be created (it is trusted from PostgreSQL 13; otherwise search
 * falls back to a scan). MySQL scans (its ngram FULLTEXT does not match LIKE's semantics).
 */
async function createSearchIndex(queryRunner: QueryRunner): Promise<void> {
  const type = queryRunner.connection.options.type;
  if (type === 'better-sqlite3') {
    await queryRunner.query(
      "CREATE VIRTUAL TABLE chat_search_fts USING fts5(body, content='chat_search', content_rowid='rowid', tokenize='trigram')",
    );
    await queryRunner.query(
      'CREATE TRIGGER chat_search_fts_insert AFTER INSERT ON chat_search BEGIN INSERT INTO chat_search_fts(rowid, body) VALUES (new.rowid, new.body); END',
    );
    await queryRunner.query(
      "CREATE TRIGGER chat_search_fts_delete AFTER DELETE ON chat_search BEGIN INSERT INTO chat_search_fts(chat_search_fts, rowid, body) VALUES ('delete', old.rowid, old.body); END",
    );
    await queryRunner.query(
      "CREATE TRIGGER chat_search_fts_update AFTER UPDATE ON chat_search BEGIN INSERT INTO chat_search_fts(chat_search_fts, rowid, body) VALUES ('delete', old.rowid, old.body); INSERT INTO chat_search_fts(rowid, body) VALUES (new.rowid, new.body); END",
    );
  } else if (type === 'postgres') {
    await queryRunner.query('SAVEPOINT chat_search_trgm');
    try {
      await queryRunner.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
      await queryRunner.query(
        'CREATE INDEX ix_chat_search_body_trgm ON chat_search USING gin (body gin_trgm_ops)',
      );
      await queryRunner.query('RELEASE SAVEPOINT chat_search_trgm');
    } catch {
      await queryRunner.query('ROLLBACK TO SAVEPOINT chat_search_trgm');
    }
  }
}

async function dropSearchIndex(queryRunner: QueryRunner): Promise<void> {
  const type = queryRunner.connection.options.type;
  if (type === 'better-sqlite3') {
    for (const trigger of ['insert', 'delete', 'update'])
      await queryRunner.query(`DROP TRIGGER IF EXISTS chat_search_fts_${trigger}`);
    await queryRunner.query('DROP TABLE IF EXISTS chat_search_fts');
  } else if (type === 'postgres') {
    await queryRunner.query('DROP INDEX IF EXISTS ix_chat_search_body_trgm');
  }
}
