import type { RequestListener, Server } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { CallerAuthenticator } from '@atrium/auth';
import type { AppConfig } from '@atrium/config';
import { AtriumMetrics, AuditLogRecorder } from '@atrium/observability';
import { ModelsService, ProviderRelayService } from '@atrium/providers';
import { ChatTasksService } from '@atrium/tasks';
import { PermissionsService } from '@atrium/users';
import { corsOptionsFor } from './cors-headers.js';
import { FastPath } from './fast-path.js';
import { fastRoutes } from './fast-path-routes.js';
import { bodyLimitBytes } from './json-body.js';

/**
 * Whether the fast path may run. It replays the Nest pipeline of its routes (audit log and
 * HTTP server spans included), except trusted headers: a mismatch clears cookies through
 * Express's response helpers, so with WEBUI_AUTH_TRUSTED_EMAIL_HEADER set it stays off.
 */
export function fastPathEnabled(config: AppConfig): boolean {
  return config.providers.fastPath && !config.trustedHeaders.emailHeader;
}

/**
 * Puts the fast path in front of Express on the app's HTTP server: its 'request' listeners
 * (Express, or whatever wraps it) only see what the fast path declines. 'upgrade' listeners
 * (socket.io) are untouched. The services are the app's own singletons.
 */
export function installFastPath(app: NestExpressApplication, config: AppConfig): void {
  if (!fastPathEnabled(config)) return;
  const fastPath = new FastPath({
    routes: fastRoutes({
      models: app.get(ModelsService),
      relay: app.get(ProviderRelayService),
      tasks: app.get(ChatTasksService),
    }),
    authenticator: app.get(CallerAuthenticator),
    permissions: app.get(PermissionsService),
    metrics: app.get(AtriumMetrics),
    corsOrigins: corsOptionsFor(config.server.corsAllowOrigins).origin,
    bodyLimit: bodyLimitBytes(config.server.requestBodyLimit),
    apiKeyHeader: config.auth.customApiKeyHeader.toLowerCase(),
    audit: config.observability.audit.level === 'NONE' ? undefined : app.get(AuditLogRecorder),
    tracing: config.observability.otel.enabled && config.observability.otel.traces,
  });
  const server: Server = app.getHttpServer();
  const fallback = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (request, response) => {
    if (fastPath.handle(request, response)) return;
    for (const listener of fallback) listener.call(server, request, response);
  });
}
