import { jsonTextType } from '@atrium/database';
import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Provider connections: one row per kind (ollama, openai) with the URL list, the per-index
 * settings and the sealed API keys.
 */
export class Providers1763800000000 implements MigrationInterface {
  name = 'Providers1763800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const json = jsonTextType(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'provider_connection',
        columns: [
          { name: 'kind', type: 'varchar', length: '16', isPrimary: true },
          { name: 'enabled', type: 'boolean' },
          { name: 'urls', type: json },
          { name: 'configs', type: json },
          { name: 'secrets', type: json },
          { name: 'updated_at', type: 'bigint' },
        ],
      }),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('provider_connection', true);
  }
}
