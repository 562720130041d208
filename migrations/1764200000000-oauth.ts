import type { MigrationInterface, QueryRunner } from 'typeorm';

/** OAuth/OIDC sign-in state (issue 6). Owner: the OAuth helper. SCAFFOLD: empty until its owner fills it in. */
export class OAuth1764200000000 implements MigrationInterface {
  name = 'OAuth1764200000000';

  async up(_queryRunner: QueryRunner): Promise<void> {}

  async down(_queryRunner: QueryRunner): Promise<void> {}
}
