import { IsString, MaxLength } from 'class-validator';

/** POST /api/v1/auths/update/timezone */
export class UpdateTimezoneDto {
  @IsString()
  @MaxLength(64)
  timezone: string;
}
