import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Chats and workspace additions (issue 4 follow-ups). Owner: the chats/models helper. SCAFFOLD: empty until its owner fills it in. */
export class WorkspaceExtras1764300000000 implements MigrationInterface {
  name = 'WorkspaceExtras1764300000000';

  async up(_queryRunner: QueryRunner): Promise<void> {}

  async down(_queryRunner: QueryRunner): Promise<void> {}
}
