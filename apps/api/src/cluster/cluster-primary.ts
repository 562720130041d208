import cluster, { type Worker } from 'node:cluster';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoggerService } from '@nestjs/common';
import type { AppConfig } from '@atrium/config';
import { CLUSTER_DIR_ENV, isReadyMessage } from './cluster-messages.js';
import { RestartBackoff } from './restart-backoff.js';
import { sessionOwnerOf } from './socket-session-id.js';
import { StickyRouter } from './sticky-router.js';

const CONTEXT = 'Cluster';
/** How long workers get to finish in-flight work after SIGTERM/SIGINT before SIGKILL. */
const SHUTDOWN_GRACE_MS = 15_000;
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

type State = 'starting' | 'running' | 'stopping';

/**
 * UVICORN_WORKERS > 1: this process forks the workers (each a full Atrium app), owns the
 * public port through the sticky router, replaces workers that die (capped backoff), and on
 * SIGTERM/SIGINT passes the signal on and exits once the workers have shut down.
 */
export class ClusterPrimary {
  /** Workers that reported ready, by cluster worker id: the only ones given connections. */
  private readonly ready = new Map<number, Worker>();
  private readonly backoff = new RestartBackoff();
  private readonly router = new StickyRouter((target) => this.pick(target));
  private readonly clusterDir = mkdtempSync(join(tmpdir(), 'atrium-cluster-'));
  private state: State = 'starting';
  private roundRobin = 0;

  constructor(
    private readonly config: AppConfig,
    entry: string,
    private readonly logger: LoggerService,
  ) {
    cluster.setupPrimary({ exec: entry });
  }

  async start(): Promise<void> {
    const { workers, host, port } = this.config.server;
    process.once('exit', () => this.removeClusterDir());
    for (const signal of SIGNALS) process.once(signal, () => void this.stop(signal));
    cluster.on('exit', (worker, code, signal) => this.onExit(worker, code, signal));
    try {
      // The first worker alone applies migrations and first-boot seeds (SQLite has no
      // migration lock), then the others start together.
      await this.forkUntilReady();
      await Promise.all(Array.from({ length: workers - 1 }, () => this.forkUntilReady()));
      await this.router.listen(port, host);
    } catch (error) {
      if (this.state === 'stopping') return; // a signal arrived during start-up: stop() ends it
      this.logger.error(`start-up failed: ${(error as Error).message}`, CONTEXT);
      await this.stopWorkers('SIGTERM');
      process.exit(1);
    }
    this.state = 'running';
    this.logger.log(`listening on http://${host}:${port} with ${workers} workers`, CONTEXT);
  }

  /** The owner of the socket.io session the request names, else the next ready worker. */
  private pick(target: string): Worker | undefined {
    const owner = sessionOwnerOf(target);
    const sticky = owner === undefined ? undefined : this.ready.get(owner);
    if (sticky) return sticky;
    if (this.ready.size === 0) return undefined;
    const workers = [...this.ready.values()];
    this.roundRobin = (this.roundRobin + 1) % workers.length;
    return workers[this.roundRobin];
  }

  private fork(): Worker {
    const worker = cluster.fork({ [CLUSTER_DIR_ENV]: this.clusterDir });
    worker.on('message', (message) => {
      if (!isReadyMessage(message) || this.state === 'stopping') return;
      this.ready.set(worker.id, worker);
      this.logger.log(`worker ${worker.id} started (pid ${worker.process.pid})`, CONTEXT);
    });
    worker.on('disconnect', () => this.ready.delete(worker.id));
    return worker;
  }

  /** Forks one worker; resolves when it is ready, rejects when it exits before that. */
  private forkUntilReady(): Promise<void> {
    const worker = this.fork();
    return new Promise((resolve, reject) => {
      const onMessage = (message: unknown) => {
        if (!isReadyMessage(message)) return;
        worker.off('exit', onExit);
        resolve();
      };
      const onExit = (code: number | null, signal: string | null) => {
        worker.off('message', onMessage);
        reject(
          new Error(`worker ${worker.id} exited (${signal ?? `code ${code}`}) before it was ready`),
        );
      };
      worker.on('message', onMessage);
      worker.once('exit', onExit);
    });
  }

  private onExit(worker: Worker, code: number | null, signal: string | null): void {
    this.ready.delete(worker.id);
    // While starting, forkUntilReady reports the failure; while stopping, exits are expected.
    if (this.state !== 'running') return;
    const delay = this.backoff.nextDelayMs();
    this.logger.warn(
      `worker ${worker.id} (pid ${worker.process.pid}) died (${signal ?? `exit code ${code}`}); ` +
        `starting a replacement in ${delay} ms`,
      CONTEXT,
    );
    setTimeout(() => {
      if (this.state === 'running') this.fork();
    }, delay).unref();
  }

  private async stop(signal: NodeJS.Signals): Promise<void> {
    if (this.state === 'stopping') return;
    this.state = 'stopping';
    this.logger.log(
      `${signal}: stopping ${Object.keys(cluster.workers ?? {}).length} workers`,
      CONTEXT,
    );
    this.router.close();
    await this.stopWorkers(signal);
    this.removeClusterDir();
    // Leave the way a single process does after Nest's shutdown hooks: by the same signal.
    process.kill(process.pid, signal);
  }

  /** Signals every worker and waits (bounded) for all to exit; SIGKILL for stragglers. */
  private async stopWorkers(signal: NodeJS.Signals): Promise<void> {
    this.state = 'stopping';
    const workers = Object.values(cluster.workers ?? {}).filter((worker) => worker !== undefined);
    const exits = workers.map(
      (worker) =>
        new Promise<void>((resolve) => {
          if (worker.isDead()) return resolve();
          worker.once('exit', () => resolve());
          worker.process.kill(signal);
        }),
    );
    const timer = setTimeout(() => {
      for (const worker of workers) {
        if (worker.isDead()) continue;
        this.logger.warn(
          `worker ${worker.id} did not stop in ${SHUTDOWN_GRACE_MS} ms: SIGKILL`,
          CONTEXT,
        );
        worker.process.kill('SIGKILL');
      }
    }, SHUTDOWN_GRACE_MS);
    await Promise.all(exits);
    clearTimeout(timer);
  }

  private removeClusterDir(): void {
    rmSync(this.clusterDir, { recursive: true, force: true });
  }
}
