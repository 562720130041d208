import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './support/free-port.js';

const root = join(import.meta.dirname, '..');
const startScript = join(root, 'scripts/start.mjs');
const migrateEntry = 'dist/apps/api/src/migrate.js';

/** The environment of a fresh machine: only what the test sets (plus PATH/HOME for node). */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...extra };
}

async function waitForHealth(port: number, child: ChildProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early with ${child.exitCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('no /health within the timeout');
}

/** How the process ended: its exit code, or the signal that ended it. */
function exited(child: ChildProcess): Promise<number | NodeJS.Signals> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else if (child.signalCode !== null) resolve(child.signalCode);
    else child.once('exit', (code, signal) => resolve(code ?? signal!));
  });
}

/**
 * What `npm start` and `npm run migration:run` do on a fresh machine: the real compiled server
 * in its own process (built first when dist is missing or stale), SQLite in DATA_DIR.
 */
describe('the server process', () => {
  const dataDirs: string[] = [];
  const children: ChildProcess[] = [];
  const freshDataDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'atrium-start-'));
    dataDirs.push(dir);
    return dir;
  };

  beforeAll(() => {
    // Build once up front (what `npm start` does when needed) so each case measures only itself.
    const check = spawnSync(process.execPath, [startScript, '--check'], {
      cwd: root,
      encoding: 'utf8',
    });
    if (check.stdout.trim() !== 'fresh') {
      const build = spawnSync('npm', ['run', 'build'], { cwd: root, encoding: 'utf8' });
      expect(build.status, build.stderr).toBe(0);
    }
  }, 180_000);

  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited(child);
      }
    }
  });

  afterAll(() => {
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('starts on SQLite with no other service, keeps a generated secret, and stops cleanly on SIGTERM', async () => {
    const dataDir = freshDataDir();
    const port = await freePort();
    const child = spawn(process.execPath, [startScript], {
      cwd: root,
      env: cleanEnv({ DATA_DIR: dataDir, PORT: String(port) }),
      stdio: 'ignore',
    });
    children.push(child);
    await waitForHealth(port, child);

    expect(existsSync(join(dataDir, 'webui.db'))).toBe(true);
    expect(existsSync(join(dataDir, '.webui_secret_key'))).toBe(true);
    const database = new Database(join(dataDir, 'webui.db'), { readonly: true });
    try {
      expect(database.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      database.close();
    }
    const config = (await (await fetch(`http://127.0.0.1:${port}/api/config`)).json()) as {
      onboarding?: boolean;
    };
    expect(config.onboarding).toBe(true);

    // Nest closes the app (database, Redis) and then re-raises the signal to end the process.
    child.kill('SIGTERM');
    expect(await exited(child)).toBe('SIGTERM');
  });

  it('reports every invalid variable by name and exits non-zero', () => {
    const result = spawnSync(process.execPath, [startScript], {
      cwd: root,
      env: cleanEnv({
        DATA_DIR: freshDataDir(),
        PORT: 'not-a-port',
        DEFAULT_USER_ROLE: 'owner',
        JWT_EXPIRES_IN: 'forever',
      }),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('PORT:');
    expect(result.stderr).toContain('DEFAULT_USER_ROLE:');
    expect(result.stderr).toContain('JWT_EXPIRES_IN:');
  });

  it('applies migrations alone with migration:run, then finds nothing pending', () => {
    const env = cleanEnv({ DATA_DIR: freshDataDir() });
    const run = () =>
      spawnSync(process.execPath, [startScript, migrateEntry], {
        cwd: root,
        env,
        encoding: 'utf8',
        timeout: 30_000,
      });
    const first = run();
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('Applied: Foundation1763700000000');
    const second = run();
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain('No pending migrations.');
  });

  it('refuses to start on an outdated schema when ENABLE_DB_MIGRATIONS=false', () => {
    const result = spawnSync(process.execPath, [startScript], {
      cwd: root,
      env: cleanEnv({ DATA_DIR: freshDataDir(), ENABLE_DB_MIGRATIONS: 'false', PORT: '0' }),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('ENABLE_DB_MIGRATIONS=false');
  });
});
