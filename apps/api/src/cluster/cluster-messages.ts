import { join } from 'node:path';

/**
 * The private folder (created by the primary, mode 0700) holding each worker's Unix socket,
 * handed to workers in their environment. Internal plumbing, not an operator setting.
 */
export const CLUSTER_DIR_ENV = 'ATRIUM_CLUSTER_DIR';

/** Where worker `workerId` also listens, so other workers can relay its sessions' requests. */
export function workerSocketPath(clusterDir: string, workerId: number): string {
  return join(clusterDir, `worker-${workerId}.sock`);
}

/** Worker -> primary: the app is initialised and takes connections. */
export interface ReadyMessage {
  type: 'atrium:ready';
}

/**
 * Primary -> worker, sent with the client's TCP socket as handle: the bytes the primary read
 * to route it (latin1, lossless), which the worker replays before the socket's own data.
 */
export interface ConnectionMessage {
  type: 'atrium:connection';
  head: string;
}

export function isReadyMessage(message: unknown): message is ReadyMessage {
  return (message as ReadyMessage | null)?.type === 'atrium:ready';
}

export function isConnectionMessage(message: unknown): message is ConnectionMessage {
  const candidate = message as ConnectionMessage | null;
  return candidate?.type === 'atrium:connection' && typeof candidate.head === 'string';
}
