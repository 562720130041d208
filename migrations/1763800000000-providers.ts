import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Provider connections and their state (filled in by the providers issue). */
export class Providers1763800000000 implements MigrationInterface {
  name = 'Providers1763800000000';

  async up(_queryRunner: QueryRunner): Promise<void> {}

  async down(_queryRunner: QueryRunner): Promise<void> {}
}
