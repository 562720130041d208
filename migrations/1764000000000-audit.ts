import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The append-only admin audit trail (filled in by the observability issue). */
export class Audit1764000000000 implements MigrationInterface {
  name = 'Audit1764000000000';

  async up(_queryRunner: QueryRunner): Promise<void> {}

  async down(_queryRunner: QueryRunner): Promise<void> {}
}
