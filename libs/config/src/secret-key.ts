import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SECRET_KEY_FILE = '.webui_secret_key';

/**
 * The JWT signing secret: WEBUI_SECRET_KEY when set; otherwise the key persisted in
 * DATA_DIR/.webui_secret_key, generated on first start so restarts keep sessions valid.
 */
export function resolveSecretKey(fromEnv: string | undefined, dataDir: string): string {
  if (fromEnv) return fromEnv;
  const path = join(dataDir, SECRET_KEY_FILE);
  if (existsSync(path)) {
    const stored = readFileSync(path, 'utf8').trim();
    if (stored.length > 0) return stored;
  }
  mkdirSync(dataDir, { recursive: true });
  const generated = randomBytes(32).toString('base64url');
  try {
    // 0600: the key signs every session. 'wx' so two instances starting together agree on one key.
    writeFileSync(path, generated, { mode: 0o600, flag: 'wx' });
    return generated;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readFileSync(path, 'utf8').trim();
  }
}
