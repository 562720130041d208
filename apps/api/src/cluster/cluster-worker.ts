import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { Socket } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import type { AppConfig } from '@atrium/config';
import { RealtimeIoAdapter } from '@atrium/realtime';
import { createApp } from '../create-app.js';
import {
  CLUSTER_DIR_ENV,
  isConnectionMessage,
  workerSocketPath,
  type ReadyMessage,
} from './cluster-messages.js';
import { installSessionRelay } from './session-relay.js';
import { sessionIdFor } from './socket-session-id.js';

type IoServerOptions = Parameters<RealtimeIoAdapter['createIOServer']>[1];
type IoServer = ReturnType<RealtimeIoAdapter['createIOServer']>;

/** Atrium's socket.io adapter, with engine.io session ids that name this worker. */
class WorkerIoAdapter extends RealtimeIoAdapter {
  constructor(
    app: INestApplication,
    config: AppConfig,
    private readonly workerId: number,
  ) {
    super(app, config);
  }

  override createIOServer(port: number, options?: IoServerOptions): IoServer {
    const server = super.createIOServer(port, options);
    server.engine.generateId = () => sessionIdFor(this.workerId);
    return server;
  }
}

/**
 * One worker of UVICORN_WORKERS: the whole app, fed connections by the primary instead of
 * listening on the public port, and listening on a private Unix socket that the other workers
 * use to relay requests of this worker's socket.io sessions.
 */
export async function runWorker(config: AppConfig): Promise<void> {
  const workerId = cluster.worker?.id;
  const clusterDir = process.env[CLUSTER_DIR_ENV];
  if (workerId === undefined || !clusterDir) {
    throw new Error(`not started by an Atrium cluster primary (${CLUSTER_DIR_ENV} unset)`);
  }
  const app = await createApp({ config });
  // Replaces the adapter createApp set; it takes effect at init, when gateways are bound.
  app.useWebSocketAdapter(new WorkerIoAdapter(app, config, workerId));
  await app.init();
  const server: Server = app.getHttpServer();
  installSessionRelay(server, workerId, (owner) => workerSocketPath(clusterDir, owner));
  acceptHandedConnections(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // exclusive: a worker's own listener, not one shared through the cluster module.
    server.listen({ path: workerSocketPath(clusterDir, workerId), exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const ready: ReadyMessage = { type: 'atrium:ready' };
  process.send?.(ready);
}

/**
 * Connections the primary accepted: replay the bytes it read, then HTTP as usual. The server
 * did not accept them itself, so server.close() would not wait for them; it is made to, so a
 * worker that is told to stop lets responses in flight (streams) finish, as one process does.
 */
function acceptHandedConnections(server: Server): void {
  const open = new Set<Socket>();
  let drained: (() => void) | undefined;
  process.on('message', (message: unknown, handle: unknown) => {
    if (!isConnectionMessage(message) || !(handle instanceof Socket)) return;
    open.add(handle);
    handle.once('close', () => {
      open.delete(handle);
      if (open.size === 0) drained?.();
    });
    server.emit('connection', handle);
    handle.unshift(Buffer.from(message.head, 'latin1'));
  });
  const close = server.close.bind(server);
  server.close = (callback?: (error?: Error) => void) =>
    close((error) => {
      if (open.size === 0) return callback?.(error);
      // Busy connections end once idle: close idle ones as they appear, without waiting for the
      // keep-alive timeout.
      const sweep = setInterval(() => server.closeIdleConnections(), 100);
      drained = () => {
        drained = undefined;
        clearInterval(sweep);
        callback?.(error);
      };
    });
}
