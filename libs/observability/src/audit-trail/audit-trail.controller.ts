import { Controller, Get, Query, Res } from '@nestjs/common';
import { Auth, queryValidationPipe } from '@atrium/common';
import type { Response } from 'express';
import type { AuditEventFilter } from './audit-event.model.js';
import { AuditTrailService } from './audit-trail.service.js';
import { AuditEventQueryDto, type AuditEventQuery } from './dto/audit-event-query.dto.js';
import {
  toAuditEventPageResponse,
  toAuditEventResponse,
  type AuditEventPageResponse,
} from './dto/audit-event.response.js';

const DEFAULT_PAGE_SIZE = 100;

function filterOf(query: AuditEventQuery): AuditEventFilter {
  return {
    actor: query.actor,
    targetType: query.target_type,
    sinceMs: query.since === undefined ? undefined : query.since * 1000,
    untilMs: query.until === undefined ? undefined : query.until * 1000,
  };
}

/** /api/v1/audit: read-only access to the admin audit trail (no route alters it). */
@Controller('api/v1/audit')
export class AuditTrailController {
  constructor(private readonly trail: AuditTrailService) {}

  @Get('events')
  @Auth({ admin: true })
  async listEvents(
    @Query(queryValidationPipe(AuditEventQueryDto)) query: AuditEventQuery,
  ): Promise<AuditEventPageResponse> {
    const page = await this.trail.list(
      filterOf(query),
      query.cursor,
      query.limit ?? DEFAULT_PAGE_SIZE,
    );
    return toAuditEventPageResponse(page);
  }

  /** Every matching event as NDJSON, newest first, streamed with backpressure (for SIEMs). */
  @Get('events/export')
  @Auth({ admin: true })
  async exportEvents(
    @Query(queryValidationPipe(AuditEventQueryDto)) query: AuditEventQuery,
    @Res() response: Response,
  ): Promise<void> {
    response.status(200);
    response.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    response.setHeader('Content-Disposition', 'attachment; filename="audit-events.ndjson"');
    for await (const event of this.trail.all(filterOf(query))) {
      if (response.destroyed) return;
      if (!response.write(`${JSON.stringify(toAuditEventResponse(event))}\n`)) {
        await new Promise<void>((resolve) => {
          response.once('drain', resolve);
          response.once('close', resolve);
        });
      }
    }
    response.end();
  }
}
