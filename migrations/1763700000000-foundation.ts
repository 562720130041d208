import { epochColumn, idColumn, jsonTextType, refColumn } from '@atrium/database';
import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Accounts, credentials, API keys, groups, memberships, persisted config and revoked tokens. */
export class Foundation1763700000000 implements MigrationInterface {
  name = 'Foundation1763700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const json = jsonTextType(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'user',
        columns: [
          idColumn(),
          { name: 'email', type: 'varchar', length: '255' },
          { name: 'username', type: 'varchar', length: '50', isNullable: true },
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'role', type: 'varchar', length: '32' },
          { name: 'profile_image_url', type: 'text', isNullable: true },
          { name: 'bio', type: 'text', isNullable: true },
          { name: 'gender', type: 'varchar', length: '64', isNullable: true },
          { name: 'date_of_birth', type: 'varchar', length: '32', isNullable: true },
          { name: 'timezone', type: 'varchar', length: '64', isNullable: true },
          { name: 'info', type: json, isNullable: true },
          { name: 'settings', type: json, isNullable: true },
          { name: 'oauth_sub', type: 'varchar', length: '255', isNullable: true },
          epochColumn('last_active_at'),
          epochColumn('updated_at'),
          epochColumn('created_at'),
        ],
        indices: [
          new TableIndex({ name: 'uq_user_email', columnNames: ['email'], isUnique: true }),
          new TableIndex({ name: 'uq_user_oauth_sub', columnNames: ['oauth_sub'], isUnique: true }),
          new TableIndex({ name: 'ix_user_created_at', columnNames: ['created_at'] }),
          new TableIndex({ name: 'ix_user_role', columnNames: ['role'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'auth',
        columns: [
          idColumn(),
          { name: 'email', type: 'varchar', length: '255' },
          { name: 'password', type: 'text' },
          { name: 'active', type: 'boolean', default: true },
        ],
        foreignKeys: [
          {
            columnNames: ['id'],
            referencedTableName: 'user',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        indices: [
          new TableIndex({ name: 'uq_auth_email', columnNames: ['email'], isUnique: true }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'api_key',
        columns: [
          idColumn(),
          refColumn('user_id'),
          { name: 'key_hash', type: 'varchar', length: '64' },
          { name: 'key_encrypted', type: 'text' },
          epochColumn('last_used_at', true),
          epochColumn('created_at'),
        ],
        foreignKeys: [
          {
            columnNames: ['user_id'],
            referencedTableName: 'user',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        indices: [
          new TableIndex({ name: 'uq_api_key_user', columnNames: ['user_id'], isUnique: true }),
          new TableIndex({ name: 'uq_api_key_hash', columnNames: ['key_hash'], isUnique: true }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'group',
        columns: [
          idColumn(),
          refColumn('user_id'),
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'description', type: 'text', isNullable: true },
          { name: 'permissions', type: json, isNullable: true },
          { name: 'data', type: json, isNullable: true },
          { name: 'meta', type: json, isNullable: true },
          epochColumn('updated_at'),
          epochColumn('created_at'),
        ],
        indices: [new TableIndex({ name: 'ix_group_name', columnNames: ['name'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'group_member',
        columns: [
          idColumn(),
          refColumn('group_id'),
          refColumn('user_id'),
          epochColumn('created_at'),
        ],
        foreignKeys: [
          {
            columnNames: ['group_id'],
            referencedTableName: 'group',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
          {
            columnNames: ['user_id'],
            referencedTableName: 'user',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        indices: [
          new TableIndex({
            name: 'uq_group_member',
            columnNames: ['group_id', 'user_id'],
            isUnique: true,
          }),
          new TableIndex({ name: 'ix_group_member_user', columnNames: ['user_id'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'config',
        columns: [
          { name: 'key', type: 'varchar', length: '255', isPrimary: true },
          { name: 'value', type: json },
          epochColumn('updated_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'revoked_token',
        columns: [
          { name: 'token_hash', type: 'varchar', length: '64', isPrimary: true },
          epochColumn('expires_at', true),
          epochColumn('created_at'),
        ],
        indices: [
          new TableIndex({ name: 'ix_revoked_token_expires_at', columnNames: ['expires_at'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'revoked_token',
      'config',
      'group_member',
      'group',
      'api_key',
      'auth',
      'user',
    ]) {
      await queryRunner.dropTable(table, true);
    }
  }
}
