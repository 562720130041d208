import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FALLBACK_VERSION = '0.0.0';

/**
 * Atrium's version from the nearest package.json above this file (the repository root in
 * development, /app in the container), read once at start. Open WebUI falls back to 0.0.0 too.
 */
export function readPackageVersion(startDir = dirname(fileURLToPath(import.meta.url))): string {
  let dir = startDir;
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      try {
        const parsed = JSON.parse(readFileSync(candidate, 'utf8')) as {
          name?: unknown;
          version?: unknown;
        };
        if (parsed.name === 'atrium' && typeof parsed.version === 'string') return parsed.version;
      } catch {
        // An unreadable package.json on the way up is not ours; keep looking.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return FALLBACK_VERSION;
    dir = parent;
  }
}

/**
 * The id the frontend compares on every socket (re)connect: when it changes, the page reloads to
 * pick up new assets. It must be the same on every instance of one deployment, so it is never
 * random: DEPLOYMENT_ID when set, otherwise a hash of the version and the build hash.
 */
export function deploymentIdFor(version: string, buildHash: string, explicit?: string): string {
  if (explicit) return explicit;
  return createHash('sha256').update(`atrium:${version}:${buildHash}`).digest('hex').slice(0, 16);
}

/** What this build is, computed once at start and injected where needed. */
export interface BuildInfo {
  version: string;
  deploymentId: string;
}

export const BUILD_INFO = Symbol('BUILD_INFO');
