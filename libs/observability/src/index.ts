import { AuditEventEntity } from './audit-trail/audit-event.entity.js';

export * from './observability.module.js';
export * from './audit-log/audit-log.writer.js';
export * from './audit-log/audit-log-recorder.js';
export * from './audit-log/secret-masking.js';
export * from './audit-trail/audit-event.model.js';
export {
  AuditTrailService,
  type AuditTrailRecord,
  type AuditEventPage,
} from './audit-trail/audit-trail.service.js';
export * from './request-context/request-context.js';
export * from './request-context/request-context.middleware.js';
export * from './logging/atrium-logger.js';
export { AtriumMetrics } from './metrics/atrium-metrics.js';
export { TracingService } from './tracing/tracing.service.js';
export * from './tracing/model-call-telemetry.js';
export * from './tracing/trace-propagation.js';
export { inHttpServerSpan, type HttpServerSpanStart } from './tracing/http-server-span.js';

// Entities this library persists (registered with the DataSource by the app).
export const OBSERVABILITY_ENTITIES = [AuditEventEntity];
