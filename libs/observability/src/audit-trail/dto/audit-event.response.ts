import type { AuditEvent } from '../audit-event.model.js';
import type { AuditEventPage } from '../audit-trail.service.js';

export interface AuditEventResponse {
  id: string;
  /** Epoch milliseconds. */
  occurred_at: number;
  actor_id: string | null;
  actor_email: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  before: unknown;
  after: unknown;
  source_ip: string | null;
  request_id: string | null;
}

export interface AuditEventPageResponse {
  items: AuditEventResponse[];
  next_cursor: string | null;
}

export function toAuditEventResponse(event: AuditEvent): AuditEventResponse {
  return {
    id: event.id,
    occurred_at: event.occurredAt,
    actor_id: event.actorId,
    actor_email: event.actorEmail,
    action: event.action,
    target_type: event.targetType,
    target_id: event.targetId,
    before: event.before,
    after: event.after,
    source_ip: event.sourceIp,
    request_id: event.requestId,
  };
}

export function toAuditEventPageResponse(page: AuditEventPage): AuditEventPageResponse {
  return { items: page.items.map(toAuditEventResponse), next_cursor: page.nextCursor };
}
