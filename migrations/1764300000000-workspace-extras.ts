import type { MigrationInterface, QueryRunner } from 'typeorm';
import { isMysql, jsonTextType } from '@atrium/database';

const BACKFILL_BATCH = 200;

/**
 * Chats and workspace additions (issue 4 follow-ups): a trigram index for chat search on
 * MySQL/MariaDB. MariaDB has no ngram FULLTEXT parser, and word FULLTEXT cannot answer LIKE's
 * substring semantics, so chat_search.grams holds each distinct trigram of the body as a hex
 * "word" under a stopword-free FULLTEXT index: a search asks for the trigrams of its text (a
 * necessary condition), then LIKE confirms. The column exists on every engine (one entity);
 * only MySQL fills it (SQLite and PostgreSQL have FTS5 / pg_trgm, see the chats migration).
 */
export class WorkspaceExtras1764300000000 implements MigrationInterface {
  name = 'WorkspaceExtras1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Plain ALTER TABLE: TypeORM's addColumn rebuilds a SQLite table, which would drop the
    // FTS5 triggers on chat_search.
    await queryRunner.query(
      `ALTER TABLE chat_search ADD COLUMN grams ${jsonTextType(queryRunner)} NULL`,
    );
    if (!isMysql(queryRunner)) return;
    for (let offset = 0; ; offset += BACKFILL_BATCH) {
      const rows = (await queryRunner.query(
        'SELECT chat_id, body FROM chat_search ORDER BY chat_id LIMIT ? OFFSET ?',
        [BACKFILL_BATCH, offset],
      )) as { chat_id: string; body: string }[];
      for (const row of rows) {
        await queryRunner.query('UPDATE chat_search SET grams = ? WHERE chat_id = ?', [
          searchGramsOf(row.body),
          row.chat_id,
        ]);
      }
      if (rows.length < BACKFILL_BATCH) break;
    }
    // Stopwords apply to an index as it is created; trigram words must all be indexed.
    await queryRunner.query('SET SESSION innodb_ft_enable_stopword = OFF');
    await queryRunner.query('CREATE FULLTEXT INDEX ix_chat_search_grams ON chat_search (grams)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (isMysql(queryRunner))
      await queryRunner.query('DROP INDEX ix_chat_search_grams ON chat_search');
    await queryRunner.query('ALTER TABLE chat_search DROP COLUMN grams');
  }
}

/**
 * The distinct trigrams of a text as hex words (a frozen copy of @atrium/chats' searchGramsOf,
 * which keeps the rows written after this migration in the same form).
 */
function searchGramsOf(text: string): string {
  const characters = Array.from(text);
  const grams = new Set<string>();
  for (let index = 0; index + 3 <= characters.length; index++) {
    grams.add(Buffer.from(characters.slice(index, index + 3).join(''), 'utf8').toString('hex'));
  }
  return [...grams].join(' ');
}
