// Runs a compiled entry point, building first only when dist/ is missing or older than sources.
//   node scripts/start.mjs                               -> dist/apps/api/src/main.js
//   node scripts/start.mjs dist/apps/api/src/migrate.js  -> the migration runner
//   node scripts/start.mjs --check                       -> print whether a build is needed
// The entry is imported into this process (no second Node process, signals go straight to it).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_DIRS = ['apps', 'libs', 'migrations'];
const SOURCE_FILES = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];
const DEFAULT_ENTRY = 'dist/apps/api/src/main.js';

/** Latest mtime (ms) among build inputs: .ts sources (not specs), their folders, tsconfigs. */
export function newestSourceMtime(dir = root) {
  let newest = 0;
  const visit = (path) => {
    let entries;
    try {
      entries = readdirSync(path, { withFileTypes: true });
      // A folder's mtime moves when a file in it is added, renamed or deleted.
      newest = Math.max(newest, statSync(path).mtimeMs);
    } catch {
      return;
    }
    for (const entry of entries) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') visit(child);
      } else if (entry.name.endsWith('.ts') && !/\.(e2e-)?spec\.ts$/.test(entry.name)) {
        newest = Math.max(newest, statSync(child).mtimeMs);
      }
    }
  };
  for (const sub of SOURCE_DIRS) visit(join(dir, sub));
  for (const file of SOURCE_FILES) {
    try {
      newest = Math.max(newest, statSync(join(dir, file)).mtimeMs);
    } catch {
      /* optional */
    }
  }
  return newest;
}

/** True when the compiled entry is missing or older than any build input. */
export function needsBuild(entry = DEFAULT_ENTRY, dir = root) {
  let built;
  try {
    built = statSync(join(dir, entry)).mtimeMs;
  } catch {
    return true;
  }
  return newestSourceMtime(dir) > built;
}

/** Runs `npm run build`; exits the process when it fails. */
export function build(dir = root) {
  const npmCli = process.env.npm_execpath;
  const result = npmCli
    ? spawnSync(process.execPath, [npmCli, 'run', 'build'], { cwd: dir, stdio: 'inherit' })
    : spawnSync('npm', ['run', 'build'], {
        cwd: dir,
        stdio: 'inherit',
        shell: process.platform === 'win32',
      });
  if (result.status !== 0) {
    console.error(`[start] build failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status || 1);
  }
}

/** Builds when needed. Returns true when it built. */
export function ensureBuilt(entry = DEFAULT_ENTRY, dir = root) {
  if (!needsBuild(entry, dir)) return false;
  console.error(`[start] ${entry} is missing or stale: building`);
  build(dir);
  return true;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const args = process.argv.slice(2);
  if (args[0] === '--check') {
    const stale = needsBuild(args[1] ?? DEFAULT_ENTRY);
    console.log(stale ? 'stale' : 'fresh');
    process.exit(0);
  }
  // An explicit entry comes first (`dist/...js`); any other arguments go through to the entry.
  const explicit = args[0] !== undefined && /\.[cm]?js$/.test(args[0]) && !args[0].startsWith('-');
  const entry = explicit ? args[0] : DEFAULT_ENTRY;
  ensureBuilt(entry);
  const entryPath = join(root, entry);
  // Let the entry believe it was started directly (`node dist/... args`), for is-main checks.
  process.argv.splice(1, explicit ? 2 : 1, entryPath);
  await import(pathToFileURL(entryPath).href);
}
