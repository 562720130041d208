import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent.js';
import { loadConfig, type AppConfig } from '@atrium/config';
import { createApp } from '../../apps/api/src/create-app.js';

export interface BootedApp {
  app: NestExpressApplication;
  config: AppConfig;
  http: TestAgent;
  /** Base URL when started with listen: true. */
  url?: string;
  close(): Promise<void>;
}

export interface BootOptions {
  /** Extra environment (DATABASE_URL, REDIS_URL, ENABLE_SIGNUP...). */
  env?: Record<string, string>;
  /** Listen on a random loopback port (for socket.io or raw HTTP clients). */
  listen?: boolean;
  /** Reuse this DATA_DIR (e.g. to restart on the same SQLite file); otherwise a fresh temp dir. */
  dataDir?: string;
}

/**
 * Boots the whole Atrium app in-process as `npm start` would, against the given environment.
 * The default is a fresh SQLite database in a temp DATA_DIR.
 */
export async function bootApp(options: BootOptions = {}): Promise<BootedApp> {
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'atrium-e2e-'));
  const config = loadConfig({
    WEBUI_SECRET_KEY: 'e2e-secret-key',
    DATA_DIR: dataDir,
    ...options.env,
  });
  const app = await createApp({ config, logger: ['error'] });
  let url: string | undefined;
  if (options.listen) {
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    url = `http://127.0.0.1:${address.port}`;
  } else {
    await app.init();
  }
  return {
    app,
    config,
    http: request(app.getHttpServer()),
    url,
    async close() {
      await app.close();
      if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
