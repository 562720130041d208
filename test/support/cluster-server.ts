/**
 * Helpers for test/cluster.e2e-spec.ts: a private build of the server (other suites and
 * people rebuild dist/ while tests run), the server started as a real process tree, its
 * workers read from /proc, and raw engine.io handshakes that tell which worker answered.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

const root = join(import.meta.dirname, '../..');

export interface ServerBuild {
  entry: string;
  remove(): void;
}

/** tsc into a temporary folder that resolves packages from this checkout's node_modules. */
export function buildServer(): ServerBuild {
  const dir = mkdtempSync(join(tmpdir(), 'atrium-cluster-build-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  const bin = (name: string) => join(root, 'node_modules/.bin', name);
  const tsc = spawnSync(bin('tsc'), ['-p', 'tsconfig.build.json', '--outDir', dir], {
    cwd: root,
    encoding: 'utf8',
  });
  const alias = spawnSync(bin('tsc-alias'), ['-p', 'tsconfig.build.json', '--outDir', dir], {
    cwd: root,
    encoding: 'utf8',
  });
  const entry = join(dir, 'apps/api/src/main.js');
  if (alias.status !== 0 || !existsSync(entry)) {
    remove();
    throw new Error(`build failed:\n${tsc.stdout}${tsc.stderr}${alias.stderr}`);
  }
  // Type errors elsewhere in a working tree still emit JavaScript; say so, do not fail on it.
  if (tsc.status !== 0) console.warn(`tsc reported errors (JavaScript emitted):\n${tsc.stdout}`);
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
  return { entry, remove };
}

export interface ServerProcess {
  port: number;
  pid: number;
  output(): string;
  /** Resolves with the exit code, or the signal that ended the process. */
  exited: Promise<number | NodeJS.Signals>;
  kill(signal: NodeJS.Signals): void;
}

/** `node <entry>` with only PATH/HOME from this environment plus `env`, on a free port. */
export async function startServer(
  entry: string,
  env: Record<string, string>,
): Promise<ServerProcess> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [entry], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: String(port),
      HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | NodeJS.Signals>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal!));
  });
  return {
    port,
    pid: child.pid!,
    output: () => output,
    exited,
    kill: (signal) => child.kill(signal),
  };
}

/** Polls GET /health until 200; fails early when the process exits. */
export async function waitForHealth(server: ServerProcess, timeoutMs = 40_000): Promise<void> {
  let exit: number | string | undefined;
  void server.exited.then((value) => (exit = value));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exit !== undefined) throw new Error(`server exited (${exit}):\n${server.output()}`);
    if ((await httpGet(server.port, '/health').catch(() => undefined))?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no /health within ${timeoutMs} ms:\n${server.output()}`);
}

/** Direct children of a process (Linux /proc/<pid>/task/<tid>/children). */
export function childPids(pid: number): number[] {
  const taskDir = `/proc/${pid}/task/${pid}/children`;
  if (!existsSync(taskDir)) return [];
  return readFileSync(taskDir, 'utf8')
    .split(/\s+/)
    .filter((part) => part !== '')
    .map(Number);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to a server still running (the primary then removes its folder), awaiting its exit. */
export async function stopIfRunning(server: ServerProcess | undefined): Promise<void> {
  if (!server || !isAlive(server.pid)) return;
  server.kill('SIGTERM');
  await server.exited;
}

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Whether the request went over a connection an earlier request of the same agent used. */
  reusedSocket: boolean;
}

/**
 * One HTTP request. `agent` false (the default) opens a fresh connection, which the primary
 * routes on its own; a keep-alive agent with one socket pins requests to one connection.
 */
export function httpRequest(
  port: number,
  path: string,
  options: {
    method?: string;
    body?: string;
    headers?: Record<string, string>;
    agent?: Agent | false;
  } = {},
): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: options.agent ?? false,
        timeout: 10_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            body,
            reusedSocket: req.reusedSocket,
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${path} timed out`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

export function httpGet(port: number, path: string, agent?: Agent): Promise<HttpReply> {
  return httpRequest(port, path, { agent });
}

export const POLLING = '/ws/socket.io/?EIO=4&transport=polling';

/** An engine.io long-polling handshake: the new session's id (which names its worker). */
export async function handshake(port: number, agent?: Agent): Promise<string> {
  const reply = await httpGet(port, POLLING, agent);
  const match = /"sid":"([^"]+)"/.exec(reply.body);
  if (reply.status !== 200 || !match) throw new Error(`handshake: ${reply.status} ${reply.body}`);
  return match[1];
}

/** The worker id an Atrium engine.io session id names (`w<id>_...`). */
export function workerOf(sid: string): number {
  const match = /^w(\d+)_/.exec(sid);
  if (!match) throw new Error(`session id ${sid} names no worker`);
  return Number(match[1]);
}

/**
 * A keep-alive connection held by the worker `wanted` decides: fresh connections are made
 * (round-robin) until one's handshake names a worker `wanted` accepts.
 */
export async function connectionToWorker(
  port: number,
  wanted: (worker: number) => boolean,
): Promise<{ agent: Agent; worker: number }> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const worker = workerOf(await handshake(port, agent));
    if (wanted(worker)) return { agent, worker };
    agent.destroy();
  }
  throw new Error('no connection reached the wanted worker in 20 attempts');
}
