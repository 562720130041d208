import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { AppConfig } from '@atrium/config';

// @nestjs/platform-socket.io bundles its own socket.io copy: take its types from the adapter.
type IoServerOptions = NonNullable<Parameters<IoAdapter['createIOServer']>[1]>;
type IoServer = ReturnType<IoAdapter['createIOServer']>;

/** Where Open WebUI's frontend looks for socket.io. */
export const SOCKET_IO_PATH = '/ws/socket.io';

/**
 * socket.io on the HTTP server with Open WebUI's options: path /ws/socket.io, websocket only
 * (or long-polling only when ENABLE_WEBSOCKET_SUPPORT is off), ping interval/timeout from the
 * environment, CORS from CORS_ALLOW_ORIGIN. Install with app.useWebSocketAdapter().
 */
export class RealtimeIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: IoServerOptions): IoServer {
    const realtime = this.config.realtime;
    const origins = this.config.server.corsAllowOrigins;
    return super.createIOServer(port, {
      ...options,
      path: SOCKET_IO_PATH,
      transports: realtime.enableWebsocket ? ['websocket'] : ['polling'],
      allowUpgrades: realtime.enableWebsocket,
      pingInterval: realtime.pingIntervalMs,
      pingTimeout: realtime.pingTimeoutMs,
      cors: { origin: origins.includes('*') ? true : origins, credentials: true },
    } as IoServerOptions);
  }
}
