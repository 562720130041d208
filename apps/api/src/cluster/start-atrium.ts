import cluster from 'node:cluster';
import { Logger } from '@nestjs/common';
import { ConfigValidationError, loadConfig, type AppConfig } from '@atrium/config';

/**
 * Starts Atrium as UVICORN_WORKERS says: one process serving the port (1, the default), or
 * a primary that forks that many workers (see cluster-primary.ts). `entry` is the compiled
 * main module, which the workers run too. Each role imports only what it needs: the primary
 * never loads the Nest application.
 */
export async function startAtrium(entry: string): Promise<void> {
  const config = readConfigOrExit();
  if (cluster.isWorker) {
    const { runWorker } = await import('./cluster-worker.js');
    return runWorker(config);
  }
  if (config.server.workers > 1) {
    const [{ ClusterPrimary }, { AtriumLogger }] = await Promise.all([
      import('./cluster-primary.js'),
      import('@atrium/observability'),
    ]);
    return new ClusterPrimary(config, entry, new AtriumLogger(config)).start();
  }
  const { createApp } = await import('../create-app.js');
  const app = await createApp({ config });
  await app.listen(config.server.port, config.server.host);
  new Logger('Atrium').log(`listening on http://${config.server.host}:${config.server.port}`);
}

function readConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
