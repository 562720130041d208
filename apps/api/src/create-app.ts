import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { LogLevel } from '@nestjs/common';
import cookieParser from 'cookie-parser';
import { APP_CONFIG, loadConfig, type AppConfig } from '@atrium/config';
import { AtriumLogger } from '@atrium/observability';
import { RealtimeIoAdapter } from '@atrium/realtime';
import { setupApiDocs } from '@atrium/system';
import { AppModule } from './app.module.js';
import { corsOptionsFor } from './fast-path/cors-headers.js';
import { installFastPath } from './fast-path/install-fast-path.js';

export interface CreateAppOptions {
  /** A ready config (tests); otherwise the environment is read. */
  config?: AppConfig;
  logger?: LogLevel[] | false;
}

/** Builds the HTTP application with every cross-cutting setting; does not listen. */
export async function createApp(options: CreateAppOptions = {}): Promise<NestExpressApplication> {
  const config = options.config ?? loadConfig();
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger: options.logger ?? ['log', 'warn', 'error'],
    bufferLogs: options.logger === undefined,
  });
  // One structured logger (GLOBAL_LOG_LEVEL, LOG_FORMAT, request id, secrets masked); tests pick levels.
  if (options.logger === undefined) app.useLogger(app.get(AtriumLogger));
  const resolved = app.get<AppConfig>(APP_CONFIG);
  app.disable('x-powered-by');
  // FastAPI sends no ETag on JSON, but Express would hash every reply body for one. An etag
  // function that returns nothing skips that, while 'etag' stays enabled for sendFile (static
  // files keep their stat-based ETag and 304s; `false` would turn those off too).
  app.set('etag', () => undefined);
  app.set('trust proxy', true);
  app.useBodyParser('json', { limit: resolved.server.requestBodyLimit });
  app.useBodyParser('urlencoded', { limit: resolved.server.requestBodyLimit, extended: true });
  app.use(cookieParser());
  const origins = resolved.server.corsAllowOrigins;
  // '*' with credentials: reflect the caller's origin, as Starlette does.
  app.enableCors(corsOptionsFor(origins));
  // /docs and /openapi.json when ENV=dev (loaded on first request); before init, ahead of the 404 handler.
  setupApiDocs(app, resolved);
  // socket.io at /ws/socket.io with the WEBSOCKET_* settings (the gateway is in RealtimeModule).
  app.useWebSocketAdapter(new RealtimeIoAdapter(app, resolved));
  app.enableShutdownHooks();
  // Hot relay routes served by a raw node:http handler ahead of Express (ENABLE_FAST_PATH).
  installFastPath(app, resolved);
  return app;
}
