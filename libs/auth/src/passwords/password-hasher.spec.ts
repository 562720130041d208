import { describe, expect, it } from 'vitest';
import {
  BCRYPT_MAX_PASSWORD_BYTES,
  PasswordHasher,
  passwordByteLength,
  truncateToBcryptLimit,
} from './password-hasher.js';

// Hashes in the exact form Open WebUI stores (passlib / python bcrypt: $2b$, cost 12), and an
// older $2a$ one; made once with a bcrypt implementation and pasted here.
const OPEN_WEBUI_HASH = '$2b$12$fHI/2vlvvYpOXU2ygsYHWOol7YO5fE5.9IW0ze6i/JjbojKbj400G';
const OPEN_WEBUI_PASSWORD = 'correct horse battery staple';
const LEGACY_2A_HASH = '$2a$10$k/GutzwOpqjeJC0ZCgjAWu/Y84.Vc/zYJGn2kQrTae3NuKzhjyxEm';
const LEGACY_2A_PASSWORD = 'pässwörd-ünïcode';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher();

  it('verifies an Open WebUI $2b$12$ hash', async () => {
    expect(await hasher.verify(OPEN_WEBUI_PASSWORD, OPEN_WEBUI_HASH)).toBe(true);
    expect(await hasher.verify('correct horse battery stapler', OPEN_WEBUI_HASH)).toBe(false);
  });

  it('verifies $2a$ hashes and the same hash under the $2y$ prefix', async () => {
    expect(await hasher.verify(LEGACY_2A_PASSWORD, LEGACY_2A_HASH)).toBe(true);
    expect(await hasher.verify(OPEN_WEBUI_PASSWORD, `$2y$${OPEN_WEBUI_HASH.slice(4)}`)).toBe(true);
  });

  it('writes $2b$ hashes at cost 12 that it verifies', async () => {
    const hash = await hasher.hash('s3cret!');
    expect(hash).toMatch(/^\$2b\$12\$[./A-Za-z0-9]{53}$/);
    expect(await hasher.verify('s3cret!', hash)).toBe(true);
    expect(await hasher.verify('s3cret?', hash)).toBe(false);
  });

  it('says no (without throwing) to a missing or malformed hash', async () => {
    for (const hash of [
      null,
      undefined,
      '',
      'plain-text',
      '$2b$12$short',
      '$argon2id$v=19$m=65536',
    ]) {
      expect(await hasher.verify('anything', hash)).toBe(false);
    }
  });

  it('burns about one verification when there is no hash to check', async () => {
    await expect(hasher.burnVerification('whatever')).resolves.toBeUndefined();
  });
});

describe('the 72-byte bcrypt limit', () => {
  it('measures UTF-8 bytes, not characters', () => {
    expect(passwordByteLength('é'.repeat(36))).toBe(72);
    expect(passwordByteLength('é'.repeat(37))).toBe(74);
  });

  it('cuts at 72 bytes without splitting a character', () => {
    expect(truncateToBcryptLimit('short')).toBe('short');
    expect(Buffer.byteLength(truncateToBcryptLimit('x'.repeat(100)))).toBe(
      BCRYPT_MAX_PASSWORD_BYTES,
    );
    // 71 ASCII bytes + a 2-byte character straddling the limit: the character is dropped.
    expect(truncateToBcryptLimit(`${'a'.repeat(71)}éz`)).toBe('a'.repeat(71));
  });

  it('verifies a long password the way bcrypt sees it (first 72 bytes)', async () => {
    const hasher = new PasswordHasher();
    const long = 'p'.repeat(72);
    const hash = await hasher.hash(long);
    expect(await hasher.verify(truncateToBcryptLimit(`${long}-extra`), hash)).toBe(true);
  });
});
