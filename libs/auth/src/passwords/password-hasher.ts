import { Injectable } from '@nestjs/common';
import bcrypt from 'bcrypt';

/** bcrypt only reads the first 72 bytes of a password. */
export const BCRYPT_MAX_PASSWORD_BYTES = 72;

/** Work factor of new hashes: passlib's default, which Open WebUI uses. */
export const BCRYPT_COST = 12;

const SUPPORTED_HASH = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;

export function passwordByteLength(password: string): number {
  return Buffer.byteLength(password, 'utf8');
}

/**
 * The password as bcrypt will see it: cut to 72 bytes, dropping a multi-byte character that the
 * cut split (Open WebUI's signin does the same before verifying).
 */
export function truncateToBcryptLimit(password: string): string {
  const bytes = Buffer.from(password, 'utf8');
  if (bytes.length <= BCRYPT_MAX_PASSWORD_BYTES) return password;
  let end = BCRYPT_MAX_PASSWORD_BYTES;
  // Step back over continuation bytes (10xxxxxx) to the start of the split character, if any.
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end).toString('utf8');
}

/**
 * bcrypt hashing on the libuv thread pool (the event loop never blocks on a hash). New hashes are
 * `$2b$12$...`, as passlib writes them; `$2a$`, `$2b$` and `$2y$` hashes from Open WebUI, older
 * passlib versions or PHP are all verified (the three prefixes name the same algorithm).
 */
@Injectable()
export class PasswordHasher {
  private dummyHash: Promise<string> | undefined;

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, BCRYPT_COST);
  }

  async verify(password: string, hash: string | null | undefined): Promise<boolean> {
    if (!hash || !SUPPORTED_HASH.test(hash)) return false;
    // Node's bcrypt knows $2a$ and $2b$ only; $2y$ is the same algorithm under PHP's name.
    const normalized = hash.startsWith('$2y$') ? `$2b$${hash.slice(4)}` : hash;
    try {
      return await bcrypt.compare(password, normalized);
    } catch {
      return false;
    }
  }

  /**
   * Spends the time of a real verification, so "no such account" and "wrong password"
   * answer equally fast and emails cannot be probed by timing.
   */
  async burnVerification(password: string): Promise<void> {
    this.dummyHash ??= bcrypt.hash('atrium-timing-equaliser', BCRYPT_COST);
    await bcrypt.compare(password, await this.dummyHash);
  }
}
