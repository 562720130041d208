import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface OAuthLoginAttempt {
  /** SHA-256 of the state, hex. */
  id: string;
  provider: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
  expiresAt: number;
  createdAt: number;
}

const TABLE = 'oauth_login_attempt';

interface AttemptRow {
  id: string;
  provider: string;
  nonce: string;
  code_verifier: string;
  redirect_uri: string;
  expires_at: string | number;
  created_at: string | number;
}

/** The only code that touches `oauth_login_attempt` (no entity: plain rows through the query builder). */
@Injectable()
export class OAuthLoginAttemptsRepository {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async insert(attempt: OAuthLoginAttempt): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(TABLE)
      .values({
        id: attempt.id,
        provider: attempt.provider,
        nonce: attempt.nonce,
        code_verifier: attempt.codeVerifier,
        redirect_uri: attempt.redirectUri,
        expires_at: attempt.expiresAt,
        created_at: attempt.createdAt,
      })
      .execute();
  }

  /**
   * Reads and deletes the attempt in one step as far as callers can tell: only the caller whose
   * DELETE removed the row gets it, so two callbacks with the same state (any instance) cannot
   * both succeed.
   */
  async take(id: string): Promise<OAuthLoginAttempt | null> {
    const row = await this.dataSource
      .createQueryBuilder()
      .select('*')
      .from(TABLE, 'attempt')
      .where('attempt.id = :id', { id })
      .getRawOne<AttemptRow>();
    if (!row) return null;
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(TABLE)
      .where('id = :id', { id })
      .execute();
    if ((result.affected ?? 0) !== 1) return null;
    return {
      id: row.id,
      provider: row.provider,
      nonce: row.nonce,
      codeVerifier: row.code_verifier,
      redirectUri: row.redirect_uri,
      expiresAt: Number(row.expires_at),
      createdAt: Number(row.created_at),
    };
  }

  async deleteExpired(now: number): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(TABLE)
      .where('expires_at < :now', { now })
      .execute();
  }
}
