import { Inject, Injectable } from '@nestjs/common';
import { DataSource, LessThanOrEqual, type Repository } from 'typeorm';
import { RevokedTokenEntity } from '../revoked-token.entity.js';

export interface RevokedToken {
  tokenHash: string;
  expiresAt: number | null;
}

/** The only code that touches the `revoked_token` table. */
@Injectable()
export class RevokedTokensRepository {
  private readonly revoked: Repository<RevokedTokenEntity>;

  constructor(@Inject(DataSource) dataSource: DataSource) {
    this.revoked = dataSource.getRepository(RevokedTokenEntity);
  }

  /** Idempotent: revoking twice (or from two instances at once) is fine. */
  async insert(token: RevokedToken, now: number): Promise<void> {
    await this.revoked
      .createQueryBuilder()
      .insert()
      .values({ tokenHash: token.tokenHash, expiresAt: token.expiresAt, createdAt: now })
      .orIgnore()
      .execute();
  }

  /** True when the hash is stored and has not expired by `now`. */
  async isRevoked(tokenHash: string, now: number): Promise<boolean> {
    const row = await this.revoked.findOneBy({ tokenHash });
    return row !== null && (row.expiresAt === null || row.expiresAt > now);
  }

  /**
   * One page of the revocations still in force, created at or after `createdSince`, in hash
   * order after `afterHash` (for copying them into Redis).
   */
  async listActive(
    now: number,
    createdSince: number,
    afterHash: string,
    limit: number,
  ): Promise<RevokedToken[]> {
    const rows = await this.revoked
      .createQueryBuilder('r')
      .where('(r.expires_at IS NULL OR r.expires_at > :now)', { now })
      .andWhere('r.created_at >= :createdSince', { createdSince })
      .andWhere('r.token_hash > :afterHash', { afterHash })
      .orderBy('r.token_hash', 'ASC')
      .take(limit)
      .getMany();
    return rows.map((row) => ({ tokenHash: row.tokenHash, expiresAt: row.expiresAt }));
  }

  /** Deletes revocations of tokens that have expired anyway. */
  async purgeExpired(now: number): Promise<number> {
    const result = await this.revoked.delete({ expiresAt: LessThanOrEqual(now) });
    return result.affected ?? 0;
  }
}
