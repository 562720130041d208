import { Injectable } from '@nestjs/common';
import { Clock } from '@atrium/common';
import { RevokedTokensRepository } from './revoked-tokens.repository.js';
import type { TokenRevocationStore } from './token-revocation.store.js';

/** Revocations in the shared `revoked_token` table: seen by every instance on the database. */
@Injectable()
export class DatabaseTokenRevocationStore implements TokenRevocationStore {
  constructor(
    private readonly repository: RevokedTokensRepository,
    private readonly clock: Clock,
  ) {}

  revoke(tokenHash: string, expiresAt: number | null): Promise<void> {
    return this.repository.insert({ tokenHash, expiresAt }, this.clock.nowSeconds());
  }

  isRevoked(tokenHash: string): Promise<boolean> {
    return this.repository.isRevoked(tokenHash, this.clock.nowSeconds());
  }

  purgeExpired(): Promise<number> {
    return this.repository.purgeExpired(this.clock.nowSeconds());
  }
}
