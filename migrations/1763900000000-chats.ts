import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Chats, folders, tags, shares, workspace models and access grants (filled in by the chats issue). */
export class Chats1763900000000 implements MigrationInterface {
  name = 'Chats1763900000000';

  async up(_queryRunner: QueryRunner): Promise<void> {}

  async down(_queryRunner: QueryRunner): Promise<void> {}
}
