import { jsonTextType } from '@atrium/database';
import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The append-only admin audit trail (`audit_event`). */
export class Audit1764000000000 implements MigrationInterface {
  name = 'Audit1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const json = jsonTextType(queryRunner);
    await queryRunner.createTable(
      new Table({
        name: 'audit_event',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'occurred_at', type: 'bigint' },
          { name: 'actor_id', type: 'varchar', length: '255', isNullable: true },
          { name: 'actor_email', type: 'varchar', length: '255', isNullable: true },
          { name: 'action', type: 'varchar', length: '128' },
          { name: 'target_type', type: 'varchar', length: '64' },
          { name: 'target_id', type: 'varchar', length: '255', isNullable: true },
          { name: 'before', type: json, isNullable: true },
          { name: 'after', type: json, isNullable: true },
          { name: 'source_ip', type: 'varchar', length: '64', isNullable: true },
          { name: 'request_id', type: 'varchar', length: '128', isNullable: true },
        ],
        indices: [
          new TableIndex({ name: 'ix_audit_event_time', columnNames: ['occurred_at', 'id'] }),
          new TableIndex({
            name: 'ix_audit_event_actor',
            columnNames: ['actor_id', 'occurred_at'],
          }),
          new TableIndex({
            name: 'ix_audit_event_actor_email',
            columnNames: ['actor_email', 'occurred_at'],
          }),
          new TableIndex({
            name: 'ix_audit_event_target',
            columnNames: ['target_type', 'occurred_at'],
          }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('audit_event');
  }
}
