import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type QueryDeepPartialEntity, type Repository } from 'typeorm';
import { AuditEventEntity } from './audit-event.entity.js';
import type { AuditEvent, AuditEventCursor, AuditEventFilter } from './audit-event.model.js';

/** The only code that touches the `audit_event` table; it can insert and read, nothing else. */
@Injectable()
export class AuditEventsRepository {
  private readonly events: Repository<AuditEventEntity>;

  constructor(@Inject(DataSource) dataSource: DataSource) {
    this.events = dataSource.getRepository(AuditEventEntity);
  }

  async append(event: AuditEvent): Promise<void> {
    // JSON columns are `unknown`; the transformer serialises them.
    await this.events.insert(event as QueryDeepPartialEntity<AuditEventEntity>);
  }

  /** Newest first, ordered by (occurred_at, id) descending, starting after `cursor`. */
  async page(
    filter: AuditEventFilter,
    cursor: AuditEventCursor | undefined,
    limit: number,
  ): Promise<AuditEvent[]> {
    const query = this.events.createQueryBuilder('audit');
    if (filter.actor !== undefined) {
      query.andWhere('(audit.actorId = :actor OR audit.actorEmail = :actor)', {
        actor: filter.actor,
      });
    }
    if (filter.targetType !== undefined) {
      query.andWhere('audit.targetType = :targetType', { targetType: filter.targetType });
    }
    if (filter.sinceMs !== undefined) {
      query.andWhere('audit.occurredAt >= :since', { since: filter.sinceMs });
    }
    if (filter.untilMs !== undefined) {
      query.andWhere('audit.occurredAt < :until', { until: filter.untilMs });
    }
    if (cursor) {
      query.andWhere(
        '(audit.occurredAt < :cursorAt OR (audit.occurredAt = :cursorAt AND audit.id < :cursorId))',
        { cursorAt: cursor.occurredAt, cursorId: cursor.id },
      );
    }
    const rows = await query
      .orderBy('audit.occurredAt', 'DESC')
      .addOrderBy('audit.id', 'DESC')
      .limit(limit)
      .getMany();
    return rows.map((row) => ({ ...row }));
  }
}
