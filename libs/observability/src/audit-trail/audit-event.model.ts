/** A recorded governance event, as the service hands it out. */
export interface AuditEvent {
  id: string;
  /** Epoch milliseconds. */
  occurredAt: number;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
  sourceIp: string | null;
  requestId: string | null;
}

export interface AuditEventFilter {
  /** Matches the actor's id or email. */
  actor?: string;
  targetType?: string;
  /** Epoch milliseconds, inclusive. */
  sinceMs?: number;
  /** Epoch milliseconds, exclusive. */
  untilMs?: number;
}

/** Keyset position: events strictly older than (occurredAt, id). */
export interface AuditEventCursor {
  occurredAt: number;
  id: string;
}
