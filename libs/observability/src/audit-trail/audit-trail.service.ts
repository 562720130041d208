import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { BadRequestError, Clock } from '@atrium/common';
import { UserEventsService } from '@atrium/users';
import { maskSecrets } from '../audit-log/secret-masking.js';
import { currentRequestContext } from '../request-context/request-context.js';
import type { AuditEvent, AuditEventCursor, AuditEventFilter } from './audit-event.model.js';
import { AuditEventsRepository } from './audit-events.repository.js';

/** What a library reports when something governance-relevant changes. */
export interface AuditTrailRecord {
  /** Dotted verb, e.g. "user.role_changed", "connection.updated", "auth.signin_failed". */
  action: string;
  /** What was acted on, e.g. "user", "group", "connection", "config". */
  targetType: string;
  targetId?: string | null;
  /** State before and after (secrets are masked before storage). */
  before?: unknown;
  after?: unknown;
  /** The actor; defaults to the caller of the current request. */
  actor?: { id: string | null; email: string | null };
}

export interface AuditEventPage {
  items: AuditEvent[];
  /** Pass back as `cursor` for the next (older) page; null at the end. */
  nextCursor: string | null;
}

export const MAX_PAGE_SIZE = 500;

export function encodeCursor(cursor: AuditEventCursor): string {
  return Buffer.from(`${cursor.occurredAt}:${cursor.id}`, 'utf8').toString('base64url');
}

export function decodeCursor(text: string): AuditEventCursor | undefined {
  const match = /^(\d+):(.+)$/.exec(Buffer.from(text, 'base64url').toString('utf8'));
  return match ? { occurredAt: Number(match[1]), id: match[2] } : undefined;
}

/**
 * The append-only admin audit trail. Other libraries call record(); actor, source IP and
 * request id come from the current request. Recording never fails the caller's operation:
 * a storage error is logged.
 */
@Injectable()
export class AuditTrailService implements OnModuleInit {
  private readonly logger = new Logger('AuditTrail');

  constructor(
    private readonly events: AuditEventsRepository,
    private readonly clock: Clock,
    private readonly userEvents: UserEventsService,
  ) {}

  onModuleInit(): void {
    this.userEvents.onUserRoleChanged(({ userId, previousRole, role }) =>
      this.record({
        action: 'user.role_changed',
        targetType: 'user',
        targetId: userId,
        before: { role: previousRole },
        after: { role },
      }),
    );
    this.userEvents.onUserEmailChanged(({ userId, previousEmail, email }) =>
      this.record({
        action: 'user.email_changed',
        targetType: 'user',
        targetId: userId,
        before: { email: previousEmail },
        after: { email },
      }),
    );
    this.userEvents.onUserDeleted(({ userId }) =>
      this.record({ action: 'user.deleted', targetType: 'user', targetId: userId }),
    );
  }

  async record(entry: AuditTrailRecord): Promise<void> {
    const context = currentRequestContext();
    if (context) {
      context.trailActions ??= [];
      context.trailActions.push({ action: entry.action, targetId: entry.targetId ?? null });
    }
    const caller = context?.user();
    const actor = entry.actor ?? { id: caller?.id ?? null, email: caller?.email ?? null };
    const event: AuditEvent = {
      id: randomUUID(),
      occurredAt: this.clock.nowMs(),
      actorId: actor.id,
      actorEmail: actor.email,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      before: entry.before === undefined ? null : maskSecrets(entry.before),
      after: entry.after === undefined ? null : maskSecrets(entry.after),
      sourceIp: context?.sourceIp ?? null,
      requestId: context?.requestId ?? null,
    };
    try {
      await this.events.append(event);
    } catch (error) {
      this.logger.error(
        `could not record ${entry.action} on ${entry.targetType}: ${(error as Error).message}`,
      );
    }
  }

  async list(
    filter: AuditEventFilter,
    cursorText: string | undefined,
    limit: number,
  ): Promise<AuditEventPage> {
    const cursor = cursorText === undefined ? undefined : decodeCursor(cursorText);
    if (cursorText !== undefined && cursor === undefined)
      throw new BadRequestError('Invalid cursor');
    const size = Math.min(Math.max(1, limit), MAX_PAGE_SIZE);
    const items = await this.events.page(filter, cursor, size);
    const last = items.at(-1);
    return {
      items,
      nextCursor: items.length === size && last ? encodeCursor(last) : null,
    };
  }

  /** Every matching event, newest first, read page by page (for the NDJSON export). */
  async *all(filter: AuditEventFilter): AsyncGenerator<AuditEvent> {
    let cursor: AuditEventCursor | undefined;
    for (;;) {
      const items = await this.events.page(filter, cursor, MAX_PAGE_SIZE);
      yield* items;
      const last = items.at(-1);
      if (items.length < MAX_PAGE_SIZE || !last) return;
      cursor = { occurredAt: last.occurredAt, id: last.id };
    }
  }
}
