import { epochColumn, idColumn, jsonTextType, refColumn } from '@atrium/database';
import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Workspace models and the access grants of every shareable resource (Open WebUI's `model`
 * and `access_grant` tables). Model ids are any string of up to 256 characters.
 */
export class Models1764100000000 implements MigrationInterface {
  name = 'Models1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const json = jsonTextType(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'model',
        columns: [
          { name: 'id', type: 'varchar', length: '256', isPrimary: true },
          refColumn('user_id'),
          { name: 'base_model_id', type: 'varchar', length: '256', isNullable: true },
          { name: 'name', type: 'text' },
          { name: 'params', type: json, isNullable: true },
          { name: 'meta', type: json, isNullable: true },
          { name: 'is_active', type: 'boolean', default: true },
          epochColumn('created_at'),
          epochColumn('updated_at'),
        ],
        indices: [new TableIndex({ name: 'ix_model_user', columnNames: ['user_id'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'access_grant',
        columns: [
          idColumn(),
          { name: 'resource_type', type: 'varchar', length: '64' },
          { name: 'resource_id', type: 'varchar', length: '256' },
          { name: 'principal_type', type: 'varchar', length: '16' },
          refColumn('principal_id'),
          { name: 'permission', type: 'varchar', length: '16' },
          epochColumn('created_at'),
        ],
        indices: [
          new TableIndex({
            name: 'ix_access_grant_resource',
            columnNames: ['resource_type', 'resource_id'],
          }),
          new TableIndex({
            name: 'ix_access_grant_principal',
            columnNames: ['principal_type', 'principal_id'],
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('access_grant');
    await queryRunner.dropTable('model');
  }
}
