import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** Query of GET /api/v1/audit/events and its export; times are epoch seconds. */
export class AuditEventQueryDto {
  /** An actor's user id or email. */
  @IsOptional()
  @IsString()
  @MaxLength(255)
  actor?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  target_type?: string;

  /** Inclusive lower bound (epoch seconds). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  since?: number;

  /** Exclusive upper bound (epoch seconds). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  until?: number;

  /** next_cursor of the previous page. */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export type AuditEventQuery = Pick<
  AuditEventQueryDto,
  'actor' | 'target_type' | 'since' | 'until' | 'cursor' | 'limit'
>;
