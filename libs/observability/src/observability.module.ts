import {
  Global,
  Inject,
  Module,
  type MiddlewareConsumer,
  type NestModule,
  type OnModuleDestroy,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@atrium/config';
import { UsersModule } from '@atrium/users';
import { AuditLogMiddleware } from './audit-log/audit-log.middleware.js';
import { AuditLogRecorder } from './audit-log/audit-log-recorder.js';
import { AuditLogWriter } from './audit-log/audit-log.writer.js';
import { AuditEventsRepository } from './audit-trail/audit-events.repository.js';
import { AuditTrailController } from './audit-trail/audit-trail.controller.js';
import { AuditTrailMiddleware } from './audit-trail/audit-trail.middleware.js';
import { AuditTrailService } from './audit-trail/audit-trail.service.js';
import { AtriumLogger } from './logging/atrium-logger.js';
import { AtriumMetrics } from './metrics/atrium-metrics.js';
import { HttpMetricsMiddleware } from './metrics/http-metrics.middleware.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { ModelCallTelemetry } from './tracing/model-call-telemetry.js';
import { HttpTracingMiddleware } from './tracing/http-tracing.middleware.js';
import { TracingService } from './tracing/tracing.service.js';
import { RequestContextMiddleware } from './request-context/request-context.middleware.js';

/**
 * Request ids, the structured logger, Open WebUI's audit log file, the admin audit trail and
 * Prometheus metrics and
 * OpenTelemetry tracing. Its HTTP hooks are
 * middleware bound once to every route, ahead of guards, so requests the guard refuses and
 * statuses set by the exception filter are seen too (an interceptor sees neither). Global, so any
 * library can inject AuditTrailService, AtriumMetrics and ModelCallTelemetry without importing it.
 */
@Global()
@Module({
  imports: [UsersModule],
  controllers: [AuditTrailController, MetricsController],
  providers: [
    {
      provide: AuditLogWriter,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new AuditLogWriter(config.observability.audit),
    },
    AuditLogRecorder,
    AuditLogMiddleware,
    AuditEventsRepository,
    AuditTrailService,
    AuditTrailMiddleware,
    RequestContextMiddleware,
    AtriumMetrics,
    HttpMetricsMiddleware,
    AtriumLogger,
    TracingService,
    HttpTracingMiddleware,
    ModelCallTelemetry,
  ],
  exports: [
    AuditLogWriter,
    AuditLogRecorder,
    AuditTrailService,
    AtriumMetrics,
    AtriumLogger,
    TracingService,
    ModelCallTelemetry,
  ],
})
export class ObservabilityModule implements NestModule, OnModuleDestroy {
  constructor(
    @Inject(AuditLogWriter) private readonly auditLog: AuditLogWriter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    const audited = this.config.observability.audit.level !== 'NONE';
    const otel = this.config.observability.otel;
    consumer
      .apply(
        RequestContextMiddleware,
        ...(otel.enabled && otel.traces ? [HttpTracingMiddleware] : []),
        HttpMetricsMiddleware,
        AuditTrailMiddleware,
        ...(audited ? [AuditLogMiddleware] : []),
      )
      .forRoutes('{*path}');
  }

  async onModuleDestroy(): Promise<void> {
    await this.auditLog.close();
  }
}
