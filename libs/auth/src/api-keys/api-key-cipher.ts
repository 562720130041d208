import {
  createCipheriv,
  createDecipheriv,
  createHash,
  hkdfSync,
  randomBytes,
  randomUUID,
} from 'node:crypto';

export const API_KEY_PREFIX = 'sk-';
const API_KEY_PATTERN = /^sk-[0-9a-f]{32}$/;
const FORMAT_VERSION = 'v1';
const IV_BYTES = 12;
const HKDF_INFO = 'atrium/api-key-encryption/v1';

/** A new key in Open WebUI's format: `sk-` + 32 hex characters (a uuid4 without dashes). */
export function generateApiKey(): string {
  return `${API_KEY_PREFIX}${randomUUID().replace(/-/g, '')}`;
}

export function isApiKeyFormat(value: string): boolean {
  return API_KEY_PATTERN.test(value);
}

/** The lookup hash stored in `api_key.key_hash` (SHA-256 hex, as Open WebUI hashes keys). */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

/**
 * AES-256-GCM for the copy of each key that GET /api_key gives back to its owner. The 256-bit
 * key is derived from WEBUI_SECRET_KEY with HKDF-SHA256, so no second secret has to be managed;
 * the owner's user id is bound in as associated data, so a row copied onto another user fails
 * to decrypt. Stored as `v1.<iv>.<ciphertext>.<tag>` (base64url).
 */
export class ApiKeyCipher {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(
      hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), HKDF_INFO, 32),
    );
  }

  encrypt(apiKey: string, userId: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(userId, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(apiKey, 'utf8'), cipher.final()]);
    return [FORMAT_VERSION, iv, ciphertext, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** The plain key, or null when the value was not made by this secret for this user. */
  decrypt(stored: string, userId: string): string | null {
    const [version, iv, ciphertext, tag, ...rest] = stored.split('.');
    if (version !== FORMAT_VERSION || rest.length > 0 || !iv || !ciphertext || !tag) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(userId, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      return null;
    }
  }
}
