// Starts the compiled server as a child process on a free port and watches it.
import { spawn } from 'node:child_process';

/** The V8 flags `npm start`, the Docker image and the Helm chart run the server with. */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=4'];
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** One GET; resolves to the status code, or undefined when nothing answered. */
export function httpStatus(port, path, timeoutMs = 1_000) {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: 'GET', agent: false, timeout: timeoutMs },
      (res) => {
        res.resume();
        resolve(res.statusCode);
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/** Resident set size of a process in MB (Linux: /proc/<pid>/status VmRSS). */
export async function rssMegabytes(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) / 1024;
}

/**
 * A process and all its descendants (e.g. a UVICORN_WORKERS primary and its workers), from
 * /proc/<pid>/task/<tid>/children, or by scanning every /proc/<n>/stat for its parent pid on
 * kernels without that file.
 */
export function processTree(pid) {
  const tree = [pid];
  for (let index = 0; index < tree.length; index += 1) tree.push(...childrenOf(tree[index]));
  return tree;
}

function childrenOf(pid) {
  try {
    const tasks = readdirSync(`/proc/${pid}/task`);
    return tasks.flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8')
        .split(/\s+/)
        .filter((part) => part !== '')
        .map(Number),
    );
  } catch (error) {
    if (error.code !== 'ENOENT' || !existsSync(`/proc/${pid}`)) return [];
    // The process exists but its kernel has no children file: find children by parent pid.
    return readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .filter((name) => {
        try {
          const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
          // Field 4 (ppid) follows the parenthesised command name and the state.
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
        } catch {
          return false;
        }
      })
      .map(Number);
  }
}

/** RSS summed over a process and its descendants, in MB (processes that just exited count 0). */
export async function treeRssMegabytes(pid) {
  const sizes = await Promise.all(
    processTree(pid).map((member) => rssMegabytes(member).catch(() => 0)),
  );
  return sizes.reduce((sum, size) => sum + size, 0);
}

// Variables that would point the server somewhere else than a fresh SQLite in DATA_DIR.
const UNSET = ['DATABASE_URL', 'DATABASE_TYPE', 'REDIS_URL', 'WEBSOCKET_MANAGER', 'NODE_OPTIONS'];

/**
 * The built Atrium (dist/, or ATRIUM_BENCH_ENTRY) on a fresh SQLite in `dataDir`, quiet logs,
 * Ollama at `upstreamUrl` and an OpenAI-compatible API at `upstreamUrl`/v1, with the flags `npm
 * start` uses plus ATRIUM_BENCH_NODE_FLAGS (e.g. --cpu-prof). `env` adds or overrides variables.
 */
export function startBenchAtrium({ root, dataDir, upstreamUrl, env = {} }) {
  return startServer({
    entry: process.env.ATRIUM_BENCH_ENTRY ?? `${root}/dist/apps/api/src/main.js`,
    cwd: root,
    nodeFlags: [...SERVER_NODE_FLAGS, ...(process.env.ATRIUM_BENCH_NODE_FLAGS?.split(' ') ?? [])],
    env: {
      DATA_DIR: dataDir,
      WEBUI_SECRET_KEY: 'atrium-bench-secret',
      NODE_ENV: 'production',
      GLOBAL_LOG_LEVEL: 'WARNING',
      OLLAMA_BASE_URLS: upstreamUrl,
      OPENAI_API_BASE_URLS: `${upstreamUrl}/v1`,
      OPENAI_API_KEYS: 'sk-bench',
      ...env,
    },
  });
}

/**
 * Spawns `node <entry>` with PORT on a free port. `started` is the performance.now() just before
 * spawn. Keeps the last 8 KB of output for error messages.
 */
export async function startServer({ entry, cwd, env = {}, nodeFlags = SERVER_NODE_FLAGS }) {
  const port = await freePort();
  const childEnv = { ...process.env };
  for (const name of UNSET) delete childEnv[name];
  Object.assign(childEnv, { PORT: String(port), HOST: '127.0.0.1' }, env);

  const started = performance.now();
  const child = spawn(process.execPath, [...nodeFlags, entry], {
    cwd,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-8_192);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
    child.on('error', (error) => resolve({ code: null, signal: null, error }));
  });
  let exitInfo;
  void exited.then((info) => {
    exitInfo = info;
  });

  return {
    port,
    pid: child.pid,
    started,
    output: () => output,
    /** Polls `path` every `intervalMs` until 200; returns the performance.now() of that answer. */
    async waitFor200(path = '/health', { intervalMs = 10, timeoutMs = 60_000 } = {}) {
      const deadline = started + timeoutMs;
      for (;;) {
        if (exitInfo) {
          throw new Error(
            `server exited (${exitInfo.error?.message ?? exitInfo.signal ?? exitInfo.code}) ` +
              `before ${path} answered 200. Output:\n${output}`,
          );
        }
        const status = await httpStatus(port, path, 1_000);
        if (status === 200) return performance.now();
        if (performance.now() > deadline) {
          throw new Error(`${path} did not answer 200 within ${timeoutMs} ms. Output:\n${output}`);
        }
        await sleep(intervalMs);
      }
    },
    /** SIGTERM, then SIGKILL after `graceMs`. */
    async stop(graceMs = 5_000) {
      if (exitInfo) return exitInfo;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const info = await exited;
      clearTimeout(timer);
      return info;
    },
  };
}
