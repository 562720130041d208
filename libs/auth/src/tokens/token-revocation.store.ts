import { createHash } from 'node:crypto';

/** Where signed-out tokens are remembered until they would have expired anyway. */
export interface TokenRevocationStore {
  /** Remembers the token (by SHA-256) until `expiresAt` (epoch s; null = forever). */
  revoke(tokenHash: string, expiresAt: number | null): Promise<void>;
  isRevoked(tokenHash: string): Promise<boolean>;
}

/** Tokens are never stored, only their SHA-256 (hex). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
