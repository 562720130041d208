import { epochColumn } from '@atrium/database';
import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * OAuth/OIDC sign-in (issue 6): `oauth_login_attempt` holds each started login (PKCE verifier,
 * nonce, redirect URI) under the hash of its state until the callback consumes it once, on
 * whichever instance the provider sends the browser back to.
 */
export class OAuth1764200000000 implements MigrationInterface {
  name = 'OAuth1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'oauth_login_attempt',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'provider', type: 'varchar', length: '64' },
          { name: 'nonce', type: 'varchar', length: '128' },
          { name: 'code_verifier', type: 'varchar', length: '128' },
          { name: 'redirect_uri', type: 'text' },
          epochColumn('expires_at'),
          epochColumn('created_at'),
        ],
        indices: [
          new TableIndex({ name: 'ix_oauth_login_attempt_expiry', columnNames: ['expires_at'] }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('oauth_login_attempt');
  }
}
